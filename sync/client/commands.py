"""The sync commands of ``rehabdesk``: enroll, sync [--once], sync status, export-bundle, import-bundle.

``app.cli`` finds this module at run time (the core does not import the sync client; the client
imports the core).
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, datetime
from typing import Any

from app.store.store import Store
from models.text import Text, current_language
from sync.client import bundles, state
from sync.client.backoff import SYNC_EVERY_S, Backoff
from sync.client.enrol import enrol_flow
from sync.client.errors import SyncError
from sync.client.flow import run_flow, sync_flow
from sync.client.transport import Transport

STATUS_NOT_ENROLLED = Text(
    "本机尚未登记到同步服务器；有 {pending} 条修改保存在本机待同步。",
    "This computer is not enrolled with a sync server; {pending} changes are saved here waiting to sync.",
)
STATUS_SERVER = Text(
    "同步服务器：{server}（设备 {device}，范围 {scope}，{role}）",
    "Sync server: {server} (device {device}, scope {scope}, {role})",
)
STATUS_PENDING = Text("待发送的修改：{pending} 条", "Changes waiting to be sent: {pending}")
STATUS_LAST_SUCCESS = Text("上次成功同步：{at}", "Last successful sync: {at}")
STATUS_NEVER = Text("尚未成功同步过。", "Never synced successfully yet.")
STATUS_OFFLINE = Text("自 {since} 起连不上服务器。", "The server has not answered since {since}.")
STATUS_ERROR = Text("上次同步的问题：{message}", "Last sync problem: {message}")
STATUS_REJECTED = Text(
    "被服务器拒绝的修改 {count} 条（仍保存在本机）：", "{count} changes refused by the server (kept here):"
)
STATUS_REJECTED_LINE = Text(
    "  #{seq} {entity} {record}：{reason}　处理办法：{advice}",
    "  #{seq} {entity} {record}: {reason} What to do: {advice}",
)
STATUS_CONFLICTS = Text("待审核人员处理的冲突：{count} 条", "Conflicts waiting for a supervisor: {count}")
STATUS_PARKED = Text(
    "等待关联记录的已收到修改：{count} 条", "Received changes waiting for the record they belong to: {count}"
)
STATUS_AHEAD = Text(
    "其中 {count} 条是本机时钟偏快时保存的，时间戳晚于现在；服务器会在它的时钟走到这些时间后接收（最晚约 {at}）。数据不会丢失，无需重新录入。",
    "{count} of them were saved while this computer's clock ran fast and are stamped later than now; the server "
    "takes them once its clock reaches their time (the last at about {at}). Nothing is lost and nothing needs "
    "to be entered again.",
)
NEXT_TRY = Text("{seconds} 秒后再试。", "Trying again in {seconds} seconds.")


def say(text: Text, **params: Any) -> None:
    print(text.render(**params))


def local_time(value: datetime | None) -> str:
    if value is None:
        return "-"
    return value.replace(tzinfo=UTC).astimezone().strftime("%Y-%m-%d %H:%M")


# ---- commands ---------------------------------------------------------------------------------------------
def enroll(store: Store, args: argparse.Namespace, transport_factory: Any = Transport) -> int:
    """``--server`` and ``--code`` default to what IT's provisioning file stored on this computer."""
    flow = enrol_flow(args.server, args.code, transport_factory, timeout=args.timeout)
    url, response, provisioned_code = run_flow(store, flow)  # type: ignore[arg-type]
    say(state.ENROLLED, server=url, device=response.device_id, scope=response.scope, role=response.role)
    if provisioned_code:
        say(state.PROVISIONED_CODE_USED)
    return 0


def sync(store: Store, args: argparse.Namespace, transport_factory: Any = Transport) -> int:
    from app.services.sync_status import read_status

    if args.once:
        summary = run_flow(store, sync_flow(transport_factory, timeout=args.timeout))
        print(summary.message(read_status(store).pending))
        return 0
    backoff = Backoff()
    while True:  # until Ctrl+C (the command line turns KeyboardInterrupt into "Cancelled.")
        try:
            summary = run_flow(store, sync_flow(transport_factory, timeout=args.timeout))
        except SyncError as error:
            print(error.render(), file=sys.stderr)
            if error.kind in ("auth", "not_enrolled"):
                return error.exit_code  # trying again changes nothing until IT acts
            delay = backoff.next_delay()
        else:
            print(summary.message(read_status(store).pending), flush=True)
            backoff.reset()
            delay = SYNC_EVERY_S
        print(NEXT_TRY.render(seconds=round(delay)), file=sys.stderr, flush=True)
        # In one-second steps: Python acts on Ctrl+C only when the main thread wakes, and the kernel may
        # hand the signal to another thread (a request's), which would leave one long sleep deaf to it.
        for _ in range(max(1, round(delay))):
            time.sleep(1)


def status(store: Store, args: argparse.Namespace) -> int:
    from app.services.sync_status import read_status

    current = read_status(store)
    if args.json:
        import json

        json.dump(current.as_json(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    if not current.enrolled:
        say(STATUS_NOT_ENROLLED, pending=current.pending)
        return 0
    say(
        STATUS_SERVER,
        server=current.server_url,
        device=current.device_id,
        scope=current.scope,
        role=current.role,
    )
    say(STATUS_PENDING, pending=current.pending)
    if current.last_success_at:
        say(STATUS_LAST_SUCCESS, at=local_time(current.last_success_at))
    else:
        say(STATUS_NEVER)
    if current.last_error is not None:
        if current.last_error_kind == "network":
            say(STATUS_OFFLINE, since=local_time(current.failing_since))
        say(STATUS_ERROR, message=current.last_error.render())
    if current.rejected:
        say(STATUS_REJECTED, count=len(current.rejected))
        lang = current_language()
        for r in current.rejected:
            say(
                STATUS_REJECTED_LINE,
                seq=r.seq,
                entity=r.entity,
                record=r.record_no or "",
                reason=r.reason.render(lang),
                advice=r.advice.render(lang),
            )
    if current.ahead and current.ahead_until is not None:
        say(STATUS_AHEAD, count=current.ahead, at=local_time(current.ahead_until))
    if current.open_conflicts:
        say(STATUS_CONFLICTS, count=current.open_conflicts)
    if current.parked:
        say(STATUS_PARKED, count=current.parked)
    return 0


def export_bundle(store: Store, args: argparse.Namespace) -> int:
    for path, count in bundles.export_bundle(store, args.out):
        say(bundles.EXPORTED, changes=count, path=path)
    return 0


def import_bundle(store: Store, args: argparse.Namespace) -> int:
    outcome = bundles.import_bundle(store, args.file)
    say(
        bundles.IMPORTED,
        applied=outcome.applied,
        skipped=outcome.skipped,
        parked=outcome.parked,
        conflicts=outcome.conflicts,
    )
    return 0
