"""Bookkeeping: the audit chain, the sync outbox and the store's own settings."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, sealed


class AuditEntry(Base):
    """One entry of the hash chain: who did what to which record, and when.

    ``digest`` is a keyed hash over the entry and the previous digest, so removing, reordering or
    editing an entry breaks the chain from there on, and nobody without the office key can re-forge it.
    """

    __tablename__ = "audit_entry"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime]
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("app_user.id"))
    action: Mapped[str] = mapped_column(String(48))
    entity: Mapped[str | None] = mapped_column(String(32))
    entity_id: Mapped[uuid.UUID | None]
    person_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    details: Mapped[bytes | None] = sealed()
    digest: Mapped[bytes] = mapped_column(LargeBinary(32))


class OutboxChange(Base):
    """A local change waiting to reach the server, written in the same transaction as the change.

    ``seq`` is this device's gap-free sequence; the server remembers (device, seq) and so applies a
    change once however often it is sent. ``fields`` names the columns changed (never their values: the
    values are read, sealed, from the row at push time).
    """

    __tablename__ = "outbox_change"
    __table_args__ = (
        Index("ix_outbox_change_entity_id", "entity_id"),
        # What has not reached the server yet, in order: the sync state counts it after every change,
        # and a year offline (or an imported ledger) leaves a million rows the scan would walk.
        Index(
            "ix_outbox_change_unsent", "rejected_at", "seq", "acked_at", sqlite_where=text("acked_at IS NULL")
        ),
    )

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[uuid.UUID]
    op: Mapped[str] = mapped_column(String(16))  # insert | update
    fields: Mapped[str] = mapped_column(Text)  # JSON list of column names
    hlc: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime]
    acked_at: Mapped[datetime | None]
    # For a person update: each changed field's clock before the change (JSON object), so the server can
    # tell a concurrent change of the same field from a later one.
    base: Mapped[str | None] = mapped_column(Text)
    # The server refused this change: it stays here, visible with its reason, and no longer blocks the queue.
    rejected_at: Mapped[datetime | None]
    reject_code: Mapped[str | None] = mapped_column(String(32))
    reject_reason: Mapped[bytes | None] = sealed()  # the server's words in both languages (may quote a value)


class Setting(Base):
    """The store's own key/value settings: device id, clock, counters, the key check."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class RulesView(Base):
    """A person's facts as the rules read them, kept between sessions (app.services.caseload_reader).

    Derived data, never synced: triggers (migration 0006) delete a person's row whenever any record the
    rules read is written for them, and the reader makes it again from the tables.
    """

    __tablename__ = "rules_view"

    person_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    facts: Mapped[bytes] = sealed(nullable=False)  # marshal of plain values
