"""Sync bookkeeping: this device's enrolment and pull cursor, conflicts waiting for a supervisor, and
changes pulled before the record they belong to.

The token and the bundle key are credentials, so they are sealed like personal data; the server URL,
the device id and the scope are plain (they name a server and an office, nobody under a measure).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, sealed

STATE_ROW = 1  # sync_state holds one row


class SyncState(Base):
    """This device's enrolment with a sync server, where its pull stands, and how the last try went."""

    __tablename__ = "sync_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    server_url: Mapped[str] = mapped_column(String(300))
    device_id: Mapped[str] = mapped_column(String(64))  # the id the server gave this device
    office_code: Mapped[str] = mapped_column(String(9))
    scope: Mapped[str] = mapped_column(String(9))  # the office code, or a county code for a supervisor
    role: Mapped[str] = mapped_column(String(16))  # worker | supervisor
    token: Mapped[bytes] = sealed(nullable=False)
    bundle_key: Mapped[bytes] = sealed(nullable=False)
    enrolled_at: Mapped[datetime]
    cursor: Mapped[int] = mapped_column(Integer, default=0)  # the server change log is applied up to here
    # A snapshot rebuild in progress (the server forgot our cursor): the key to ask after ("" = from the
    # start) and the lowest change-log cursor a page was consistent with; both None when none runs.
    snapshot_after: Mapped[str | None] = mapped_column(String(200))
    snapshot_cursor: Mapped[int | None] = mapped_column(Integer)
    server_id: Mapped[str | None] = mapped_column(String(64))
    revoked_at: Mapped[datetime | None]
    last_attempt_at: Mapped[datetime | None]
    last_success_at: Mapped[datetime | None]
    failing_since: Mapped[datetime | None]  # the first failure since the last success ("offline since")
    last_error_kind: Mapped[str | None] = mapped_column(String(16))  # auth | network | other
    last_error_code: Mapped[str | None] = mapped_column(String(32))
    last_error: Mapped[bytes | None] = sealed()  # the message in both languages (a server may quote a value)


class SyncConflict(Base):
    """Two offices changed the same profile field while apart: both values wait for a supervisor."""

    __tablename__ = "sync_conflict"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # the server's id for the conflict
    cursor: Mapped[int] = mapped_column(Integer)
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[uuid.UUID]
    person_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    office_code: Mapped[str] = mapped_column(String(9))
    hlc: Mapped[str] = mapped_column(String(40))
    detail: Mapped[bytes] = sealed(nullable=False)  # the server's description: the field and both values
    received_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]


class SyncParked(Base):
    """A pulled change that arrived before the record it belongs to (a fact before its person): kept,
    sealed, and applied as soon as that record arrives."""

    __tablename__ = "sync_parked"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[uuid.UUID]
    waits_for: Mapped[uuid.UUID] = mapped_column(index=True)
    change: Mapped[bytes] = sealed(nullable=False)  # the whole server change, as JSON
    parked_at: Mapped[datetime]


class SyncFieldClock(Base):
    """The clock of each field of a measure or a work group member as last merged from the server
    (the person's are in ``Person.field_hlc``): rows merge field by field, the later clock winning."""

    __tablename__ = "sync_field_clock"

    entity_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    entity: Mapped[str] = mapped_column(String(32))
    clocks: Mapped[str] = mapped_column(Text)  # JSON object field → HLC: clock values only
