"""USB bundles for offices with no link: an "up" bundle from a device is applied like its push, exactly
once however often it is imported; a "down" bundle carries a device's pull after a cursor.

Sealing and opening are ``sync.protocol.seal_bundle`` / ``open_bundle`` (AES-256-GCM with the device's
bundle key, the device id and direction authenticated).
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import TypeAdapter, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from sync.protocol import PushRequest, PushResponse, open_bundle, seal_bundle, to_json
from sync.server import changelog, devices, push
from sync.server.body import load_json
from sync.server.db import Storage
from sync.server.problems import AdminError, Refusal
from sync.server.schema import Device, audit

PUSH_REQUEST = TypeAdapter(PushRequest)


@dataclass(frozen=True)
class Imported:
    device_id: str
    response: PushResponse


@dataclass(frozen=True)
class Exported:
    changes: int
    cursor: int


def import_up(storage: Storage, blob: bytes, actor: str) -> Imported:
    with storage.read() as session:
        keys = {device_id: key for device_id, key in session.execute(select(Device.id, Device.bundle_key))}
    try:
        device_id, direction, payload = open_bundle(blob, keys=keys)
    except ValueError:
        raise AdminError(
            "这不是本服务器登记过的设备的同步包，或文件已损坏、被改动过；没有导入任何内容。",
            "This is not a sync bundle of a device enrolled here, or it is damaged or altered; nothing was imported.",
        ) from None
    if direction != "up":
        raise AdminError(
            "这是发给设备的下行同步包，不能导入服务器。",
            "This is a down bundle meant for a device; it cannot be imported into the server.",
        )
    with storage.read() as session:
        device = devices.info(session.get_one(Device, device_id))
    if device.revoked_at is not None:
        raise AdminError(
            f"设备 {device_id} 已被停用，不接受它的同步包。",
            f"Device {device_id} is revoked; its bundles are not accepted.",
        )
    try:
        request = PUSH_REQUEST.validate_python(load_json(payload))
        response = push.push(storage, device, request, live=False)
    except (ValueError, ValidationError, Refusal) as exc:
        reason = exc.message_en if isinstance(exc, Refusal) else "malformed content"
        raise AdminError(
            f"同步包内容无效（{reason}）；没有导入任何内容。",
            f"The bundle's content is not valid ({reason}); nothing was imported.",
        ) from None
    counts = {s: sum(r.status == s for r in response.results) for s in ("applied", "duplicate", "rejected")}
    storage.write(lambda s: audit(s, actor, "bundle_imported", device_id, **counts))
    return Imported(device_id, response)


def export_down(storage: Storage, reference: str, after: int, actor: str) -> tuple[bytes, Exported]:
    with storage.read() as session:
        device = devices.find(session, reference)
        if device is None:
            raise AdminError(f"找不到设备 {reference}。", f"There is no device {reference}.")
        if device.revoked_at is not None:
            raise AdminError(f"设备 {device.id} 已被停用。", f"Device {device.id} is revoked.")
        device_id, scope, key = device.id, device.scope, device.bundle_key
        try:
            response = changelog.pull_everything(session, scope, after)
        except Refusal as refusal:
            raise AdminError(refusal.message_zh, refusal.message_en) from None
    blob = seal_bundle(to_json(response), device_id, key, "down")
    storage.write(lambda s: _audit_export(s, actor, device_id, after, response.cursor, len(response.changes)))
    return blob, Exported(len(response.changes), response.cursor)


def _audit_export(session: Session, actor: str, device_id: str, after: int, cursor: int, count: int) -> None:
    audit(session, actor, "bundle_exported", device_id, after=after, cursor=cursor, changes=count)
