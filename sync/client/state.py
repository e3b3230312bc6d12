"""This device's enrolment and its sync bookkeeping in the local store (``models.SyncState``).

The token and the bundle key are sealed like personal data; they are opened only to make a request
or a bundle, and never logged.
"""

from __future__ import annotations

import socket
import time
from dataclasses import dataclass, field

from app import __version__
from app.errors import TAMPERED, Refused, Tampering, UserError
from app.maintenance.provision import ENROL_CODE_KEY, SERVER_URL_KEY
from app.services.sync_status import sealed_words
from app.store.store import Store, Tx
from models import Setting, SyncState
from models.enums import Role
from models.sync import STATE_ROW
from models.text import Text
from sync import protocol
from sync.client.errors import (
    CLOCK_SKEW,
    PROTOCOL_MISMATCH,
    SyncError,
)

ADMIN_ONLY = Text(
    "只有管理员可以登记本机到同步服务器。",
    "Only an administrator can enrol this computer with a sync server.",
)
WRONG_OFFICE = Text(
    "该登记码属于办公室 {theirs}，而本机是办公室 {ours} 的，未保存登记。该登记码已被使用：请信息技术人员在服务器上撤销这台新设备，并为办公室 {ours} 另开登记码。",
    "This enrolment code is for office {theirs}, but this computer belongs to office {ours}; the enrolment "
    "was not saved. The code has been used: ask IT staff to revoke that new device on the server and make a "
    "code for office {ours}.",
)
ENROLLED = Text(
    "本机已登记到 {server}：设备 {device}，范围 {scope}（{role}）。",
    "This computer is enrolled with {server}: device {device}, scope {scope} ({role}).",
)
PROVISIONED_CODE_USED = Text(
    "已使用配置文件中的登记码；登记码只能用一次，已从本机删除。",
    "The enrolment code from the provisioning file was used; a code works only once, so it was removed "
    "from this computer.",
)
NEED_SERVER_AND_CODE = Text(
    "没有同步服务器地址和登记码：请用 --server 给出服务器地址（https://...），用 --code 给出信息技术人员在服务器上生成的一次性登记码"
    "（本机未通过配置文件设置同步）。",
    "There is no sync server address and no enrolment code: give the server's address with --server "
    "(https://...) and the one-time code IT staff made on the server with --code (no provisioning file set "
    "them up on this computer).",
)
NEED_SERVER = Text(
    "没有同步服务器地址：请用 --server 给出（https://...），本机的配置文件中没有这一项。",
    "There is no sync server address: give it with --server (https://...); this computer's provisioning "
    "file did not name one.",
)
NEED_CODE = Text(
    "没有登记码：请用 --code 给出信息技术人员在服务器上生成的一次性登记码。配置文件中的登记码只能用一次，用过后已删除。",
    "There is no enrolment code: give the one-time code IT staff made on the server with --code. A code "
    "from the provisioning file works only once and is removed after use.",
)


@dataclass(frozen=True)
class Credentials:
    """What a sync needs to talk to the server (the token opened: keep it in memory only)."""

    server_url: str
    device_id: str
    token: str
    office_code: str
    scope: str
    role: str
    revoked: bool


def read_credentials(store: Store) -> Credentials | None:
    with store.read() as session:
        state = session.get(SyncState, STATE_ROW)
        if state is None:
            return None
        return Credentials(
            server_url=state.server_url,
            device_id=state.device_id,
            token=store.open("sync_state", "token", STATE_ROW, state.token) or "",
            office_code=state.office_code,
            scope=state.scope,
            role=state.role,
            revoked=state.revoked_at is not None,
        )


def read_bundle_key(store: Store) -> tuple[str, str] | None:
    """(device id, bundle key) of this device, or None when it is not enrolled."""
    with store.read() as session:
        state = session.get(SyncState, STATE_ROW)
        if state is None:
            return None
        return state.device_id, store.open("sync_state", "bundle_key", STATE_ROW, state.bundle_key) or ""


def check_enrolment_allowed(store: Store) -> None:
    if store.actor is not None and store.actor.role is not Role.ADMIN:
        raise Refused(ADMIN_ONLY())


def device_name(store: Store) -> str:
    """How IT will recognise this computer in the server's device list (no personal data)."""
    return f"{store.office_code} {socket.gethostname()}"[:100]


@dataclass(frozen=True)
class EnrolTarget:
    """Where to enrol and with which code: typed on the command line, else from the provisioning file."""

    server_url: str
    code: str = field(repr=False)
    provisioned_code: bool  # the code came from the provisioning file (it is removed once the server took it)


def enrolment_target(store: Store, server: str | None, code: str | None) -> EnrolTarget:
    """Fill what the command line left out from the provisioned settings (``rehabdesk provision`` stores
    the server address and seals the one-time code); say plainly what is still missing."""
    provisioned_url, provisioned_code = read_provisioned(store)
    server = server or provisioned_url
    typed = bool(code)
    code = code or provisioned_code
    if not server and not code:
        raise UserError(NEED_SERVER_AND_CODE())
    if not server:
        raise UserError(NEED_SERVER())
    if not code:
        raise UserError(NEED_CODE())
    return EnrolTarget(server, code, provisioned_code=not typed)


def read_provisioned(store: Store) -> tuple[str | None, str | None]:
    """The provisioned server address and enrolment code (opened: keep it in memory only)."""
    with store.read() as session:
        url = session.get(Setting, SERVER_URL_KEY)
        sealed = session.get(Setting, ENROL_CODE_KEY)
        code = None
        if sealed is not None:
            try:
                raw = bytes.fromhex(sealed.value)
            except ValueError:
                raise Tampering(TAMPERED(where=f"setting {ENROL_CODE_KEY}")) from None
            code = store.open("setting", "value", ENROL_CODE_KEY, raw)
        return (url.value if url is not None else None), code


def forget_provisioned_code(store: Store) -> None:
    """The server took the provisioned code (it works once): keep it no longer."""
    with store.write() as tx:
        _forget_code(tx)


def _forget_code(tx: Tx) -> None:
    row = tx.session.get(Setting, ENROL_CODE_KEY)
    if row is not None:
        tx.session.delete(row)


def enroll_request(store: Store, code: str) -> protocol.EnrollRequest:
    return protocol.EnrollRequest(
        code=code.strip(), device_name=device_name(store), client_version=__version__
    )


def save_enrolment(
    store: Store, server_url: str, response: protocol.EnrollResponse, *, provisioned_code: bool = False
) -> None:
    """Keep what the server gave this device. A new enrolment starts the pull afresh (the scope may differ)
    and keeps the outbox: changes the old device id never got confirmed are sent under the new one.
    A provisioned enrolment code is removed in the same transaction: used or not, its job is done."""
    if response.office_code != store.office_code:
        raise Refused(WRONG_OFFICE(theirs=response.office_code, ours=store.office_code))
    with store.write() as tx:
        state = tx.session.get(SyncState, STATE_ROW)
        if state is None:
            state = SyncState(id=STATE_ROW)
            tx.session.add(state)
        state.server_url = server_url
        state.device_id = response.device_id
        state.office_code = response.office_code
        state.scope = response.scope
        state.role = response.role
        state.token = tx.seal("sync_state", "token", STATE_ROW, response.token)  # type: ignore[assignment]
        state.bundle_key = tx.seal("sync_state", "bundle_key", STATE_ROW, response.bundle_key)  # type: ignore[assignment]
        state.enrolled_at = tx.now
        state.cursor = 0
        state.snapshot_after = None
        state.snapshot_cursor = None
        state.revoked_at = None
        state.failing_since = None
        state.last_error_kind = None
        state.last_error_code = None
        state.last_error = None
        _forget_code(tx)
        tx.audit(
            "sync.enroll",
            entity="sync_state",
            details={
                "server": server_url,
                "device": response.device_id,
                "scope": response.scope,
                "role": response.role,
                "provisioned_code": provisioned_code,
            },
        )


def check_meta(meta: protocol.Meta, local_ms: float) -> None:
    """Refuse to sync with a server of another protocol, or when this computer's clock is off."""
    if meta.protocol != protocol.PROTOCOL_VERSION:
        raise SyncError(PROTOCOL_MISMATCH(server=meta.protocol, client=protocol.PROTOCOL_VERSION), "protocol")
    skew = abs(int(meta.server_time_ms) - int(local_ms))
    if skew > protocol.MAX_CLOCK_SKEW_MS:
        raise SyncError(CLOCK_SKEW(minutes=round(skew / 60000)), "clock_skew")


def now_ms() -> float:
    return time.time() * 1000


def record_success(store: Store, server_id: str | None) -> None:
    with store.write() as tx:
        state = tx.session.get(SyncState, STATE_ROW)
        if state is None:
            return
        state.last_attempt_at = tx.now
        state.last_success_at = tx.now
        state.failing_since = None
        state.last_error_kind = None
        state.last_error_code = None
        state.last_error = None
        state.revoked_at = None
        if server_id:
            state.server_id = server_id


def record_failure(store: Store, error: SyncError) -> None:
    with store.write() as tx:
        state = tx.session.get(SyncState, STATE_ROW)
        if state is None:
            return
        state.last_attempt_at = tx.now
        state.failing_since = state.failing_since or tx.now
        state.last_error_kind = error.kind
        state.last_error_code = error.code[:32]
        state.last_error = tx.seal("sync_state", "last_error", STATE_ROW, sealed_words(error.message))
        if error.code == "revoked" and state.revoked_at is None:
            state.revoked_at = tx.now
            tx.audit("sync.revoked", entity="sync_state")
