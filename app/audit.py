"""The audit chain: every service call and every opened file leaves an entry no one can quietly edit."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.crypto.suites import Suite, mac, same
from models import AuditEntry

GENESIS = b"\x00" * 32


def entry_digest(suite: Suite, key: bytes, previous: bytes, entry: AuditEntry) -> bytes:
    details = hashlib.sha256(entry.details).hexdigest() if entry.details else ""
    body = "|".join(
        [
            str(entry.seq),
            entry.at.isoformat(),
            str(entry.user_id or ""),
            entry.action,
            entry.entity or "",
            str(entry.entity_id or ""),
            str(entry.person_id or ""),
            details,
        ]
    )
    return mac(suite, key, previous + body.encode())[:32]


@dataclass(frozen=True)
class ChainCheck:
    entries: int
    broken_at: int | None  # the seq of the first entry that does not verify

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def verify_chain(session: Session, suite: Suite, key: bytes, batch: int = 5000) -> ChainCheck:
    previous = GENESIS
    expected_seq = 1
    count = 0
    last_seq = 0
    while True:
        rows = session.scalars(
            select(AuditEntry).where(AuditEntry.seq > last_seq).order_by(AuditEntry.seq).limit(batch)
        ).all()
        if not rows:
            return ChainCheck(count, None)
        for entry in rows:
            # A missing entry shows as a gap; an edited, moved or inserted one as a digest mismatch.
            if entry.seq != expected_seq or not same(entry.digest, entry_digest(suite, key, previous, entry)):
                return ChainCheck(count, entry.seq if entry.seq == expected_seq else expected_seq)
            previous = entry.digest
            expected_seq += 1
            count += 1
            last_seq = entry.seq
        session.expunge_all()


def new_entry(
    seq: int,
    at: datetime,
    user_id: UUID | None,
    action: str,
    entity: str | None,
    entity_id: UUID | None,
    person_id: UUID | None,
) -> AuditEntry:
    return AuditEntry(
        seq=seq,
        at=at,
        user_id=user_id,
        action=action,
        entity=entity,
        entity_id=entity_id,
        person_id=person_id,
    )
