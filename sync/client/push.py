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
from typing import Any, TypeVar
from uuid import UUID

from sqlalchemy import func, select, update

from app.errors import Tampering
from app.logs import log
from app.services.sync_status import MISSING_LOCALLY, TAMPERED_LOCALLY, sealed_words
from app.store.store import Store
from models import OutboxChange, Person, Setting, SyncState
from models.sync import STATE_ROW
from models.text import Message
from sync import protocol
from sync.client import wire
from sync.client.errors import NotEnrolled, problem_message

T = TypeVar("T")


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
        loaded = Loaded.of(session, rows)
        for row in rows:
            try:
                change = build_change(store, session, row, loaded)
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


@dataclass(frozen=True)
class Loaded:
    """The records a batch of outbox rows names, read with one query per entity (not one per change),
    and the office of each person whose records carry none of their own (work group members)."""

    records: dict[tuple[str, UUID], Any]
    offices: dict[UUID, str]

    @classmethod
    def of(cls, session: Any, rows: list[OutboxChange]) -> Loaded:
        wanted: dict[str, set[UUID]] = {}
        for row in rows:
            if row.entity in wire.MODELS:
                wanted.setdefault(row.entity, set()).add(row.entity_id)
        records: dict[tuple[str, UUID], Any] = {}
        for entity, ids in wanted.items():
            model: Any = wire.MODELS[entity]
            for chunk in _chunks(sorted(ids)):
                for record in session.scalars(select(model).where(model.id.in_(chunk))):
                    records[(entity, record.id)] = record
        officeless = sorted(
            {r.person_id for r in records.values() if getattr(r, "office_code", None) is None and r.person_id}
        )
        offices: dict[UUID, str] = {}
        for chunk in _chunks(officeless):
            offices.update(
                session.execute(select(Person.id, Person.office_code).where(Person.id.in_(chunk))).all()
            )
        return cls(records, offices)


def _chunks(items: list[T], size: int = 500) -> list[list[T]]:
    """Lists short enough for one ``IN (...)`` each."""
    return [items[start : start + size] for start in range(0, len(items), size)]


def build_change(
    store: Store, session: Any, row: OutboxChange, loaded: Loaded | None = None
) -> protocol.Change | None:
    """One outbox row as the wire's Change, its values read from the row as it is now (from ``loaded``
    when the caller read a batch's records at once)."""
    loaded = loaded or Loaded.of(session, [row])
    record = loaded.records.get((row.entity, row.entity_id))
    if record is None:
        log.warning("outbox %s: %s %s is not in the store; not sent", row.seq, row.entity, row.entity_id)
        return None
    names = json.loads(row.fields) if row.op == "update" else None
    fields = wire.read_fields(store, row.entity, record, names)
    office_code = getattr(record, "office_code", None)
    person_id = record.id if row.entity == "person" else getattr(record, "person_id", None)
    if office_code is None and person_id is not None:  # a work group member: its person's office
        office_code = loaded.offices.get(person_id)
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
    acked: list[int] = []
    with store.write() as tx:
        # The batch's outbox rows in one query: the loop below then runs no query (and so no
        # autoflush), and the acknowledgements go out together when the transaction commits.
        rows: dict[int, OutboxChange] = {}
        for chunk in _chunks(sorted(sent | set(batch.refused_here))):
            rows.update(
                (r.seq, r)
                for r in tx.session.scalars(select(OutboxChange).where(OutboxChange.seq.in_(chunk)))
            )
        for result in response.results:
            if result.seq not in sent:
                continue  # an answer about a change we did not send in this batch: not ours to act on
            sent.discard(result.seq)
            row = rows.get(result.seq)
            if row is None or row.acked_at is not None:
                continue
            if result.status in ("applied", "duplicate"):
                row.acked_at = tx.now
                row.rejected_at = None
                acked.append(row.seq)
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
            row = rows.get(seq)
            if row is not None and row.acked_at is None and row.rejected_at is None:
                _refuse(tx, row, "local", why)
                outcome.rejected += 1
        if acked:
            _note_acked(tx.session, batch.request.device_id, min(acked))
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


# ---- a server restored from an older backup ------------------------------------------------------------
# Setting "<device id> <seq>": the lowest outbox seq the server has confirmed to this device id. Rows
# confirmed under an earlier enrolment (another device id) are below it: the server holds those under
# that id, and sending them again under this one could open false conflicts.
ACKED_FROM = "sync_acked_from"


def _note_acked(session: Any, device_id: str, lowest: int) -> None:
    setting = session.get(Setting, ACKED_FROM)
    known = _acked_from(setting, device_id)
    if known is not None and known <= lowest:
        return
    if setting is None:
        session.add(Setting(key=ACKED_FROM, value=f"{device_id} {lowest}"))
    else:
        setting.value = f"{device_id} {lowest}"


def _acked_from(setting: Setting | None, device_id: str) -> int | None:
    device, _, seq = (setting.value if setting is not None else "").partition(" ")
    return int(seq) if device == device_id and seq.isdigit() else None


def resend_lost(store: Store, device_id: str, server_seq: int) -> int:
    """Changes the server confirmed but no longer holds wait to be sent again; how many.

    ``server_seq`` is the highest seq of this device the server holds (``Meta.device_seq``). A confirmed
    change above it was lost: the server was restored from a backup older than the confirmation. The
    server applies each (device, seq) once, so a change it does hold after all comes back "duplicate".
    """
    lost = (
        OutboxChange.acked_at.is_not(None),
        OutboxChange.seq > server_seq,
    )
    with store.read() as session:
        floor = _acked_from(session.get(Setting, ACKED_FROM), device_id)
        if floor is None:
            return 0
        count = session.scalar(
            select(func.count()).select_from(OutboxChange).where(*lost, OutboxChange.seq >= floor)
        )
    if not count:
        return 0
    with store.write() as tx:
        requeued = tx.session.execute(
            update(OutboxChange).where(*lost, OutboxChange.seq >= floor).values(acked_at=None)
        ).rowcount
        tx.audit("sync.resend", details={"changes": requeued, "server_seq": server_seq})
    log.warning("the server holds this device's changes up to %s only: %s sent again", server_seq, requeued)
    return int(requeued or 0)
