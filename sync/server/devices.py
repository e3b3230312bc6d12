"""Enrolled devices: who a bearer token is, listing them, and revoking one."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from sync.server.db import Storage, utcnow
from sync.server.problems import BAD_TOKEN, REVOKED, Refusal
from sync.server.schema import Device, audit

SEEN_EVERY = timedelta(minutes=5)  # last_seen is written at most this often per device (reads stay reads)


@dataclass(frozen=True)
class DeviceInfo:
    """A device as a request handler needs it: plain data, no live ORM object."""

    id: str
    name: str
    office_code: str
    scope: str
    role: str
    enrolled_at: datetime
    revoked_at: datetime | None
    last_seen: datetime | None
    client_version: str = ""

    @property
    def is_supervisor(self) -> bool:
        return self.role == "supervisor"


def info(device: Device) -> DeviceInfo:
    return DeviceInfo(
        device.id,
        device.name,
        device.office_code,
        device.scope,
        device.role,
        device.enrolled_at,
        device.revoked_at,
        device.last_seen,
        device.client_version,
    )


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def authenticate(storage: Storage, token: str | None) -> DeviceInfo:
    """The device a bearer token belongs to; Refusal(bad_token / revoked) otherwise."""
    if not token or len(token) > 200:
        raise Refusal(BAD_TOKEN)
    with storage.read() as session:
        device = session.scalar(select(Device).where(Device.token_hash == hash_secret(token)))
        found = info(device) if device is not None else None
    if found is None:
        raise Refusal(BAD_TOKEN)
    if found.revoked_at is not None:
        raise Refusal(REVOKED)
    now = utcnow()
    if found.last_seen is None or now - found.last_seen > SEEN_EVERY:
        storage.write(lambda s: _touch(s, found.id, now))
    return found


def touch(session: Session, device_id: str) -> None:
    """Mark the device seen inside a write the request does anyway (a push)."""
    _touch(session, device_id, utcnow())


def _touch(session: Session, device_id: str, now: datetime) -> None:
    session.execute(update(Device).where(Device.id == device_id).values(last_seen=now))


def list_all(session: Session) -> list[DeviceInfo]:
    return [info(d) for d in session.scalars(select(Device).order_by(Device.office_code, Device.enrolled_at))]


def find(session: Session, reference: str) -> Device | None:
    """A device by its id, or by an unambiguous prefix of it (at least 8 characters) as IT types it."""
    reference = reference.strip().lower()
    device = session.get(Device, reference)
    if device is not None or len(reference) < 8:
        return device
    matches = list(
        session.scalars(select(Device).where(Device.id.startswith(reference, autoescape=True)).limit(2))
    )
    return matches[0] if len(matches) == 1 else None


def revoke(session: Session, device: Device, actor: str) -> bool:
    """Revoke a device; False when it was revoked already. Its data on the computer stays as it is."""
    if device.revoked_at is not None:
        return False
    device.revoked_at = utcnow()
    audit(session, actor, "device_revoked", device.id, office=device.office_code, name=device.name)
    return True
