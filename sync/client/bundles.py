"""Sync without a link: the outbox on a USB stick ("up"), and the server's changes back ("down").

A bundle is sealed with this device's bundle key (``sync.protocol.seal_bundle``): nobody without the
key reads it, and a bundle made for another device or turned around is refused. Exporting does not
mark anything sent: the changes stay waiting until the server confirms them (its "down" bundle brings
our own changes back, which confirms them; so does the next push over a link). Importing a bundle twice
applies it once.
"""

from __future__ import annotations

from pathlib import Path

from app.errors import Refused
from app.files import write_atomically
from app.store.store import Store
from models.text import Text
from sync import protocol
from sync.client import push, state
from sync.client.errors import NotEnrolled
from sync.client.pull import Applier, PullOutcome

BAD_BUNDLE = Text(
    "该文件不是本机可以读取的同步包（可能已损坏、被改动，或属于另一台电脑）。未导入任何数据。",
    "This file is not a sync bundle this computer can read (it may be damaged, altered, or meant for "
    "another computer). Nothing was imported.",
)
NOT_A_DOWN_BUNDLE = Text(
    "这是本机导出的上传包，应在服务器上导入，不能在本机导入。未导入任何数据。",
    "This is an upload bundle made by this computer: import it on the server, not here. Nothing was imported.",
)
EXPORTED = Text(
    "已将 {changes} 条待同步的修改写入加密同步包 {path}。请在有网络的办公室导入服务器；这些修改在服务器确认前仍显示为待同步。",
    "Wrote {changes} waiting changes to the encrypted sync bundle {path}. Import it on the server at an "
    "office with a link; the changes stay listed as waiting until the server confirms them.",
)
IMPORTED = Text(
    "已导入同步包：应用 {applied} 条，已有或较旧 {skipped} 条，等待关联记录 {parked} 条，冲突 {conflicts} 条。",
    "Imported the sync bundle: {applied} applied, {skipped} already here or older, {parked} waiting for "
    "the record they belong to, {conflicts} conflicts.",
)


# Changes a bundle file holds at most: a file's changes must fit the server's body limits in one go.
PER_BUNDLE = 500


def export_bundle(store: Store, out: Path) -> list[tuple[Path, int]]:
    """Write every waiting change (refused ones aside) to ``out``: (file, changes) for each file written.

    The server applies a bundle as one push, so one holds at most ``MAX_BATCH`` changes, and at most
    ``PER_BUNDLE`` (an import cannot be retried in halves as a push is); a longer outbox goes into
    ``out``, then ``<name>-2<suffix>``, ``<name>-3<suffix>``... (import them in any order).
    """
    key = state.read_bundle_key(store)
    if key is None:
        raise NotEnrolled()
    device_id, bundle_key = key
    with store.read() as session:
        changes = []
        for row in push.pending_rows(session, None):
            change = push.build_change(store, session, row)
            if change is not None:
                changes.append(change)
    written: list[tuple[Path, int]] = []
    size = min(protocol.MAX_BATCH, PER_BUNDLE)
    for start in range(0, max(len(changes), 1), size):
        part = changes[start : start + size]
        path = out if start == 0 else out.with_name(f"{out.stem}-{start // size + 1}{out.suffix}")
        request = protocol.PushRequest(device_id=device_id, changes=part)
        write_atomically(path, protocol.seal_bundle(protocol.to_json(request), device_id, bundle_key, "up"))
        written.append((path, len(part)))
    with store.write() as tx:
        tx.audit("sync.export_bundle", details={"changes": len(changes), "files": len(written)})
    return written


def import_bundle(store: Store, source: Path) -> PullOutcome:
    """Apply a "down" bundle the server made for this device. The cursor does not move (the bundle does
    not say where its changes start); a later pull over a link finds them here already."""
    key = state.read_bundle_key(store)
    if key is None:
        raise NotEnrolled()
    device_id, bundle_key = key
    try:
        owner, direction, payload = protocol.open_bundle(source.read_bytes(), key_b64=bundle_key)
        page = protocol.from_json(protocol.PullResponse, payload)
    except (ValueError, OSError):
        raise Refused(BAD_BUNDLE()) from None
    if owner != device_id:
        raise Refused(BAD_BUNDLE())
    if direction != "down":
        raise Refused(NOT_A_DOWN_BUNDLE())
    with store.write() as tx:
        applier = Applier(tx, device_id)
        for change in page.changes:
            applier.apply(change)
        applier.finish()
        applier.audit("sync.import_bundle")
    return applier.outcome
