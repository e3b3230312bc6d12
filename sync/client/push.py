"""Push: the outbox, in seq order and batches, as the server's ``Change`` messages; then its answers.

Building a batch and applying the answers each run on the database thread; sending runs elsewhere,
so the network never holds the store. Values are read from the row at push time and opened to
plaintext (the link is TLS; the server seals them its own way). A change the server refuses stays in
the outbox, marked with the reason, and no longer blocks the ones after it.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from app.errors import Tampering
from app.logs import log
from app.services.sync_status import MISSING_LOCALLY, TAMPERED_LOCALLY, sealed_words
from app.store.store import Store
from models import OutboxChange, Person, SyncState
from models.sync import STATE_ROW
from models.text import Message
from sync import protocol
from sync.client import wire
from sync.client.errors import NotEnrolled, problem_message


@dataclass(frozen=True)
class Batch:
    request: protocol.PushRequest
    refused_here: dict[int, Message] = field(default_factory=dict)  # seq → why it could not be built

    @property
    def seqs(self) -> list[int]:
        return [c.seq for c in self.request.changes]

    def __len__(self) -> int:
        return len(self.request.changes) + len(self.refused_here)


# A refusal the server will not repeat later: the change was stamped by a clock that ran ahead (the
# server takes it once its own clock has caught up), so it waits rather than being marked refused.
LATER = {"clock_skew"}


@dataclass
class PushOutcome:
    applied: int = 0
    duplicates: int = 0
    rejected: int = 0
    deferred: list[int] = field(default_factory=list)  # seqs to send again in a later sync

    @property
    def progress(self) -> int:
        return self.applied + self.duplicates + self.rejected


def pending_rows(session: Any, limit: int | None, skip: frozenset[int] = frozenset()) -> list[OutboxChange]:
    query = (
        select(OutboxChange)
        .where(OutboxChange.acked_at.is_(None), OutboxChange.rejected_at.is_(None))
        .order_by(OutboxChange.seq)
    )
    if skip:
        query = query.where(OutboxChange.seq.not_in(sorted(skip)))
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query))


def build_batch(
    store: Store,
    limit: int = protocol.MAX_BATCH,
    max_body: int = protocol.MAX_BODY_BYTES,
    skip: frozenset[int] = frozenset(),
) -> Batch | None:
    """The next ≤ ``limit`` waiting changes as a PushRequest (None when nothing waits)."""
    with store.read() as session:
        state = session.get(SyncState, STATE_ROW)
        if state is None:
            raise NotEnrolled()
        rows = pending_rows(session, max(1, min(limit, protocol.MAX_BATCH)), skip)
        if not rows:
            return None
        changes: list[protocol.Change] = []
        refused: dict[int, Message] = {}
        for row in rows:
            try:
                change = build_change(store, session, row)
            except Tampering:
                log.warning(
                    "outbox %s: %s %s failed its integrity check; not sent",
                    row.seq,
                    row.entity,
                    row.entity_id,
                )
                refused[row.seq] = TAMPERED_LOCALLY()
                continue
            if change is None:
                refused[row.seq] = MISSING_LOCALLY()
                continue
            changes.append(change)
        request = protocol.PushRequest(
            device_id=state.device_id, changes=changes, client_time_ms=int(time.time() * 1000)
        )
    # A batch over the server's body limit is halved until it fits (one change always goes alone).
    while len(request.changes) > 1 and len(protocol.to_json(request)) > max_body:
        request.changes = request.changes[: len(request.changes) // 2]
        last = request.changes[-1].seq
        refused = {seq: why for seq, why in refused.items() if seq <= last}
    return Batch(request, refused)


def build_change(store: Store, session: Any, row: OutboxChange) -> protocol.Change | None:
    """One outbox row as the wire's Change, its values read from the row as it is now."""
    model = wire.MODELS.get(row.entity)
    record = session.get(model, row.entity_id) if model is not None else None
    if record is None:
        log.warning("outbox %s: %s %s is not in the store; not sent", row.seq, row.entity, row.entity_id)
        return None
    names = json.loads(row.fields) if row.op == "update" else None
    fields = wire.read_fields(store, row.entity, record, names)
    office_code = getattr(record, "office_code", None)
    person_id = record.id if row.entity == "person" else getattr(record, "person_id", None)
    if office_code is None and person_id is not None:  # a work group member: its person's office
        office_code = session.scalar(select(Person.office_code).where(Person.id == person_id))
    return protocol.Change(
        seq=row.seq,
        entity=row.entity,
        id=str(row.entity_id),
        op=row.op,  # type: ignore[arg-type]
        hlc=row.hlc,
        office_code=office_code or store.office_code,
        person_id=str(person_id) if person_id else None,
        fields=fields,
        base=json.loads(row.base) if row.base else None,
    )


def apply_results(store: Store, batch: Batch, response: protocol.PushResponse) -> PushOutcome:
    """Mark what the server confirmed as acknowledged and what it refused as refused, in one transaction."""
    outcome = PushOutcome()
    sent = set(batch.seqs)
    with store.write() as tx:
        for result in response.results:
            if result.seq not in sent:
                continue  # an answer about a change we did not send in this batch: not ours to act on
            sent.discard(result.seq)
            row = tx.session.get(OutboxChange, result.seq)
            if row is None or row.acked_at is not None:
                continue
            if result.status in ("applied", "duplicate"):
                row.acked_at = tx.now
                row.rejected_at = None
                if result.status == "applied":
                    outcome.applied += 1
                else:
                    outcome.duplicates += 1
            elif result.status == "rejected" and result.code in LATER:
                outcome.deferred.append(result.seq)
                log.info("outbox %s (%s) deferred: %s", row.seq, row.entity, result.code)
            elif result.status == "rejected":
                _refuse(
                    tx,
                    row,
                    result.code or "rejected",
                    problem_message(result.code, result.message_zh, result.message_en),
                )
                outcome.rejected += 1
        for seq, why in batch.refused_here.items():
            row = tx.session.get(OutboxChange, seq)
            if row is not None and row.acked_at is None and row.rejected_at is None:
                _refuse(tx, row, "local", why)
                outcome.rejected += 1
        if outcome.progress:
            tx.audit(
                "sync.push",
                details={
                    "applied": outcome.applied,
                    "duplicate": outcome.duplicates,
                    "rejected": outcome.rejected,
                },
            )
    return outcome


def _refuse(tx: Any, row: OutboxChange, code: str, why: Message) -> None:
    row.rejected_at = tx.now
    row.reject_code = code[:32]
    row.reject_reason = tx.seal("outbox_change", "reject_reason", str(row.seq), sealed_words(why))
    log.info("outbox %s (%s) refused: %s", row.seq, row.entity, code)
