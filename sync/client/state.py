"""This device's enrolment and its sync bookkeeping in the local store (``models.SyncState``).

The token and the bundle key are sealed like personal data; they are opened only to make a request
or a bundle, and never logged.
"""

from __future__ import annotations

import socket
import time
from dataclasses import dataclass

from app import __version__
from app.errors import Refused
from app.services.sync_status import sealed_words
from app.store.store import Store
from models import SyncState
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


def enroll_request(store: Store, code: str) -> protocol.EnrollRequest:
    return protocol.EnrollRequest(
        code=code.strip(), device_name=device_name(store), client_version=__version__
    )


def save_enrolment(store: Store, server_url: str, response: protocol.EnrollResponse) -> None:
    """Keep what the server gave this device. A new enrolment starts the pull afresh (the scope may differ)
    and keeps the outbox: changes the old device id never got confirmed are sent under the new one."""
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
        tx.audit(
            "sync.enroll",
            entity="sync_state",
            details={
                "server": server_url,
                "device": response.device_id,
                "scope": response.scope,
                "role": response.role,
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
