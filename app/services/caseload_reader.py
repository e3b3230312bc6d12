"""Reading the rules' view of a caseload (app.rules.facts) straight from SQLite, fast.

A county-size office holds about a million fact versions. Through the ORM or SQLAlchemy's typed rows,
most of the time went into converting values nobody looks at: a UUID object per row (several
microseconds each) and a type processor per column. So this reader asks the DB-API cursor for plain
tuples of exactly the columns the rules read, and converts only what they need:

- record ids stay the 32-digit hex strings the store keeps (app.rules.facts.RecordId: the rules only
  compare, sort and echo them); the police reports that name incidents are normalised to that form;
- person and user ids become UUIDs (one per person, a handful of users);
- dates parse with ``date.fromisoformat``; enums come from a value → member table;
- only test results and absence days are decrypted, with one opener per column;
- visits and negative tests carry no id (no rule names them): 75 MB less for a county-size office.

Void versions hide a fact, and the highest version of each fact is its current one (versions can arrive
out of order from sync, so the reader compares version numbers, never insertion order).

**The kept view.** Even so, a county's million facts take seconds to read and decrypt, on every unlock.
So each person's facts, once read, are kept as plain values in ``rules_view`` (one row a person, sealed
like every personal value, migration 0006), and the next read takes them from there. Triggers on every
table the rules read delete a person's row whenever one of their records is written, by whatever path
(services, sync, imports, a restore brings its own), so a kept row is never stale: a person without one
is read from the tables again. The row is written in the transaction that read the tables; when another
connection wrote meanwhile, SQLite refuses it and the row is simply made next time.
"""

from __future__ import annotations

import json
import logging
import marshal
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime
from enum import Enum
from sqlite3 import Error as SQLiteError
from typing import Any
from uuid import UUID

from sqlalchemy.orm import Session

from app.rules import facts as rf
from app.services import codec
from app.store.store import Store
from models import (
    Agreement,
    DrugTest,
    Leave,
    Measure,
    Person,
    PoliceReport,
    RiskAssessment,
    RiskFlag,
    RiskOverride,
    StatusEvent,
    Violation,
    Visit,
)
from models.enums import (
    EscalationKind,
    MeasureKind,
    PersonStatus,
    RiskColour,
    RiskFlagKind,
    SampleType,
    TestResult,
    ViolationKind,
    VisitKind,
)

VOID = "void"
_HEX_CHUNK = 500  # ids per IN (...) list: well under SQLite's parameter limit
KEPT = "rules_view"  # the table of kept views (models.system.RulesView)
FORMAT = 1  # the layout of a kept view below; a row of another layout is read again from the tables
log = logging.getLogger(__name__)
# Keeping views turns the read into a write (a commit, a sync to disk): worth it for a whole office or a
# worker's caseload, not for the one person a form just changed, whom the next whole read keeps anyway.
KEEP_AT_LEAST = 10

# A person's facts as plain values (strings, ints, None), in slots by kind: what the reader makes from the
# tables and what a kept row holds. Dates stay ISO text and ids hex, except for the two kinds that make
# most of a caseload: a visit and a negative test are one int each, the day's ordinal and the kind's
# position (see _code), which is all they hold and the quickest thing to read back.
MEASURES, EVENTS, NEGATIVES, TESTS, VISITS, LEAVES, VIOLATIONS, AGREEMENTS, REPORTS, FLAGS = range(10)
ASSESSMENT, OVERRIDE = 10, 11  # the latest of each, or None
Raw = list[Any]
VISIT_KINDS, SAMPLES = list(VisitKind), list(SampleType)
_KIND_BITS = 4  # room for 16 kinds


def _empty() -> Raw:
    return [[] for _ in range(10)] + [None, None]


def _code(on: str, kind: int) -> int:
    return _day(on).toordinal() << _KIND_BITS | kind


class _Shared(dict[int, Any]):
    """code → the one frozen fact object for that day and kind, made on first use."""

    def __init__(self, make: Any) -> None:
        super().__init__()
        self.make = make

    def __missing__(self, code: int) -> Any:
        fact = self[code] = self.make(date.fromordinal(code >> _KIND_BITS), code & ((1 << _KIND_BITS) - 1))
        return fact


def _members(enum: type[Enum]) -> dict[str, Any]:
    return {m.value: m for m in enum}


STATUS, COLOUR, MEASURE = _members(PersonStatus), _members(RiskColour), _members(MeasureKind)
SAMPLE, RESULT, VISIT = _members(SampleType), _members(TestResult), _members(VisitKind)
VIOLATION, ESCALATION, FLAG = _members(ViolationKind), _members(EscalationKind), _members(RiskFlagKind)
NEGATIVE = TestResult.NEGATIVE


class _Days(dict[str | None, date | None]):
    """ISO text → one shared date object per day (a caseload holds a million dates over a few thousand
    days); None → None. Read as ``_DAYS[text]``: a plain subscript, parsing only a day not seen before."""

    def __missing__(self, text: str) -> date:
        found = self[text] = date.fromisoformat(text)
        return found


_DAYS = _Days({None: None})


def _day(text: str) -> date:
    return _DAYS[text]  # type: ignore[return-value]


def _maybe_day(text: str | None) -> date | None:
    return _DAYS[text]


def dashed(hex_id: str) -> str:
    """The canonical UUID text the sealer binds into a value's associated data."""
    h = hex_id
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def read_person_facts(store: Store, session: Session, people: set[UUID] | None) -> dict[UUID, rf.PersonFacts]:
    """The rules' view of these people of the store's office (all of them when None)."""
    cursor = session.connection().connection.driver_connection
    persons = _person_rows(cursor, store.office_code, people)
    kept = _kept(cursor, store, None if people is None else list(persons))
    missing = [pid for pid in persons if pid not in kept]
    if missing:
        # Many missing (a first read, a big pull): one pass over each table beats thousands of IN lists.
        everyone = people is None and len(missing) > _HEX_CHUNK
        fresh = _read(store, session, None if everyone else missing)
        made = {pid: fresh.get(pid) or _empty() for pid in missing}
        if people is None or len(made) >= KEEP_AT_LEAST:
            _keep(cursor, store, made)
        kept.update(made)
    decoder = Decoder(store.today())
    return {decoder.uuid(pid): decoder.person(pid, *row, kept[pid]) for pid, row in persons.items()}  # type: ignore[misc]


def _person_rows(cursor: Any, office: str, people: set[UUID] | None) -> dict[str, tuple[str, str | None]]:
    columns = f"SELECT id, status, risk_colour FROM {Person.__tablename__}"
    if people is None:
        found = cursor.execute(f"{columns} WHERE office_code = ?", (office,))
        return {pid: (status, colour) for pid, status, colour in found}
    hexes = sorted(p.hex for p in people)
    rows: dict[str, tuple[str, str | None]] = {}
    for i in range(0, len(hexes), _HEX_CHUNK):
        chunk = hexes[i : i + _HEX_CHUNK]
        # +office_code: the ids are looked up by their key, not the whole office walked (app.store.planner)
        query = f"{columns} WHERE id IN ({','.join('?' * len(chunk))}) AND +office_code = ?"
        rows.update(
            (pid, (status, colour)) for pid, status, colour in cursor.execute(query, (*chunk, office))
        )
    return rows


def _read(store: Store, session: Session, hexes: list[str] | None) -> dict[str, Raw]:
    """Plain facts from the tables, for these people (all when None), in IN lists SQLite accepts."""
    if hexes is None:
        return FactReader(store, session, None).raw()
    raw: dict[str, Raw] = {}
    for i in range(0, len(hexes), _HEX_CHUNK):
        raw.update(FactReader(store, session, {UUID(h) for h in hexes[i : i + _HEX_CHUNK]}).raw())
    return raw


def _kept(cursor: Any, store: Store, hexes: list[str] | None) -> dict[str, Raw]:
    """The kept views of these people (all when None) that open and have this layout."""
    query = f"SELECT person_id, facts FROM {KEPT}"
    if hexes is None:
        rows = list(cursor.execute(query))
    else:
        rows = []
        for i in range(0, len(hexes), _HEX_CHUNK):
            chunk = hexes[i : i + _HEX_CHUNK]
            rows += cursor.execute(f"{query} WHERE person_id IN ({','.join('?' * len(chunk))})", chunk)
    open_one = store.sealer.opener(KEPT, "facts", text=False)
    kept: dict[str, Raw] = {}
    for pid, sealed in rows:
        # Only what this office sealed reaches marshal (the cipher authenticates it first). A row that
        # does not open, or was written by another layout or Python, is only a cache: read the tables.
        try:
            layout, raw = marshal.loads(open_one(dashed(pid), sealed))
        except Exception:
            log.warning("a kept rules view did not open; reading that person's records again")
            continue
        if layout == FORMAT:
            kept[pid] = raw
    return kept


def _keep(cursor: Any, store: Store, made: dict[str, Raw]) -> None:
    """Keep these views for the next read, in the reading transaction (see the module doc)."""
    seal = store.sealer.seal_bytes
    rows = [
        (pid, seal(KEPT, "facts", dashed(pid), marshal.dumps((FORMAT, raw)))) for pid, raw in made.items()
    ]
    try:
        cursor.executemany(f"INSERT OR REPLACE INTO {KEPT} (person_id, facts) VALUES (?, ?)", rows)
    except SQLiteError as exc:  # written meanwhile by another connection, read-only, disk full: next time
        log.info("rules views not kept this time: %s", type(exc).__name__)


class _Uuids(dict[str | None, UUID | None]):
    """Hex text → one UUID per person or user; None → None."""

    def __missing__(self, hex_id: str) -> UUID:
        found = self[hex_id] = UUID(hex_id)
        return found


class Decoder:
    """Plain facts → the rules' objects, with the shared dates and the shared id-less facts.

    person() runs once for each person of a county (10,000 at unlock), so it calls the fact classes
    positionally, looks dates, ids and enum members up by subscript, and skips the kinds a person has
    none of. tests/services/test_rules_view.py checks it against a plain reading of the same rows.
    """

    def __init__(self, today: date) -> None:
        self.today = today
        self.uuids = _Uuids({None: None})
        # Visits and negative tests carry no id, so two of the same kind on the same day are equal, and
        # being frozen they can be one object: a county's caseload has about a million of them over a
        # few thousand days, so sharing them spares most of the objects (time and memory), while each
        # person's tuple still holds one entry per record.
        self.visits = _Shared(lambda on, kind: rf.VisitFact(None, on, VISIT_KINDS[kind]))  # VisitFact.id
        # a negative: no deadline and no rule names it (TestFact.id)
        self.negatives = _Shared(lambda on, sample: rf.TestFact(None, on, SAMPLES[sample], NEGATIVE))

    def uuid(self, hex_id: str | None) -> UUID | None:
        return self.uuids[hex_id]

    def learnt(self, recorded_at: str) -> date:
        """The local day the office recorded it (deadlines run from there), never after the day planned for."""
        local = datetime.fromisoformat(recorded_at).replace(tzinfo=UTC).astimezone().date()
        return min(local, self.today)

    def person(self, pid: str, status: str, colour: str | None, raw: Raw) -> rf.PersonFacts:
        day, uuids = _DAYS, self.uuids
        measures, events, negatives, tests, visits, leaves, violations, agreements, reports, flags = raw[:10]
        return rf.PersonFacts(
            uuids[pid],  # type: ignore[arg-type]
            STATUS[status],
            COLOUR.get(colour),  # type: ignore[arg-type]
            None if raw[OVERRIDE] is None else self.override(raw[OVERRIDE]),
            tuple(
                [
                    rf.MeasureFacts(mid, MEASURE[kind], day[ordered], day[reported], day[ends])  # type: ignore[arg-type]
                    for mid, kind, ordered, reported, ends in measures
                ]
            )
            if measures
            else (),
            tuple(
                [
                    rf.StatusEvent(eid, day[on], STATUS[was or now], STATUS[now], uuids[by])  # type: ignore[arg-type]
                    for eid, on, was, now, by in events
                ]
            )
            if events
            else (),
            (*map(self.negatives.__getitem__, negatives), *map(self.test, tests)),
            tuple(map(self.visits.__getitem__, visits)),
            tuple(
                [
                    rf.LeaveFact(fid, day[on], day[ends], day[returned])  # type: ignore[arg-type]
                    for fid, on, ends, returned in leaves
                ]
            )
            if leaves
            else (),
            tuple(
                [
                    rf.ViolationFact(fid, day[on], VIOLATION[kind], days, self.learnt(recorded))  # type: ignore[arg-type]
                    for fid, on, kind, days, recorded in violations
                ]
            )
            if violations
            else (),
            tuple(
                [
                    rf.AgreementFact(fid, day[on], measure, day[until])  # type: ignore[arg-type]
                    for fid, on, measure, until in agreements
                ]
            )
            if agreements
            else (),
            tuple(
                [
                    rf.PoliceReportFact(fid, day[on], ESCALATION[kind], frozenset(incidents))  # type: ignore[arg-type]
                    for fid, on, kind, incidents in reports
                ]
            )
            if reports
            else (),
            tuple(
                [
                    rf.RiskFlag(fid, day[on], FLAG[kind], day[until])  # type: ignore[arg-type]
                    for fid, on, kind, until in flags
                ]
            )
            if flags
            else (),
            None if raw[ASSESSMENT] is None else self.assessment(raw[ASSESSMENT]),
        )

    def test(self, row: tuple[Any, ...]) -> rf.TestFact:
        """A test that found something (or was refused): the office's learning of it starts a deadline."""
        fid, on, sample, result, recorded = row
        return rf.TestFact(fid, _day(on), SAMPLE[sample], RESULT[result], self.learnt(recorded))

    def assessment(self, row: tuple[Any, ...]) -> rf.RiskAssessment:
        fid, on, drivers = row
        return rf.RiskAssessment(fid, _day(on), tuple(tuple(d) for d in drivers))

    def override(self, row: tuple[Any, ...]) -> rf.RiskOverride:
        fid, on, colour, until, by = row
        return rf.RiskOverride(fid, _day(on), COLOUR[colour], _maybe_day(until), self.uuid(by))


class FactReader:
    """Plain rows of one read from the tables: the people asked for (all when None)."""

    def __init__(self, store: Store, session: Session, people: set[UUID] | None) -> None:
        self.store = store
        self.cursor = session.connection().connection.driver_connection
        if people is None:
            self.where, self.params = "", ()
        else:
            self.where = f" WHERE person_id IN ({','.join('?' * len(people))})"
            self.params = tuple(p.hex for p in people)
        self.uuids: dict[str, UUID] = {}
        self.bag: dict[str, Raw] = defaultdict(_empty)

    def uuid(self, hex_id: str | None) -> UUID | None:
        if hex_id is None:
            return None
        found = self.uuids.get(hex_id)
        if found is None:
            found = self.uuids[hex_id] = UUID(hex_id)
        return found

    def rows(self, table: str, columns: str, *, own_office: bool = False) -> Iterator[tuple[Any, ...]]:
        """Plain tuples of these columns for the people asked for (own_office: this office's rows only)."""
        query, params = f"SELECT {columns} FROM {table}{self.where}", self.params
        if own_office:
            query += " AND office_code = ?" if self.where else " WHERE office_code = ?"
            params = (*params, self.store.office_code)
        return self.cursor.execute(query, params)

    def current(
        self,
        entity: Any,
        extra: str = "",
        *,
        columns: str = "id, fact_id, person_id, occurred_on, recorded_at",
    ) -> Iterator[tuple[Any, ...]]:
        """(*columns, *extra) of each fact's current version, voids left out; by default (version id,
        fact id, person id, occurred on, recorded at, *extra).

        Only a corrected fact (one with a version above 1, from the partial index where the table has
        one) can have a newer version, so only those rows look for one, through the (fact_id, version)
        unique index; rows stream straight into facts instead of being held until every version has
        been seen. For visits and tests every column asked for is in the table's rules index, so SQLite
        reads the index and never the wide rows.
        """
        table = entity.__tablename__
        columns += f", {extra}" if extra else ""
        newest = (
            f"version_kind != '{VOID}' AND (fact_id NOT IN (SELECT fact_id FROM {table} WHERE version > 1)"
            f" OR NOT EXISTS (SELECT 1 FROM {table} AS newer"
            f" WHERE newer.fact_id = {table}.fact_id AND newer.version > {table}.version))"
        )
        where = f"{self.where} AND {newest}" if self.where else f" WHERE {newest}"
        return self.cursor.execute(f"SELECT {columns} FROM {table}{where}", self.params)

    def raw(self) -> dict[str, Raw]:
        """Each person's facts as plain values (hex id → slots), as a kept view holds them."""
        self.measures()
        self.status_events()
        self.tests()
        self.visits()
        self.leaves()
        self.violations()
        self.agreements()
        self.police_reports()
        self.risk_flags()
        self.latest(RiskAssessment, "content", ASSESSMENT, self.assessment)
        self.latest(RiskOverride, "colour, until, recorded_by", OVERRIDE, self.override)
        return self.bag

    # ---- one method per kind of record ---------------------------------------------------------------
    def measures(self) -> None:
        columns = "person_id, id, kind, ordered_on, reported_on, ends_on"
        for pid, *row in self.rows(Measure.__tablename__, columns, own_office=True):
            self.bag[pid][MEASURES].append(tuple(row))

    def status_events(self) -> None:
        columns = 'person_id, id, "on", from_status, to_status, recorded_by'
        for pid, *row in self.rows(StatusEvent.__tablename__, columns, own_office=True):
            self.bag[pid][EVENTS].append(tuple(row))

    def tests(self) -> None:
        open_result = self.store.opener(DrugTest.__tablename__, "result")
        negative, sample_at = NEGATIVE.value, {s.value: n for n, s in enumerate(SAMPLES)}
        last, found = None, []
        for vid, fid, pid, on, recorded, sample, sealed in self.current(DrugTest, "sample, result"):
            result = open_result(dashed(vid), sealed)
            if result == negative:
                # Rows come grouped by person (the rules index leads with it): one lookup a person.
                if pid != last:
                    last, found = pid, self.bag[pid][NEGATIVES]
                found.append(_code(on, sample_at[sample]))
            else:
                self.bag[pid][TESTS].append((fid, on, sample, result, recorded))

    def visits(self) -> None:
        kind_at = {k.value: n for n, k in enumerate(VISIT_KINDS)}
        last, found = None, []
        for pid, on, kind in self.current(Visit, columns="person_id, occurred_on, kind"):
            if pid != last:
                last, found = pid, self.bag[pid][VISITS]
            found.append(_code(on, kind_at[kind]))

    def leaves(self) -> None:
        for _vid, fid, pid, on, _recorded, ends, returned in self.current(Leave, "ends_on, returned_on"):
            self.bag[pid][LEAVES].append((fid, on, ends, returned))

    def violations(self) -> None:
        open_content = self.store.opener(Violation.__tablename__, "content")
        absent = ViolationKind.ABSENT_WITHOUT_LEAVE.value
        for vid, fid, pid, on, recorded, kind, content in self.current(Violation, "kind, content"):
            days = 0
            if kind == absent:  # only absences count days; decrypt just those
                days = int((json.loads(open_content(dashed(vid), content)) or {}).get("days", 0))
            self.bag[pid][VIOLATIONS].append((fid, on, kind, days, recorded))

    def agreements(self) -> None:
        for _vid, fid, pid, on, _recorded, measure, until in self.current(
            Agreement, "measure_id, valid_until"
        ):
            self.bag[pid][AGREEMENTS].append((fid, on, measure, until))

    def police_reports(self) -> None:
        open_content = self.store.opener(PoliceReport.__tablename__, "content")
        for vid, fid, pid, on, _recorded, kind, content in self.current(PoliceReport, "kind, content"):
            named = (json.loads(open_content(dashed(vid), content)) or {}).get("incident_ids", [])
            incidents = tuple(sorted({UUID(i).hex for i in named}))  # the fact ids' own form
            self.bag[pid][REPORTS].append((fid, on, kind, incidents))

    def risk_flags(self) -> None:
        for _vid, fid, pid, on, _recorded, kind, until in self.current(RiskFlag, "kind, until"):
            self.bag[pid][FLAGS].append((fid, on, kind, until))

    def latest(self, entity: Any, extra: str, slot: int, plain: Any) -> None:
        """Each person's latest fact of this kind (by the day it holds from; a later record wins a tie)."""
        found: dict[str, tuple[Any, ...]] = {}
        for row in self.current(entity, extra):
            seen = found.get(row[2])
            if seen is None or row[3] >= seen[3]:
                found[row[2]] = row
        for pid, row in found.items():
            self.bag[pid][slot] = plain(row)

    def assessment(self, row: tuple[Any, ...]) -> tuple[Any, ...]:
        vid, fid, _pid, on, _recorded, content = row
        opened = self.store.open_json(RiskAssessment.__tablename__, "content", dashed(vid), content) or {}
        return (fid, on, tuple(sorted(codec.to_json(opened.get("drivers", {})).items())))

    def override(self, row: tuple[Any, ...]) -> tuple[Any, ...]:
        _vid, fid, _pid, on, _recorded, colour, until, by = row
        return (fid, on, colour, until, by)
