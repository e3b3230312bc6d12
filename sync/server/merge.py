"""Applying one device's changes to the current records, and logging what others must pull.

- Facts (and status events, reviews) are insert-only: the same id again with the same fields is a
  duplicate; with other fields it is refused ("immutable").
- A person's profile merges field by field by clock. ``base`` says which clock of the field the device
  had seen: when the server's clock for the field is not newer than that (or the field is new), the
  later clock wins. When the server holds a value the device had not seen and the values differ, both
  are kept: the later clock wins provisionally, a conflict opens, and a "conflict" entry is logged so a
  supervisor in scope sees it. A field left out of ``base`` (bookkeeping such as updated_at) simply
  goes to the later clock.
- Measures and work-group members: last writer wins, field by field, by clock.
- A person whose office_code changes moves with everything recorded about them: every record of the
  person is logged again under the new office (the person first, then by clock, so nothing arrives
  before what it refers to), and the old office gets a "tombstone".
- A record that belongs to a person follows the person's office: a visit saved offline by the old
  office after a transfer still reaches the file, in the new office.

Every check that can refuse a change runs before the change touches anything, so a refused change
leaves no trace and never stops the rest of the batch.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import any_, bindparam, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from sync.protocol import ENTITIES, MAX_CLOCK_SKEW_MS, UPDATABLE, Change, ChangeResult
from sync.server import clocks
from sync.server.body import storable_text
from sync.server.bulk import JsonTexts, driver_errors, insert_rows
from sync.server.changelog import LogWriter
from sync.server.db import utcnow
from sync.server.devices import DeviceInfo
from sync.server.problems import (
    BAD_HLC,
    BAD_ID,
    BAD_OFFICE,
    BAD_SEQ,
    CHANGE_FROM_FUTURE,
    CONFLICT_OPENED,
    ID_TAKEN,
    IMMUTABLE,
    INVALID,
    MOVED_AWAY,
    NOT_UPDATABLE,
    OUT_OF_SCOPE,
    SEQ_REUSED,
    UNKNOWN_ENTITY,
    Refusal,
)
from sync.server.schema import Applied, Conflict, Record
from sync.server.scope import county_of, covers, is_office_code

UUID_PATTERN = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
MAX_SEQ = 2**63 - 1
LOAD_CHUNK = 1000  # ids a statement when the records of a batch are read
# The statements ``Merger._read_and_lock`` sends ahead (PostgreSQL).
# The lists go as array literals in one text parameter: the driver's array dumper cost more than the
# queries (a push names thousands of seqs and ids). Seqs are ints; ids passed ``UUID_PATTERN`` (hex
# digits and hyphens), so neither needs quoting inside the literal.
TAKEN = (
    "SELECT seq, entity, entity_id FROM applied "
    "WHERE device_id = %s AND seq BETWEEN %s AND %s AND seq = ANY(%s::text::bigint[])"
)
LOCK_RECORDS = "SELECT id FROM record WHERE id = ANY(%s::text::varchar[]) ORDER BY id FOR UPDATE"


def uuid_text(value: object, what: str) -> str:
    """The canonical (lower-case, hyphenated) form of a UUID the pattern accepts."""
    if not isinstance(value, str) or UUID_PATTERN.match(value) is None:
        raise Refusal(BAD_ID, what=what)
    return value.lower()  # what str(uuid.UUID(value)) gives for this form, without making a UUID


def array_literal(values: list[int] | list[str]) -> str:
    """PostgreSQL's text form of an array of ints or of ``UUID_PATTERN`` ids: ``{1,2,3}``."""
    if values and isinstance(values[0], int):
        return "{" + ",".join(map(str, map(int, values))) + "}"  # int(): a bool is 1 or 0, as before
    return "{" + ",".join(values) + "}"  # type: ignore[arg-type]


def check_seq(seq: int) -> None:
    if not 1 <= seq <= MAX_SEQ:
        raise Refusal(BAD_SEQ)


# The record table's columns, in the order new records are written.
RECORD_COLUMNS = (
    "id", "entity", "office_code", "county", "person_id", "fields", "field_clocks", "field_devices", "hlc",
    "created_at", "updated_at",
)  # fmt: skip
APPLIED_COLUMNS = ("device_id", "seq", "entity", "entity_id", "status", "at")


@dataclass(slots=True)
class NewRecord:
    """A record a change of this batch makes: the same attributes as ``Record``, kept in memory (later
    changes of the batch may still change it) and written with the batch's other new records at once."""

    id: str
    entity: str
    office_code: str
    county: str
    person_id: str | None
    fields: dict[str, Any]
    field_clocks: dict[str, Any] | None
    field_devices: dict[str, Any] | None
    hlc: str
    created_at: datetime
    updated_at: datetime

    def row(self) -> tuple[Any, ...]:
        return (
            self.id, self.entity, self.office_code, self.county, self.person_id, self.fields,
            self.field_clocks, self.field_devices, self.hlc, self.created_at, self.updated_at,
        )  # fmt: skip


AnyRecord = Record | NewRecord


@dataclass
class Valid:
    """A change that passed the checks that need no database."""

    change: Change
    id: str
    person_id: str | None
    hlc: str


class Merger:
    """One write transaction's worth of changes from one device (a push, or an imported bundle)."""

    def __init__(self, session: Session, device: DeviceInfo, log: LogWriter) -> None:
        self.session = session
        self.device = device
        self.log = log
        self.now = utcnow()
        self.postgres = session.get_bind().dialect.name == "postgresql"  # row locks, arrays
        self.records: dict[str, AnyRecord | None] = {}
        self.new: dict[str, NewRecord] = {}  # made by this batch, written when it ends

    # ---- the batch ----------------------------------------------------------------------------------
    def apply_batch(self, changes: list[Change], checked: list[Valid | Refusal]) -> list[ChangeResult]:
        """``checked``: ``check_batch``'s verdict on each change, made before the transaction (it needs no
        database, and a batch waits for the device's lock with it done).

        A few statements a batch, not a few a change: the (device, seq) pairs taken and every record
        the batch names are read up front, the changes merge in memory, and what they wrote goes out
        in bulk: the new records and the applied pairs here, the records changed when the session
        flushes, and then the log (``push.push``)."""
        if not changes:
            return []
        seqs = sorted({c.seq for c in changes})
        if self.postgres:
            seen, locked = self._read_and_lock(changes, seqs)
        else:
            seen, locked = self._seen(seqs), None
        self._load([c for c in checked if isinstance(c, Valid)], locked)
        applied: list[tuple[Any, ...]] = []
        results = [
            self._one(change, check, seen, applied) for change, check in zip(changes, checked, strict=True)
        ]
        rows = [record.row() for record in self.new.values()]
        insert_rows(self.session, Record.__table__, RECORD_COLUMNS, rows, self.log.texts)
        insert_rows(self.session, Applied.__table__, APPLIED_COLUMNS, applied)
        self.new.clear()
        return results

    def _seen(self, seqs: list[int]) -> dict[int, tuple[str, str]]:
        """The batch's (device, seq) pairs the server has taken already: seq → (entity, id)."""
        return {
            row.seq: (row.entity, row.entity_id)
            for row in self.session.scalars(
                select(Applied).where(
                    Applied.device_id == self.device.id,
                    # The range keeps this an index range scan whatever the planner believes of the
                    # table (stale statistics made it filter all of the device's rows by the list).
                    Applied.seq.between(seqs[0], seqs[-1]),
                    self._among(Applied.seq, seqs),
                )
            )
        }

    def _read_and_lock(
        self, changes: list[Change], seqs: list[int]
    ) -> tuple[dict[int, tuple[str, str]], set[str]]:
        """PostgreSQL: the pairs taken, and every record the batch may name locked (in id order), asked
        for at once (the driver's pipeline mode: the queries go out together, their answers are read
        afterwards). Returns the pairs taken and the ids of the records that exist."""
        named = sorted(self._named(changes))
        driver: Any = self.session.connection().connection.driver_connection
        with driver_errors(), driver.pipeline():
            taken = driver.execute(TAKEN, (self.device.id, seqs[0], seqs[-1], array_literal(seqs)))
            locks = [
                driver.execute(LOCK_RECORDS, (array_literal(named[start : start + LOAD_CHUNK]),))
                for start in range(0, len(named), LOAD_CHUNK)
            ]
            seen = {seq: (entity, entity_id) for seq, entity, entity_id in taken.fetchall()}
            existing = {row[0] for cursor in locks for row in cursor.fetchall()}
        return seen, existing

    @staticmethod
    def _named(changes: list[Change]) -> set[str]:
        """Every id the changes name that could pass ``uuid_text``, as it would come out of it: the ids
        ``_load`` reads, and those of changes that will be refused (locking those too is harmless)."""
        named: set[str] = set()
        for change in changes:
            for value in (change.id, change.person_id):
                if isinstance(value, str) and UUID_PATTERN.match(value) is not None:
                    named.add(value.lower())
        return named

    def _load(self, valid: list[Valid], locked: set[str] | None = None) -> None:
        """Read (and on PostgreSQL lock) every record the batch names, and the persons its records
        belong to, in one statement. Locks are taken in id order, the same order in every process, so
        two batches touching the same records wait for each other instead of deadlocking. ``locked``:
        the ids of the records that exist, locked already (``_read_and_lock``): only those are
        read (a batch of new records reads none)."""
        ids = sorted({v.id for v in valid} | {v.person_id for v in valid if v.person_id is not None})
        self.records = dict.fromkeys(ids)  # None: not on the server, until a change of this batch makes it
        if locked is not None:
            ids = [i for i in ids if i in locked]
        for start in range(0, len(ids), LOAD_CHUNK):
            query = (
                select(Record)
                .where(self._among(Record.id, ids[start : start + LOAD_CHUNK]))
                .order_by(Record.id)
            )
            if self.postgres:
                query = query.with_for_update()
            for record in self.session.scalars(query):
                self.records[record.id] = record

    def _among(self, column: Any, values: list[Any]) -> Any:
        """``column IN (values)``; on PostgreSQL ``= ANY`` of one array parameter, as the driver parses a
        statement with a thousand placeholders afresh each time, at a cost above the query's own."""
        if self.postgres:
            return column == any_(bindparam(None, values, type_=ARRAY(column.type)))
        return column.in_(values)

    def _one(
        self,
        change: Change,
        check: Valid | Refusal,
        seen: dict[int, tuple[str, str]],
        applied: list[tuple[Any, ...]],
    ) -> ChangeResult:
        if change.seq in seen:
            if seen[change.seq] == (change.entity, _id_or_raw(change.id)):
                return ChangeResult(change.seq, "duplicate")
            return Refusal(SEQ_REUSED, seq=change.seq).result(change.seq)
        try:
            if isinstance(check, Refusal):
                raise check
            valid = check
            status, note = self._apply(valid)
        except Refusal as refusal:
            return refusal.result(change.seq)
        applied.append((self.device.id, change.seq, change.entity, valid.id, status, self.now))
        seen[change.seq] = (change.entity, valid.id)
        if note is not None:
            return ChangeResult(change.seq, status, note.code, note.message_zh, note.message_en)  # type: ignore[arg-type]
        return ChangeResult(change.seq, status)  # type: ignore[arg-type]

    def _in_scope(self, office_code: str) -> bool:
        return covers(self.device.scope, office_code)

    def _require_scope(self, office_code: str) -> None:
        if not self._in_scope(office_code):
            raise Refusal(OUT_OF_SCOPE, office=office_code, scope=self.device.scope)

    def _get(self, record_id: str) -> AnyRecord | None:
        """A record the batch names, as ``_load`` read and locked it (or as this batch made it)."""
        if record_id not in self.records:  # every id a change names is loaded: this is a safety net
            self.records[record_id] = self.session.get(
                Record, record_id, with_for_update=self.postgres or None
            )
        return self.records[record_id]

    # ---- applying -----------------------------------------------------------------------------------
    def _apply(self, valid: Valid) -> tuple[str, Refusal | None]:
        existing = self._get(valid.id)
        if existing is not None and existing.entity != valid.change.entity:
            raise Refusal(ID_TAKEN)
        if valid.change.entity == "person":
            return self._person(valid, existing)
        if valid.change.entity in UPDATABLE:
            return self._last_writer_wins(valid, existing), None
        return self._fact(valid, existing), None

    def _office_for(self, valid: Valid) -> str:
        """Where a new record goes: its person's office when the server knows the person."""
        if valid.person_id is not None and valid.person_id != valid.id:
            person = self._get(valid.person_id)  # locked by _load: a transfer of this person waits for us
            if person is not None and person.entity == "person":
                return person.office_code
        return valid.change.office_code

    def _create(self, valid: Valid, office: str, clocked: bool) -> NewRecord:
        change = valid.change
        record = NewRecord(
            id=valid.id,
            entity=change.entity,
            office_code=office,
            county=county_of(office),
            person_id=valid.person_id,
            fields=change.fields,  # never changed in place (a merge makes a new dict): shared, not copied
            field_clocks=dict.fromkeys(change.fields, valid.hlc) if clocked else None,
            field_devices=dict.fromkeys(change.fields, self.device.id) if clocked else None,
            hlc=valid.hlc,
            created_at=self.now,
            updated_at=self.now,
        )
        self.records[record.id] = record
        self.new[record.id] = record
        self._log_record(record, "insert", record.fields, kind="change")
        return record

    def _log_record(
        self, record: AnyRecord, op: str, fields: dict[str, Any], *, kind: str, hlc: str = ""
    ) -> None:
        self.log.add(
            kind,
            record.entity,
            record.id,
            op,
            hlc or record.hlc,
            record.office_code,
            record.person_id,
            fields,
            self.device.id,
        )

    def _fact(self, valid: Valid, existing: AnyRecord | None) -> str:
        self._require_scope(valid.change.office_code)
        if existing is not None:
            if existing.fields == valid.change.fields:
                return "duplicate"
            raise Refusal(IMMUTABLE)
        self._create(valid, self._office_for(valid), clocked=False)
        return "applied"

    def _last_writer_wins(self, valid: Valid, existing: AnyRecord | None) -> str:
        if existing is None:
            self._require_scope(valid.change.office_code)
            self._create(valid, self._office_for(valid), clocked=True)
            return "applied"
        self._require_scope(existing.office_code)
        if valid.change.op == "insert" and existing.fields == valid.change.fields:
            return "duplicate"
        clocks_now = dict(existing.field_clocks or {})
        won = {
            name: value
            for name, value in valid.change.fields.items()
            if name not in clocks_now or clocks.key(valid.hlc) > clocks.key(clocks_now[name])
        }
        if won:
            self._set_fields(existing, won, valid.hlc, self.device.id)
            self._log_record(existing, "update", won, kind="change", hlc=valid.hlc)
        return "applied"  # a change older than what the server holds is taken, and superseded

    def _set_fields(self, record: AnyRecord, values: dict[str, Any], hlc: str, device_id: str) -> None:
        record.fields = {**record.fields, **values}
        record.field_clocks = {**(record.field_clocks or {}), **dict.fromkeys(values, hlc)}
        record.field_devices = {**(record.field_devices or {}), **dict.fromkeys(values, device_id)}
        record.hlc = clocks.later(record.hlc, hlc)
        record.updated_at = self.now

    # ---- the person's profile -----------------------------------------------------------------------
    def _person(self, valid: Valid, existing: AnyRecord | None) -> tuple[str, Refusal | None]:
        change = valid.change
        new_office = change.fields.get("office_code", change.office_code)
        if "office_code" in change.fields and not is_office_code(new_office):
            raise Refusal(BAD_OFFICE)
        if existing is None:
            self._require_scope(change.office_code)
            self._create(valid, new_office, clocked=True)
            return "applied", None
        if not self._in_scope(existing.office_code):
            if self._in_scope(change.office_code):
                raise Refusal(MOVED_AWAY, office=existing.office_code)
            raise Refusal(OUT_OF_SCOPE, office=existing.office_code, scope=self.device.scope)
        if change.op == "insert" and existing.fields == change.fields:
            return "duplicate", None

        base = change.base if isinstance(change.base, dict) else {}
        ours = clocks.key(valid.hlc)
        clocks_now = existing.field_clocks or {}
        won: dict[str, Any] = {}
        disputed: list[tuple[str, Any]] = []
        for name, value in change.fields.items():
            held = clocks_now.get(name)
            if held is None:
                won[name] = value
                continue
            newer = ours > clocks.key(held)
            if name in base and existing.fields.get(name) != value and held != valid.hlc:
                seen = clocks.parse(base[name])
                if seen is None or seen < clocks.key(held):
                    disputed.append((name, value))  # the server has a value the device never saw
            if newer:
                won[name] = value

        old_office = existing.office_code
        disputes = [self._dispute(existing, name, value, valid.hlc) for name, value in disputed]
        if won:
            self._set_fields(existing, won, valid.hlc, self.device.id)
        moved_to = existing.fields.get("office_code", old_office)
        if is_office_code(moved_to) and moved_to != old_office:
            # Logs the whole file under the new office, the open conflicts (these ones too) included.
            unsaved = [r for r in self.new.values() if r.person_id == existing.id and r.id != existing.id]
            transfer(self.session, self.log, existing, moved_to, self.device.id, unsaved)
        else:
            if won:
                self._log_record(existing, "update", won, kind="change", hlc=valid.hlc)
            for conflict in disputes:
                log_conflict(self.log, conflict, existing, self.device.id)
        if disputes:
            return "applied", Refusal(CONFLICT_OPENED, field=", ".join(d.field for d in disputes))
        return "applied", None

    def _dispute(self, person: AnyRecord, name: str, value: Any, hlc: str) -> Conflict:
        """Open (or add to) the conflict over one field, with the server's value and the device's."""
        held = (person.field_clocks or {})[name]
        server_value = {
            "value": person.fields.get(name),
            "hlc": held,
            "device": (person.field_devices or {}).get(name, clocks.key(held)[2]),
        }
        device_value = {"value": value, "hlc": hlc, "device": self.device.id}
        conflict = self.session.scalar(
            select(Conflict).where(
                Conflict.person_id == person.id, Conflict.field == name, Conflict.resolved_at.is_(None)
            )
        )
        if conflict is None:
            conflict = Conflict(
                id=str(uuid.uuid4()), person_id=person.id, field=name, values=[], opened_at=self.now
            )
            self.session.add(conflict)
        values = list(conflict.values)
        for entry in (server_value, device_value):
            if all(v["hlc"] != entry["hlc"] for v in values):
                values.append(entry)
        conflict.values = sorted(values, key=lambda v: clocks.key(v["hlc"]))
        return conflict


def log_conflict(log: LogWriter, conflict: Conflict, person: AnyRecord, origin: str) -> None:
    log.add(
        "conflict",
        "person",
        person.id,
        "update",
        conflict.values[-1]["hlc"],
        person.office_code,
        person.id,
        conflict_fields(conflict),
        origin,
    )


def conflict_fields(conflict: Conflict) -> dict[str, Any]:
    return {"conflict_id": conflict.id, "field": conflict.field, "values": conflict.values}


def transfer(
    session: Session,
    log: LogWriter,
    person: AnyRecord,
    new_office: str,
    origin: str,
    unsaved: list[NewRecord] | None = None,
) -> None:
    """Move a person and everything recorded about them to ``new_office``, logging it for both offices.

    The old office gets a tombstone first (its devices drop the person and every record with that
    person_id); then the new office gets every record again, the person first, then oldest clock first.
    ``unsaved``: the person's records made by this transaction and not written yet (the query cannot
    see them).
    """
    old_office = person.office_code
    query = select(Record).where(Record.person_id == person.id, Record.id != person.id)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    found: list[AnyRecord] = [*session.scalars(query), *(unsaved or ())]
    others = sorted(found, key=lambda r: (clocks.key(r.hlc), r.id))
    for record in (person, *others):
        record.office_code = new_office
        record.county = county_of(new_office)
    log.add(
        "tombstone", "person", person.id, "update", person.hlc, old_office, person.id,
        {"office_code": new_office}, origin,
    )  # fmt: skip
    for record in (person, *others):
        log.add(
            "change", record.entity, record.id, "insert", record.hlc, new_office, record.person_id,
            record.fields, origin, record.field_clocks,
        )  # fmt: skip
    open_conflicts = session.scalars(
        select(Conflict)
        .where(Conflict.person_id == person.id, Conflict.resolved_at.is_(None))
        .order_by(Conflict.opened_at, Conflict.id)
    )
    for conflict in open_conflicts:
        log_conflict(log, conflict, person, origin)


def _id_or_raw(value: str) -> str:
    try:
        return uuid_text(value, "id")
    except Refusal:
        return value


# ---- checks without the database ------------------------------------------------------------------------
def check_batch(changes: list[Change], now_ms: int, texts: JsonTexts) -> list[Valid | Refusal]:
    """Each change checked as far as that needs no database (so before the transaction): Valid, or the
    Refusal it gets. ``texts`` keeps each change's fields as the JSON text the record and its log
    entry store."""
    checked: list[Valid | Refusal] = []
    for change in changes:
        try:
            checked.append(_validate(change, now_ms, texts))
        except Refusal as refusal:
            checked.append(refusal)
    return checked


def _validate(change: Change, now_ms: int, texts: JsonTexts) -> Valid:
    if change.entity not in ENTITIES:
        raise Refusal(UNKNOWN_ENTITY, entity=change.entity[:32])
    if change.op not in ("insert", "update"):
        raise Refusal(INVALID, detail="op")
    if change.op == "update" and change.entity not in UPDATABLE:
        raise Refusal(NOT_UPDATABLE, entity=change.entity)
    record_id = uuid_text(change.id, "id")
    person_id = None if change.person_id is None else uuid_text(change.person_id, "person_id")
    if change.entity == "person":
        if person_id not in (None, record_id):
            raise Refusal(INVALID, detail="person_id of a person must be its own id")
        person_id = record_id
    if not is_office_code(change.office_code):
        raise Refusal(BAD_OFFICE)
    if not isinstance(change.fields, dict):
        raise Refusal(INVALID, detail="fields")
    try:
        text = storable_text(change.fields)
    except ValueError as exc:
        raise Refusal(INVALID, detail=f"fields: {exc}") from None
    texts.remember(change.fields, text)  # the record and its log entry store this text
    parsed = clocks.parse(change.hlc)
    if parsed is None:
        raise Refusal(BAD_HLC)
    ahead = parsed[0] - now_ms
    if ahead > MAX_CLOCK_SKEW_MS:
        raise Refusal(CHANGE_FROM_FUTURE, minutes=ahead // 60_000)
    return Valid(change, record_id, person_id, change.hlc)
