"""The server's tables (typed SQLAlchemy 2 ORM). Migrations in ``sync/server/migrations`` build them.

Record values are plaintext JSON here: the server is the one place that merges them, it sits in the
county's machine room behind TLS, and its database is protected like any other government system's
(disk encryption, access control, encrypted backups: docs/sync-server.md).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from sync.server.db import utcnow

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# A 64-bit integer that is SQLite's rowid alias there (so AUTOINCREMENT works) and BIGINT elsewhere.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: DateTime(timezone=False), dict[str, Any]: JSON()}  # noqa: RUF012


class ServerSetting(Base):
    """Key/value settings: ``server_id``, ``log_floor`` (the oldest cursor a pull may start after)."""

    __tablename__ = "server_setting"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Office(Base):
    """A township (or county) office: 9 digits, the county being the first 6."""

    __tablename__ = "office"

    code: Mapped[str] = mapped_column(String(9), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    county: Mapped[str] = mapped_column(String(6), index=True)
    created_at: Mapped[datetime]


class Device(Base):
    """An enrolled computer. The token is kept as its SHA-256 only; the bundle key opens its USB bundles."""

    __tablename__ = "device"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    office_code: Mapped[str] = mapped_column(ForeignKey("office.code"), index=True)
    scope: Mapped[str] = mapped_column(String(9))  # the office code, or a 6-digit county code
    role: Mapped[str] = mapped_column(String(16))  # worker | supervisor
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    bundle_key: Mapped[str] = mapped_column(String(64))
    client_version: Mapped[str] = mapped_column(Text, default="")
    enrolled_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    last_seen: Mapped[datetime | None]
    # The highest seq of the pushes the server has answered (0: none yet): a push that ``follows`` a
    # higher seq waits until the batch before it has been applied (``sync.server.push``).
    pushed_seq: Mapped[int] = mapped_column(BigInteger, default=0, server_default=text("0"))


class EnrolmentCode(Base):
    """A one-time code IT hands to whoever sets up a computer; kept as its SHA-256 only."""

    __tablename__ = "enrolment_code"

    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    office_code: Mapped[str] = mapped_column(ForeignKey("office.code"))
    scope: Mapped[str] = mapped_column(String(9))
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    used_by: Mapped[str | None] = mapped_column(String(36))  # the device it made
    attempts: Mapped[int] = mapped_column(Integer, default=0)  # times it was presented, the good one included


class EnrolFailure(Base):
    """A wrong, used or expired code presented by a client address: the rate limit counts these."""

    __tablename__ = "enrol_failure"
    __table_args__ = (Index("ix_enrol_failure_client_at", "client", "at"),)

    id: Mapped[int] = mapped_column(BigId, Identity(), primary_key=True)
    client: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(index=True)


class ChangeLogEntry(Base):
    """The change log devices pull: one entry per applied change, tombstone, conflict or resolution.

    ``cursor`` is handed out in commit order (see ``changelog.LogWriter``), so a pull that has seen a
    cursor has seen every entry below it. ``county`` is the office code's first 6 digits: a county
    supervisor's pull is an index range scan on (county, cursor), a township's on (office_code, cursor).
    """

    __tablename__ = "change_log"
    __table_args__ = (
        Index("ix_change_log_office_cursor", "office_code", "cursor"),
        Index("ix_change_log_county_cursor", "county", "cursor"),
        {"sqlite_autoincrement": True},  # cursors are never reused, even after compaction
    )

    cursor: Mapped[int] = mapped_column(BigId, Identity(), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # change | tombstone | conflict | resolution
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str] = mapped_column(String(36))
    op: Mapped[str] = mapped_column(String(8))
    hlc: Mapped[str] = mapped_column(Text)
    office_code: Mapped[str] = mapped_column(String(9))
    county: Mapped[str] = mapped_column(String(6))
    person_id: Mapped[str | None] = mapped_column(String(36))
    fields: Mapped[dict[str, Any]]
    field_clocks: Mapped[dict[str, Any] | None]  # a whole record re-sent on a transfer: its field clocks
    origin_device: Mapped[str] = mapped_column(String(36))
    created_at: Mapped[datetime]


class Record(Base):
    """The current state of every record: what a snapshot serves and what changes merge into.

    ``field_clocks`` (updatable entities): the HLC of each field's value; ``field_devices``: the device
    that wrote it (a conflict says who wrote each value).
    """

    __tablename__ = "record"
    __table_args__ = (
        Index("ix_record_office_id", "office_code", "id"),
        Index("ix_record_county_id", "county", "id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    entity: Mapped[str] = mapped_column(String(32))
    office_code: Mapped[str] = mapped_column(String(9))
    county: Mapped[str] = mapped_column(String(6))
    person_id: Mapped[str | None] = mapped_column(String(36), index=True)
    fields: Mapped[dict[str, Any]]
    field_clocks: Mapped[dict[str, Any] | None]
    field_devices: Mapped[dict[str, Any] | None]
    hlc: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Applied(Base):
    """A (device, seq) the server has taken: the same change sent again is a duplicate.

    ``device_id`` names a ``Device`` without a foreign key: a push writes a row per change, the key's
    check cost a look-up per row, and it could not fail (the device is authenticated and holds its lock
    for the whole push; devices are never deleted). Migration 0002."""

    __tablename__ = "applied"

    device_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str] = mapped_column(String(36))
    status: Mapped[str] = mapped_column(String(16))  # applied | duplicate
    at: Mapped[datetime]


class Conflict(Base):
    """Two offices changed the same profile field while apart; a supervisor picks the value.

    ``values``: a JSON list of {"value", "hlc", "device"}, oldest first; the newest is the provisional one.
    """

    __tablename__ = "conflict"
    __table_args__ = (Index("ix_conflict_person_field", "person_id", "field"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    person_id: Mapped[str] = mapped_column(String(36))
    field: Mapped[str] = mapped_column(Text)
    values: Mapped[list[Any]] = mapped_column(JSON)
    opened_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None] = mapped_column(index=True)
    resolved_by: Mapped[str | None] = mapped_column(String(36))
    resolution: Mapped[dict[str, Any] | None]  # {"value", "hlc", "device"}


class AuditEntry(Base):
    """Admin actions, enrolments, revocations, bundles, compactions and resolutions (never values)."""

    __tablename__ = "audit"

    id: Mapped[int] = mapped_column(BigId, Identity(), primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor: Mapped[str] = mapped_column(Text)  # "cli:<os user>", "device:<id>", or a client address
    action: Mapped[str] = mapped_column(String(32))
    target: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[dict[str, Any]]


def audit(session: Any, actor: str, action: str, target: str = "", **details: Any) -> None:
    session.add(AuditEntry(at=utcnow(), actor=actor, action=action, target=target, details=details))
