"""Push: the outbox, in seq order and batches, as the server's ``Change`` messages; then its answers.

Building a batch and applying the answers each run on the database thread; sending runs elsewhere,
so the network never holds the store. Values are read from the row at push time and opened to
plaintext (the link is TLS; the server seals them its own way). A change the server refuses stays in
the outbox, marked with the reason, and no longer blocks the ones after it.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import String, func, select, type_coerce, update

from app import collector
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
    # The request's JSON text, made with the batch (it must fit the server's body limit): while the server
    # works on the batch before, not after its answer (None: made when sending). It is compressed when
    # sent, on the request's own thread (``flow._send``): zlib lets go of the interpreter meanwhile, so
    # that runs beside the database thread's work on the next batch instead of before it.
    body: bytes | None = None

    @property
    def seqs(self) -> list[int]:
        return [c.seq for c in self.request.changes]

    @property
    def first(self) -> int:
        """The lowest outbox seq this batch covers (sent or refused here)."""
        return min([*self.seqs, *self.refused_here])

    @property
    def last(self) -> int:
        """The highest outbox seq this batch covers: the next batch starts after it."""
        return max([*self.seqs, *self.refused_here])

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


# What a batch needs of an outbox row (read as plain rows: a batch is thousands of them); the record's
# id as SQLite stores it (32 hex digits), as ``Loaded`` keys the records.
OUTBOX_COLUMNS = (
    OutboxChange.seq,
    OutboxChange.entity,
    type_coerce(OutboxChange.entity_id, String).label("entity_id"),
    OutboxChange.op,
    OutboxChange.fields,
    OutboxChange.hlc,
    OutboxChange.base,
)


def pending_rows(
    session: Any, limit: int | None, skip: frozenset[int] = frozenset(), after: int = 0
) -> list[Any]:
    """The waiting outbox rows in seq order (``OUTBOX_COLUMNS``), those above ``after`` only."""
    query = (
        select(*OUTBOX_COLUMNS)
        .where(OutboxChange.acked_at.is_(None), OutboxChange.rejected_at.is_(None))
        .order_by(OutboxChange.seq)
    )
    if after:
        query = query.where(OutboxChange.seq > after)
    if skip:
        query = query.where(OutboxChange.seq.not_in(sorted(skip)))
    if limit is not None:
        query = query.limit(limit)
    return session.execute(query).all()  # one fetchall, not a driver call a row


@collector.paused()
def build_batch(
    store: Store,
    limit: int = protocol.MAX_BATCH,
    max_body: int = protocol.MAX_BODY_BYTES,
    skip: frozenset[int] = frozenset(),
    after: int = 0,
    follows: int | None = None,
) -> Batch | None:
    """The next ≤ ``limit`` waiting changes above seq ``after`` as a PushRequest (None when nothing
    waits). ``after`` lets the next batch be read while the server still works on this one;
    ``follows``: the highest seq sent in that one, when this batch may go before its answer is in."""
    with store.read() as session:
        state = session.get(SyncState, STATE_ROW)
        if state is None:
            raise NotEnrolled()
        rows = pending_rows(session, max(1, min(limit, protocol.MAX_BATCH)), skip, after)
        if not rows:
            return None
        changes: list[protocol.Change] = []
        refused: dict[int, Message] = {}
        loaded = Loaded.of(session, rows)
        reader = wire.FieldReader(store)
        for row in rows:
            try:
                change = build_change(store, session, row, loaded, reader)
            except Tampering:
                log.warning(
                    "outbox %s: %s %s failed its integrity check; not sent",
                    row.seq,
                    row.entity,
                    wire.uuid_text(row.entity_id),
                )
                refused[row.seq] = TAMPERED_LOCALLY()
                continue
            if change is None:
                refused[row.seq] = MISSING_LOCALLY()
                continue
            changes.append(change)
        request = protocol.PushRequest(
            device_id=state.device_id,
            changes=changes,
            client_time_ms=int(time.time() * 1000),
            follows=follows,
        )
    # A batch over the server's body limit is halved until it fits (one change always goes alone).
    body = protocol.to_json(request)
    while len(request.changes) > 1 and len(body) > max_body:
        request.changes = request.changes[: len(request.changes) // 2]
        last = request.changes[-1].seq
        refused = {seq: why for seq, why in refused.items() if seq <= last}
        body = protocol.to_json(request)
    # A push of thousands lives until its answer is in, a batch or two later: out of the collector's sight.
    collector.freeze_if_many(len(request.changes))
    return Batch(request, refused, body)


@dataclass(frozen=True)
class Loaded:
    """The records a batch of outbox rows names, read with one query per entity (not one per change),
    and the office of each person whose records carry none of their own (work group members).

    Records are rows in ``wire.raw_columns`` order, not ORM objects or dicts (a batch only reads them,
    and building thousands of either cost more than the rest), most values as SQLite stores them: the
    reader turns them into the wire's form directly."""

    records: dict[tuple[str, str], Sequence[Any]]  # (entity, id as stored) → the record's row
    offices: dict[str, str]  # person id as stored → office code

    @classmethod
    def of(cls, session: Any, rows: list[Any]) -> Loaded:
        wanted: dict[str, set[str]] = {}
        for row in rows:
            if row.entity in wire.MODELS:
                wanted.setdefault(row.entity, set()).add(row.entity_id)
        records: dict[tuple[str, str], Sequence[Any]] = {}
        officeless: set[str] = set()
        for entity, ids in wanted.items():
            chosen, at = wire.raw_columns(entity)
            stored_id = type_coerce(wire.MODELS[entity].__table__.c.id, String)
            id_at, office_at, person_at = at["id"], at.get("office_code"), at.get("person_id")
            for chunk in _chunks(sorted(ids)):
                for record in session.execute(select(*chosen).where(stored_id.in_(chunk))).all():
                    records[(entity, record[id_at])] = record
                    office = record[office_at] if office_at is not None else None
                    if office is None and person_at is not None and record[person_at]:
                        officeless.add(record[person_at])
        offices: dict[str, str] = {}
        person_id = type_coerce(Person.id, String)
        for chunk in _chunks(sorted(officeless)):
            offices.update(
                session.execute(select(person_id, Person.office_code).where(person_id.in_(chunk))).all()
            )
        return cls(records, offices)


def _runs(seqs: list[int]) -> list[tuple[int, int]]:
    """Sorted, distinct seqs as (first, last) runs of consecutive numbers: [1, 2, 3, 7] → [(1, 3), (7, 7)]."""
    runs: list[tuple[int, int]] = []
    for seq in seqs:
        if runs and runs[-1][1] == seq - 1:
            runs[-1] = (runs[-1][0], seq)
        else:
            runs.append((seq, seq))
    return runs


def _chunks(items: list[T], size: int = 500) -> list[list[T]]:
    """Lists short enough for one ``IN (...)`` each."""
    return [items[start : start + size] for start in range(0, len(items), size)]


def build_change(
    store: Store,
    session: Any,
    row: Any,
    loaded: Loaded | None = None,
    reader: wire.FieldReader | None = None,
) -> protocol.Change | None:
    """One outbox row as the wire's Change, its values read from the row as it is now (from ``loaded``
    when the caller read a batch's records at once)."""
    loaded = loaded or Loaded.of(session, [row])
    reader = reader or wire.FieldReader(store)
    seq, entity, entity_id, op, names, hlc, base = row  # OUTBOX_COLUMNS
    record = loaded.records.get((entity, entity_id))
    record_id = reader.uuid(entity_id)
    if record is None:
        log.warning("outbox %s: %s %s is not in the store; not sent", seq, entity, record_id)
        return None
    fields = reader(entity, record, protocol.loads(names) if op == "update" else None)
    at = wire.raw_columns(entity)[1]
    office_code = record[at["office_code"]] if "office_code" in at else None
    person_at = at.get("id" if entity == "person" else "person_id")
    person_id = record[person_at] if person_at is not None else None
    if office_code is None and person_id:  # a work group member: its person's office
        office_code = loaded.offices.get(person_id)
    return protocol.Change(
        seq=seq,
        entity=entity,
        id=record_id,
        op=op,
        hlc=hlc,
        office_code=office_code or store.office_code,
        person_id=reader.uuid(person_id) if person_id else None,
        fields=fields,
        base=protocol.loads(base) if base else None,
    )


@collector.paused()
def apply_results(store: Store, batch: Batch, response: protocol.PushResponse) -> PushOutcome:
    """Mark what the server confirmed as acknowledged and what it refused as refused, in one transaction."""
    outcome = PushOutcome()
    sent = set(batch.seqs)
    acked: list[int] = []
    refusals: dict[int, tuple[str, Message]] = {}
    with store.write() as tx:
        # Where the batch's outbox rows stand, in one query: a row acknowledged meanwhile (by another
        # sync) is left as it is.
        stands: dict[int, tuple[bool, bool]] = {}  # seq → (acknowledged, refused)
        covered = sent | set(batch.refused_here)
        if covered:  # the batch's seq range: its rows, and only rows no longer waiting between them
            query = select(OutboxChange.seq, OutboxChange.acked_at, OutboxChange.rejected_at).where(
                OutboxChange.seq.between(min(covered), max(covered))
            )
            for seq, acked_at, rejected_at in tx.session.execute(query):
                if seq in covered:
                    stands[seq] = (acked_at is not None, rejected_at is not None)
        entities = {c.seq: c.entity for c in batch.request.changes}
        for result in response.results:
            if result.seq not in sent:
                continue  # an answer about a change we did not send in this batch: not ours to act on
            sent.discard(result.seq)
            if stands.get(result.seq, (True, False))[0]:
                continue  # gone, or acknowledged already
            if result.status in ("applied", "duplicate"):
                acked.append(result.seq)
                if result.status == "applied":
                    outcome.applied += 1
                else:
                    outcome.duplicates += 1
            elif result.status == "rejected" and result.code in LATER:
                outcome.deferred.append(result.seq)
                log.info("outbox %s (%s) deferred: %s", result.seq, entities[result.seq], result.code)
            elif result.status == "rejected":
                why = problem_message(result.code, result.message_zh, result.message_en)
                refusals[result.seq] = (result.code or "rejected", why)
                outcome.rejected += 1
        for seq, why in batch.refused_here.items():
            if stands.get(seq) == (False, False):
                refusals[seq] = ("local", why)
                outcome.rejected += 1
        # The acknowledgements as one UPDATE a run of consecutive seqs (no object per row): a batch
        # answered in full is one statement.
        for first, last in _runs(sorted(acked)):
            tx.session.execute(
                update(OutboxChange.__table__)
                .where(OutboxChange.seq.between(first, last))
                .values(acked_at=tx.now, rejected_at=None)
            )
        if refusals:  # rare: the rows refused, as objects, for their sealed reason
            query = select(OutboxChange).where(OutboxChange.seq.in_(sorted(refusals)))
            for row in tx.session.scalars(query):
                code, why = refusals[row.seq]
                _refuse(tx, row, code, why)
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
