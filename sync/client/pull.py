"""Pull: apply what others changed, a page at a time, and move the cursor in the same transaction.

- Rows are stored with this store's keys (values arrive as plaintext JSON and are sealed here).
- Facts, status events and reviews are append-only: a row already here is left as it is.
- The person profile merges field by field: a pulled field wins only if its clock is later than the
  field's clock here (``Person.field_hlc``, else the newest local outbox change naming the field).
  Measures and work group members, the other updatable rows, merge field by field the same way.
- Every remote clock is observed, so the next local change sorts after everything seen.
- Conflicts the server found are kept for the supervisors' queue; a tombstone marks a person who was
  transferred out of scope (the history stays).
- A change that arrives before the record it belongs to (or cannot be stored) is parked, sealed, and
  applied when that record comes: nothing is dropped, and nothing blocks the pages after it.
- Nothing pulled writes the outbox: pulled rows are not sent back.
- A page is applied all at once: the rows it names are read up front, one query per table, and its
  inserts go out together. Should one of its changes fail, the page is applied again change by change,
  each in a savepoint of its own, so that one is kept aside and the others still go in.
"""

from __future__ import annotations

import dataclasses
import json
from collections import defaultdict
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import IntegrityError

from app import collector
from app.clock import parse_hlc
from app.logs import log
from app.search import make_entry
from app.services.persons import field_clocks
from app.store.store import Tx
from models import (
    Measure,
    Office,
    OutboxChange,
    Person,
    SyncConflict,
    SyncFieldClock,
    SyncParked,
    SyncState,
    User,
    WorkGroupMember,
)
from models.enums import PersonStatus, Role
from models.sync import STATE_ROW
from sync import protocol
from sync.client import wire
from sync.client.errors import NotEnrolled

APPEND_ONLY = tuple(e for e in protocol.ENTITIES if e not in protocol.UPDATABLE)
CANNOT_APPLY = UUID(int=0)  # parked because it could not be stored at all (kept for IT, never dropped)
RECORD_NO_MAX = 32
FAILURES = (wire.BadValue, IntegrityError, ValueError, TypeError)  # a change that cannot be stored
SETTLE_TIER = {Person: 0, Measure: 1, WorkGroupMember: 1}  # insert order of a page's rows; the rest: 2
CHUNK = 500  # ids in one IN (...)


@dataclass
class PullOutcome:
    applied: int = 0
    skipped: int = 0  # already here, or older than what is here
    parked: int = 0
    conflicts: int = 0
    cursor: int = 0
    stale: bool = False  # another sync moved the cursor meanwhile: this page was not applied
    done: bool = True  # for a snapshot page: the rebuild is finished

    def add(self, other: PullOutcome) -> None:
        self.applied += other.applied
        self.skipped += other.skipped
        self.parked += other.parked
        self.conflicts += other.conflicts


@dataclass(frozen=True)
class PullPosition:
    cursor: int
    snapshot_after: str | None  # a snapshot rebuild runs: ask after this key


def read_position(store: Any) -> PullPosition:
    with store.read() as session:
        state = session.get(SyncState, STATE_ROW)
        if state is None:
            raise NotEnrolled()
        return PullPosition(state.cursor, state.snapshot_after)


@collector.paused()
def apply_pull_page(store: Any, page: protocol.PullResponse, after: int) -> PullOutcome:
    """Apply one page pulled after cursor ``after`` and move the cursor, all in one transaction."""
    with store.write() as tx:
        state = tx.session.get(SyncState, STATE_ROW)
        if state is None:
            raise NotEnrolled()
        if state.cursor != after or state.snapshot_after is not None:
            return PullOutcome(cursor=state.cursor, stale=True)
        applier = apply_changes(tx, state.device_id, page.changes)
        cursors = [after, _int(page.cursor), *(_int(c.cursor) for c in page.changes)]
        state.cursor = max(cursors)
        applier.outcome.cursor = state.cursor
        applier.audit("sync.pull")
    return applier.outcome


def begin_snapshot(store: Any) -> None:
    """The server no longer knows our cursor: rebuild from its snapshot (the outbox is left alone)."""
    with store.write() as tx:
        state = tx.session.get(SyncState, STATE_ROW)
        if state is None:
            raise NotEnrolled()
        if state.snapshot_after is None:
            state.snapshot_after = ""
            state.snapshot_cursor = None
            tx.audit("sync.snapshot_begin", details={"cursor": state.cursor})


@collector.paused()
def apply_snapshot_page(store: Any, page: protocol.SnapshotPage, after: str) -> PullOutcome:
    """Apply one snapshot page and remember where the rebuild stands, in one transaction; after the last
    page the cursor moves to where the snapshot was consistent (the earliest page's, to miss nothing)."""
    with store.write() as tx:
        state = tx.session.get(SyncState, STATE_ROW)
        if state is None:
            raise NotEnrolled()
        if state.snapshot_after != after:
            return PullOutcome(cursor=state.cursor, stale=True, done=state.snapshot_after is None)
        applier = apply_changes(tx, state.device_id, page.records)
        page_cursor = _int(page.cursor)
        state.snapshot_cursor = (
            page_cursor if state.snapshot_cursor is None else min(state.snapshot_cursor, page_cursor)
        )
        done = page.next is None or page.next == after
        if done:
            state.cursor = state.snapshot_cursor
            state.snapshot_after = None
            state.snapshot_cursor = None
        else:
            state.snapshot_after = str(page.next)
        applier.outcome.cursor = state.cursor
        applier.outcome.done = done
        applier.audit("sync.snapshot")
    return applier.outcome


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def apply_changes(tx: Tx, device_id: str, changes: list[protocol.ServerChange]) -> Applier:
    """Apply a page of pulled changes in ``tx``: all together first, in one savepoint; should one of them
    fail, the page again change by change, so only that one is kept aside (as ``Applier`` does alone)."""
    together = Applier(tx, device_id, together=True)
    try:
        with tx.savepoint():
            together.prefetch(changes)
            for change in changes:
                together.apply(change)
            together.finish()
        return together
    except FAILURES as exc:
        log.info("a pulled page failed as a whole (%s); applying it change by change", type(exc).__name__)
    one_by_one = Applier(tx, device_id)
    for change in changes:
        one_by_one.apply(change)
    one_by_one.finish()
    return one_by_one


class Applier:
    """Applies server changes inside one write transaction.

    Alone, each change runs in a savepoint of its own and is flushed there, so one that cannot be stored
    is kept aside and the others go on. ``together`` (see ``apply_changes``): no savepoint and no query
    a change. The rows the page names are read by ``prefetch`` (one query per table) and kept here with
    the rows it makes, which ``_settle`` inserts a table at a time; a failure propagates, for the caller
    to take the whole page back.
    """

    def __init__(self, tx: Tx, device_id: str, *, together: bool = False) -> None:
        self.tx = tx
        self.together = together
        self._rows: dict[tuple[type, Any], Any] = {}  # (model, key) → row or None, when together
        self._versions: dict[tuple[type, UUID], set[int]] = {}  # (model, fact_id) → versions, when together
        self._echoes: list[dict[str, Any]] = []  # our own changes come back, acknowledged in finish()
        self._free_numbers: set[str] = set()  # record numbers the page brings that nobody here holds
        self._pending: list[Any] = []  # rows made together, inserted by _settle
        self.session = tx.session
        self.store = tx.store
        self.device_id = device_id
        self.outcome = PullOutcome()
        self.inserted: list[UUID] = []  # rows inserted here, which parked changes may wait for
        self.touched: set[UUID] = set()  # persons whose search entry may have changed
        self._offices: set[str] = set()
        self._users: set[UUID] = set()

    # ---- one change ---------------------------------------------------------------------------------
    def apply(self, change: protocol.ServerChange) -> None:
        try:
            parse_hlc(str(change.hlc))
            if not isinstance(change.fields, dict):
                raise ValueError("fields")
        except (ValueError, TypeError):
            log.warning(
                "pulled change %s (%s) has a malformed clock or fields; kept aside",
                change.cursor,
                change.entity,
            )
            self._park(change, CANNOT_APPLY)
            return
        self.store.clock.observe(change.hlc)
        if self.together:
            self._dispatch(change)  # a failure takes the whole page back (apply_changes)
            return
        try:
            with self.tx.savepoint():
                self._dispatch(change)
        except FAILURES as exc:
            log.warning(
                "pulled change %s (%s) could not be stored (%s); kept aside",
                change.cursor,
                change.entity,
                type(exc).__name__,
            )
            self._park(change, CANNOT_APPLY)

    def _dispatch(self, change: protocol.ServerChange) -> None:
        if change.kind == "conflict":
            self._conflict(change)
            return
        if change.entity not in wire.MODELS:
            log.info("pulled change %s names an unknown entity; skipped", change.cursor)
            self.outcome.skipped += 1
            return
        row_id = UUID(str(change.id))
        if change.origin_device and change.origin_device == self.device_id:
            self._ack_echo(change, row_id)
        if change.kind == "tombstone":
            self._tombstone(change, row_id)
        elif change.kind == "resolution" and change.entity == "person":
            self._resolution(change, row_id)
        elif change.kind == "change":
            if change.entity == "person":
                self._person(change, row_id)
            elif change.entity in protocol.UPDATABLE:
                self._updatable(change, row_id)
            else:
                self._append(change, row_id)
        else:
            log.info("pulled change %s has an unknown kind; skipped", change.cursor)
            self.outcome.skipped += 1

    # ---- entities -----------------------------------------------------------------------------------
    def _person(self, change: protocol.ServerChange, row_id: UUID) -> None:
        person = self._get(Person, row_id)
        names = [n for n in change.fields if n in wire.columns("person") and n not in ("id", "hlc")]
        if person is None:
            values = self._values(change, row_id)
            if values is None:
                return
            if wire.required_columns("person") - {"hlc"} - set(values):
                self._park(change, row_id)  # a change to a person whose registration has not come yet
                return
            values["record_no"] = self._record_no_for(row_id, values["record_no"])
            values["hlc"] = hlc_max(str(values.get("hlc") or ""), change.hlc)
            person = Person(id=row_id, **values)
            person.field_hlc = _clocks_json(self._field_clocks(change, names))
            self._add(Person, row_id, person)
            self._inserted(change, row_id)
            self.touched.add(row_id)
            return
        clocks = field_clocks(self.session, person)
        incoming = self._field_clocks(change, names)
        newer = [n for n in names if hlc_after(incoming[n], clocks.get(n, ""))]
        if not newer:
            self.outcome.skipped += 1
            return
        values = self._values(
            dataclasses.replace(change, fields={n: change.fields[n] for n in newer}), row_id
        )
        if values is None:
            return
        if "record_no" in values:
            values["record_no"] = self._record_no_for(row_id, values["record_no"])
        for column, value in values.items():
            setattr(person, column, value)
        recorded = json.loads(person.field_hlc or "{}")
        recorded.update({n: incoming[n] for n in newer})
        person.field_hlc = _clocks_json(recorded)
        person.hlc = hlc_max(person.hlc, change.hlc)
        self._applied(change, row_id)
        self.touched.add(row_id)

    @staticmethod
    def _field_clocks(change: protocol.ServerChange, names: list[str]) -> dict[str, str]:
        """Each field's clock: a snapshot record says it per field; a change's clock covers all its fields."""
        given = change.field_clocks if isinstance(change.field_clocks, dict) else {}
        clocks = {}
        for name in names:
            clock = given.get(name)
            clocks[name] = clock if isinstance(clock, str) and _well_formed(clock) else change.hlc
        return clocks

    def _updatable(self, change: protocol.ServerChange, row_id: UUID) -> None:
        """Measures and work group members merge field by field too, like the server does."""
        model = wire.MODELS[change.entity]
        row = self._get(model, row_id)
        names = [n for n in change.fields if n in wire.columns(change.entity) and n not in ("id", "hlc")]
        incoming = self._field_clocks(change, names)
        if row is None:
            values = self._values(change, row_id)
            if values is None:
                return
            if wire.required_columns(change.entity) - {"hlc"} - set(values):
                self._park(change, row_id)  # an update that came before the insert
                return
            values["hlc"] = hlc_max(str(values.get("hlc") or ""), change.hlc)
            self._add(model, row_id, model(id=row_id, **values))
            self._save_row_clocks(change.entity, row_id, incoming)
            self._inserted(change, row_id)
            return
        clocks = self._row_clocks(change.entity, row_id)
        newer = [n for n in names if hlc_after(incoming[n], clocks.get(n, ""))]
        if not newer:
            self.outcome.skipped += 1
            return
        values = self._values(
            dataclasses.replace(change, fields={n: change.fields[n] for n in newer}), row_id
        )
        if values is None:
            return
        for column, value in values.items():
            setattr(row, column, value)
        row.hlc = hlc_max(row.hlc, change.hlc)
        self._save_row_clocks(change.entity, row_id, {n: incoming[n] for n in newer})
        self._applied(change, row_id)

    def _row_clocks(self, entity: str, row_id: UUID) -> dict[str, str]:
        """Each field's clock: the newest local change naming it, or the newest merged from the server."""
        clocks: dict[str, str] = {}
        rows = self.session.execute(
            select(OutboxChange.fields, OutboxChange.hlc).where(
                OutboxChange.entity == entity, OutboxChange.entity_id == row_id
            )
        )
        for names, hlc in rows:
            for name in json.loads(names):
                clocks[name] = hlc_max(clocks.get(name, ""), hlc)
        stored = self._get(SyncFieldClock, row_id)
        for name, hlc in json.loads(stored.clocks if stored else "{}").items():
            clocks[name] = hlc_max(clocks.get(name, ""), hlc)
        return clocks

    def _save_row_clocks(self, entity: str, row_id: UUID, clocks: dict[str, str]) -> None:
        stored = self._get(SyncFieldClock, row_id)
        if stored is None:
            stored = SyncFieldClock(entity_id=row_id, entity=entity, clocks=_clocks_json(clocks))
            self.session.add(stored)
            if self.together:
                self._rows[(SyncFieldClock, row_id)] = stored
            return
        merged = json.loads(stored.clocks)
        for name, hlc in clocks.items():
            merged[name] = hlc_max(merged.get(name, ""), hlc)
        stored.clocks = _clocks_json(merged)

    def _append(self, change: protocol.ServerChange, row_id: UUID) -> None:
        model = wire.MODELS[change.entity]
        if self._get(model, row_id) is not None:
            self.outcome.skipped += 1  # append-only: a row already here is the same row
            return
        values = self._values(change, row_id)
        if values is None:
            return
        if wire.required_columns(change.entity) - set(values):
            raise wire.BadValue("missing columns")
        clash = "fact_id" in values and self._version_taken(model, values["fact_id"], values["version"])
        if clash:
            values["version"] = -1  # placed for now; the versions are renumbered just below
        self._add(model, row_id, model(id=row_id, **values))
        if "fact_id" in values:
            if clash:
                self._renumber(model, values["fact_id"])
            elif (known := self._versions.get((model, values["fact_id"]))) is not None:
                known.add(values["version"])
        self._inserted(change, row_id)

    def _renumber(self, model: Any, fact_id: UUID) -> None:
        """Two offices added a version of one fact while apart: number the versions by their clocks,
        the same way on every computer, so the later one is current and the other stays in the history."""
        self._settle()
        rows = sorted(
            self.session.scalars(select(model).where(model.fact_id == fact_id)),
            key=lambda r: (hlc_key(r.hlc), str(r.id)),
        )
        for n, row in enumerate(rows, start=1):
            row.version = -1000 - n
        self.session.flush()
        for n, row in enumerate(rows, start=1):
            row.version = n
        self.session.flush()
        if self.together:
            self._versions[(model, fact_id)] = set(range(1, len(rows) + 1))
        log.info("fact %s: concurrent versions renumbered by clock", fact_id)

    def _tombstone(self, change: protocol.ServerChange, row_id: UUID) -> None:
        if change.entity != "person":
            self.outcome.skipped += 1
            return
        person = self._get(Person, row_id)
        if person is None:
            self.outcome.skipped += 1
            return
        if person.status is not PersonStatus.TRANSFERRED_OUT:
            person.status = PersonStatus.TRANSFERRED_OUT
            recorded = json.loads(person.field_hlc or "{}")
            recorded["status"] = hlc_max(recorded.get("status", ""), change.hlc)
            person.field_hlc = _clocks_json(recorded)
        person.hlc = hlc_max(person.hlc, change.hlc)
        self.tx.audit("sync.transferred_out", entity="person", entity_id=row_id, person_id=row_id)
        self._applied(change, row_id)

    def _conflict(self, change: protocol.ServerChange) -> None:
        """The server kept both values of a field two offices changed while apart. The entry comes again
        when more values join the dispute (or the person moves): the newest description is kept."""
        key = str(change.fields.get("conflict_id") or change.id)[:64]
        entity_id = _uuid(change.id) or _uuid(change.person_id)
        if entity_id is None:
            raise wire.BadValue("conflict id")
        detail = self.tx.seal_json("sync_conflict", "detail", key, change.fields)
        conflict = self.session.get(SyncConflict, key)
        if conflict is None:
            self.session.add(
                SyncConflict(
                    id=key,
                    cursor=_int(change.cursor),
                    entity=str(change.entity)[:32],
                    entity_id=entity_id,
                    person_id=_uuid(change.person_id),
                    office_code=str(change.office_code)[:9],
                    hlc=change.hlc,
                    detail=detail,
                    received_at=self.tx.now,
                )
            )
        elif hlc_after(change.hlc, conflict.hlc) or change.fields != self.store.open_json(
            "sync_conflict", "detail", key, conflict.detail
        ):
            conflict.detail = detail
            conflict.cursor = max(conflict.cursor, _int(change.cursor))
            conflict.hlc = hlc_max(conflict.hlc, change.hlc)
            conflict.office_code = str(change.office_code)[:9]
        else:
            self.outcome.skipped += 1
            return
        self.outcome.conflicts += 1
        person_id = _uuid(change.person_id)
        if person_id is not None:
            self.tx.changes.persons.add(person_id)
        self.tx.changes.entities.add("sync_conflict")

    def _resolution(self, change: protocol.ServerChange, row_id: UUID) -> None:
        """A supervisor picked the value of a disputed field: it comes with a clock later than every value
        in the dispute, so it is applied like any later change, and the conflict is closed here."""
        name = change.fields.get("field")
        if isinstance(name, str) and "value" in change.fields:
            self._person(dataclasses.replace(change, fields={name: change.fields["value"]}), row_id)
        key = change.fields.get("conflict_id")
        query = select(SyncConflict).where(SyncConflict.resolved_at.is_(None))
        if key:
            query = query.where(SyncConflict.id == str(key))
        else:
            query = query.where(SyncConflict.entity_id == row_id)
        for conflict in self.session.scalars(query):
            conflict.resolved_at = self.tx.now

    def _ack_echo(self, change: protocol.ServerChange, row_id: UUID) -> None:
        """Our own change came back in the server's log: the server has it, whatever became of the answer
        to the push (this is how a USB bundle's changes get confirmed)."""
        self._echoes.append({"entity": change.entity, "entity_id": row_id, "hlc": change.hlc})
        if not self.together:  # together: all of the page's at once, in finish()
            self._ack_echoes()

    def _ack_echoes(self) -> None:
        if not self._echoes:
            return
        outbox = OutboxChange.__table__
        self.session.execute(
            update(outbox)
            .where(
                outbox.c.entity == bindparam("echo_entity"),
                outbox.c.entity_id == bindparam("echo_id"),
                outbox.c.hlc == bindparam("echo_hlc"),
                outbox.c.acked_at.is_(None),
            )
            .values(acked_at=self.tx.now, rejected_at=None),
            [
                {"echo_entity": e["entity"], "echo_id": e["entity_id"], "echo_hlc": e["hlc"]}
                for e in self._echoes
            ],
        )
        self._echoes.clear()

    # ---- values and what they refer to ----------------------------------------------------------------
    def _values(self, change: protocol.ServerChange, row_id: UUID) -> dict[str, Any] | None:
        """The pulled fields as stored values, or None when parked for a record that has not come yet."""
        values = wire.stored_values(self.tx, change.entity, row_id, change.fields)
        cols = wire.columns(change.entity)
        for name, value in values.items():
            column = cols.get(name)
            if column is None or value is None:
                continue
            for key in column.foreign_keys:
                target = key.column.table.name
                if target == "office":
                    self._ensure_office(value)
                elif target == "app_user":
                    self._ensure_user(value, values.get("office_code") or str(change.office_code))
                elif target in ("person", "measure"):
                    model = Person if target == "person" else Measure
                    if self._get(model, value) is None:
                        self._park(change, value)
                        return None
        return values

    def _ensure_office(self, code: str) -> None:
        if code in self._offices:
            return
        if self.session.get(Office, code) is None:
            # Another office's record (a county supervisor sees several): its name is not known here.
            self.session.add(Office(code=code, name=code))
            self.session.flush()
        self._offices.add(code)

    def _ensure_user(self, user_id: UUID, office_code: str) -> None:
        """Records name who made them; users are local to each computer, so someone from another computer
        is kept as an inactive name-only user (never able to log in here)."""
        if user_id in self._users:
            return
        if self.session.get(User, user_id) is None:
            self._ensure_office(office_code)
            self.session.add(
                User(
                    id=user_id,
                    office_code=office_code,
                    login=f"sync-{user_id.hex}",
                    role=Role.WORKER,
                    active=False,
                    created_at=self.tx.now,
                )
            )
            self.session.flush()
        self._users.add(user_id)

    def _record_no_for(self, person_id: UUID, wanted: str) -> str:
        """Two computers of one office numbered different people alike while apart. The same rule on every
        computer keeps the numbers unique and alike everywhere: the person with the smaller id keeps the
        number, the other gets it with a suffix from their id."""
        if wanted in self._free_numbers:  # together: nobody held it when the page was read, nor since
            self._free_numbers.discard(wanted)
            return wanted
        self._settle()
        chosen = self._record_no_checked(person_id, wanted)
        self._free_numbers.discard(chosen)
        return chosen

    def _record_no_checked(self, person_id: UUID, wanted: str) -> str:
        holder = self.session.scalars(
            select(Person).where(Person.record_no == wanted, Person.id != person_id)
        ).first()
        if holder is None:
            return wanted
        if person_id < holder.id:
            renamed = self._suffixed(wanted, holder.id)
            holder.record_no = renamed
            self._free_numbers.discard(renamed)
            self.session.flush()
            self.tx.audit(
                "sync.renumber",
                entity="person",
                entity_id=holder.id,
                person_id=holder.id,
                details={"from": wanted, "to": renamed},
            )
            return wanted
        return self._suffixed(wanted, person_id)

    def _suffixed(self, wanted: str, person_id: UUID) -> str:
        for digits in (4, 6, 8, 10):
            candidate = f"{wanted}-{person_id.hex[-digits:]}"[-RECORD_NO_MAX:]
            if self.session.scalar(select(Person.id).where(Person.record_no == candidate)) is None:
                return candidate
        return person_id.hex[:RECORD_NO_MAX]

    # ---- rows, read once a page -------------------------------------------------------------------------
    def prefetch(self, changes: list[protocol.ServerChange]) -> None:
        """Read the rows a page names, one query per table: each change's own row, the person and measure
        it refers to, a measure's or member's field clocks, the versions of each fact it adds to, and
        which of the record numbers it brings are free."""
        wanted: dict[type, set[UUID]] = defaultdict(set)
        facts: dict[type, set[UUID]] = defaultdict(set)
        numbers: set[str] = set()
        for change in changes:
            model = wire.MODELS.get(change.entity)
            row_id = _uuid(change.id)
            if model is None or row_id is None or not isinstance(change.fields, dict):
                continue
            wanted[model].add(row_id)
            if model is Person and isinstance(change.fields.get("record_no"), str):
                numbers.add(change.fields["record_no"])
            if change.entity in protocol.UPDATABLE and change.entity != "person":
                wanted[SyncFieldClock].add(row_id)
            if (person_id := _uuid(change.person_id)) is not None:
                wanted[Person].add(person_id)
            if (measure_id := _uuid(change.fields.get("measure_id"))) is not None:
                wanted[Measure].add(measure_id)
            if "fact_id" in wire.columns(change.entity) and (fact_id := _uuid(change.fields.get("fact_id"))):
                facts[model].add(fact_id)
        for model, ids in wanted.items():
            key = model.__mapper__.primary_key[0]  # type: ignore[attr-defined]
            for chunk in _chunks(sorted(ids)):
                for row in self.session.scalars(select(model).where(key.in_(chunk))):
                    self._rows[(model, getattr(row, key.key))] = row
            for row_id in ids:
                self._rows.setdefault((model, row_id), None)
        for model, ids in facts.items():
            for fact_id in ids:
                self._versions[(model, fact_id)] = set()
            for chunk in _chunks(sorted(ids)):
                query = select(model.fact_id, model.version).where(model.fact_id.in_(chunk))  # type: ignore[attr-defined]
                for fact_id, version in self.session.execute(query):
                    self._versions[(model, fact_id)].add(version)
        self._free_numbers = set(numbers)
        for chunk in _chunks(sorted(numbers)):
            self._free_numbers -= set(
                self.session.scalars(select(Person.record_no).where(Person.record_no.in_(chunk)))
            )

    def _get(self, model: type, key: Any) -> Any:
        """``session.get``, from the rows read up front when together (a row not among them is read
        and kept the same way)."""
        if not self.together:
            return self.session.get(model, key)
        if (model, key) not in self._rows:
            self._rows[(model, key)] = self.session.get(model, key)
        return self._rows[(model, key)]

    def _add(self, model: type, key: UUID, row: Any) -> None:
        """Insert a pulled row. Alone it is flushed at once, so a failure shows inside the change's
        savepoint. Together it is kept back (``_get`` finds it) and ``_settle`` inserts the page's rows
        in a few statements."""
        if not self.together:
            self.session.add(row)
            self.session.flush()
            return
        self._rows[(model, key)] = row
        self._pending.append(row)

    def _settle(self) -> None:
        """Insert the rows kept back: persons, then what refers to a person, then what may refer to a
        measure. With no relationships mapped, the ORM would order one flush's inserts by class name,
        not by foreign key. Runs before any query that must see them, and at the end of the page."""
        pending, self._pending = self._pending, []
        for tier in range(3):
            rows = [row for row in pending if SETTLE_TIER.get(type(row), 2) == tier]
            if rows:
                self.session.add_all(rows)
                self.session.flush()

    def _version_taken(self, model: Any, fact_id: UUID, version: int) -> bool:
        """Whether this fact already has a version with this number here (two offices corrected it apart)."""
        known = self._versions.get((model, fact_id)) if self.together else None
        if known is not None:
            return version in known
        self._settle()
        query = select(model.id).where(model.fact_id == fact_id, model.version == version)
        return self.session.scalar(query) is not None

    # ---- bookkeeping ------------------------------------------------------------------------------------
    def _park(self, change: protocol.ServerChange, waits_for: UUID) -> None:
        row_id = _uuid(change.id) or CANNOT_APPLY
        self.session.add(
            SyncParked(
                entity=str(change.entity)[:32],
                entity_id=row_id,
                waits_for=waits_for,
                change=self.tx.seal_json("sync_parked", "change", str(row_id), dataclasses.asdict(change)),
                parked_at=self.tx.now,
            )
        )
        self.outcome.parked += 1

    def _inserted(self, change: protocol.ServerChange, row_id: UUID) -> None:
        self.inserted.append(row_id)
        self._applied(change, row_id)

    def _applied(self, change: protocol.ServerChange, row_id: UUID) -> None:
        self.outcome.applied += 1
        self.tx.changes.entities.add(change.entity)
        person_id = row_id if change.entity == "person" else _uuid(change.person_id)
        if person_id is not None:
            self.tx.changes.persons.add(person_id)

    def finish(self) -> None:
        """Apply the parked changes whose record has now come, then refresh the search entries."""
        seen = 0
        while seen < len(self.inserted):
            ready = self.inserted[seen:]
            seen = len(self.inserted)
            for start in range(0, len(ready), 500):
                rows = self.session.scalars(
                    select(SyncParked)
                    .where(SyncParked.waits_for.in_(ready[start : start + 500]))
                    .order_by(SyncParked.id)
                ).all()
                for row in rows:
                    data = self.store.open_json("sync_parked", "change", str(row.entity_id), row.change)
                    self.session.delete(row)
                    self.outcome.parked -= 1 if self.outcome.parked > 0 else 0
                    self.apply(protocol.from_json(protocol.ServerChange, data))
        self._settle()
        self._ack_echoes()
        self._index()

    def _index(self) -> None:
        entries = []
        for person_id in self.touched:
            person = self._get(Person, person_id)
            if person is None or person.office_code != self.store.office_code:
                continue
            entries.append(
                make_entry(
                    person_id,
                    self.store.open("person", "name", person_id, person.name) or "",
                    self.store.open_json("person", "aliases", person_id, person.aliases) or [],
                    self.store.open("person", "id_number", person_id, person.id_number) or "",
                )
            )
        index = self.store.index

        def put_all() -> None:
            for entry in entries:
                index.put(entry)

        if entries:
            self.tx.after_commit(put_all)

    def audit(self, action: str) -> None:
        o = self.outcome
        if o.applied or o.parked or o.conflicts:
            self.tx.audit(
                action,
                details={
                    "applied": o.applied,
                    "parked": o.parked,
                    "conflicts": o.conflicts,
                    "cursor": o.cursor,
                },
            )


def hlc_key(text: str) -> tuple[int, int, str]:
    """A clock's sort key: (milliseconds, counter, device), so a counter past 9999 still sorts right;
    "" (no clock) sorts first."""
    try:
        return parse_hlc(text)
    except (ValueError, AttributeError):
        return (-1, -1, "")


def _well_formed(text: str) -> bool:
    return hlc_key(text)[0] >= 0


def hlc_after(a: str, b: str) -> bool:
    return hlc_key(a) > hlc_key(b)


def hlc_max(a: str, b: str) -> str:
    return a if hlc_key(a) >= hlc_key(b) else b


def _clocks_json(clocks: dict[str, str]) -> str:
    return json.dumps(clocks, sort_keys=True, separators=(",", ":"))


def _chunks(ids: list[Any]) -> list[list[Any]]:
    return [ids[start : start + CHUNK] for start in range(0, len(ids), CHUNK)]


def _uuid(value: Any) -> UUID | None:
    if value is None:
        return None
    try:
        return UUID(str(value))
    except ValueError:
        return None
