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
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime
from enum import Enum
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


def _members(enum: type[Enum]) -> dict[str, Any]:
    return {m.value: m for m in enum}


STATUS, COLOUR, MEASURE = _members(PersonStatus), _members(RiskColour), _members(MeasureKind)
SAMPLE, RESULT, VISIT = _members(SampleType), _members(TestResult), _members(VisitKind)
VIOLATION, ESCALATION, FLAG = _members(ViolationKind), _members(EscalationKind), _members(RiskFlagKind)
_DAYS: dict[str, date] = {}


def _day(text: str) -> date:
    """One shared date object per day: a caseload holds a million dates over a few thousand days."""
    found = _DAYS.get(text)
    if found is None:
        found = _DAYS[text] = date.fromisoformat(text)
    return found


def _maybe_day(text: str | None) -> date | None:
    return None if text is None else _day(text)


def dashed(hex_id: str) -> str:
    """The canonical UUID text the sealer binds into a value's associated data."""
    h = hex_id
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def read_person_facts(store: Store, session: Session, people: set[UUID] | None) -> dict[UUID, rf.PersonFacts]:
    """The rules' view of these people of the store's office (all of them when None)."""
    if people is not None and len(people) > _HEX_CHUNK:
        ordered = sorted(people)
        result: dict[UUID, rf.PersonFacts] = {}
        for i in range(0, len(ordered), _HEX_CHUNK):
            result.update(read_person_facts(store, session, set(ordered[i : i + _HEX_CHUNK])))
        return result
    return FactReader(store, session, people).persons()


class FactReader:
    """Plain rows of one read: the people asked for (all when None), converted as the module doc says."""

    def __init__(self, store: Store, session: Session, people: set[UUID] | None) -> None:
        self.store = store
        self.cursor = session.connection().connection.driver_connection
        self.today = store.today()
        if people is None:
            self.where, self.params = "", ()
        else:
            self.where = f" WHERE person_id IN ({','.join('?' * len(people))})"
            self.params = tuple(p.hex for p in people)
        self.uuids: dict[str, UUID] = {}
        self.bag: dict[str, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))

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

    def current(self, entity: Any, extra: str = "") -> Iterator[tuple[Any, ...]]:
        """(version id, fact id, person id, occurred on, recorded at, *extra) of each fact's current
        version, voids left out.

        SQLite picks the newest version through the (fact_id, version) unique index, so rows stream
        straight into facts instead of being held until every version has been seen.
        """
        table = entity.__tablename__
        columns = "id, fact_id, person_id, occurred_on, recorded_at" + (f", {extra}" if extra else "")
        newest = (
            f"version_kind != '{VOID}' AND NOT EXISTS (SELECT 1 FROM {table} AS newer"
            f" WHERE newer.fact_id = {table}.fact_id AND newer.version > {table}.version)"
        )
        where = f"{self.where} AND {newest}" if self.where else f" WHERE {newest}"
        return self.cursor.execute(f"SELECT {columns} FROM {table}{where}", self.params)

    def learnt(self, recorded_at: str) -> date:
        """The local day the office recorded it (deadlines run from there), never after the day planned for."""
        local = datetime.fromisoformat(recorded_at).replace(tzinfo=UTC).astimezone().date()
        return min(local, self.today)

    def persons(self) -> dict[UUID, rf.PersonFacts]:
        self.measures()
        self.status_events()
        self.tests()
        self.visits()
        self.leaves()
        self.violations()
        self.agreements()
        self.police_reports()
        self.risk_flags()
        assessments = self.latest(RiskAssessment, "content")
        overrides = self.latest(RiskOverride, "colour, until, recorded_by")

        query = f"SELECT id, status, risk_colour FROM {Person.__tablename__} WHERE office_code = ?"
        if self.params:
            query += f" AND id IN ({','.join('?' * len(self.params))})"
        result: dict[UUID, rf.PersonFacts] = {}
        for pid, status, colour in self.cursor.execute(query, (self.store.office_code, *self.params)):
            b = self.bag.get(pid, {})
            result[self.uuid(pid)] = rf.PersonFacts(  # type: ignore[index]
                person_id=self.uuid(pid),  # type: ignore[arg-type]
                status=STATUS[status],
                risk_colour=COLOUR.get(colour),
                risk_override=self.override(overrides.get(pid)),
                risk_assessment=self.assessment(assessments.get(pid)),
                **{name: tuple(values) for name, values in b.items()},
            )
        return result

    # ---- one method per kind of record ---------------------------------------------------------------
    def measures(self) -> None:
        columns = "id, person_id, kind, ordered_on, reported_on, ends_on"
        for mid, pid, kind, ordered, reported, ends in self.rows(
            Measure.__tablename__, columns, own_office=True
        ):
            self.bag[pid]["measures"].append(
                rf.MeasureFacts(mid, MEASURE[kind], _day(ordered), _maybe_day(reported), _maybe_day(ends))
            )

    def status_events(self) -> None:
        columns = 'id, person_id, "on", from_status, to_status, recorded_by'
        for eid, pid, on, was, now, by in self.rows(StatusEvent.__tablename__, columns, own_office=True):
            to_status = STATUS[now]
            self.bag[pid]["status_events"].append(
                rf.StatusEvent(eid, _day(on), STATUS[was] if was else to_status, to_status, self.uuid(by))
            )

    def tests(self) -> None:
        open_result = self.store.opener(DrugTest.__tablename__, "result")
        negative = TestResult.NEGATIVE
        for vid, fid, pid, on, recorded, sample, sealed in self.current(DrugTest, "sample, result"):
            result = RESULT[open_result(dashed(vid), sealed)]
            # When the office learnt of a result matters only for incidents (their reporting deadline).
            if result is negative:  # no deadline and no rule names it (TestFact.id)
                fact = rf.TestFact(None, _day(on), SAMPLE[sample], result)
            else:
                fact = rf.TestFact(fid, _day(on), SAMPLE[sample], result, self.learnt(recorded))
            self.bag[pid]["tests"].append(fact)

    def visits(self) -> None:
        for _vid, _fid, pid, on, _recorded, kind in self.current(Visit, "kind"):
            self.bag[pid]["visits"].append(rf.VisitFact(None, _day(on), VISIT[kind]))  # VisitFact.id

    def leaves(self) -> None:
        for _vid, fid, pid, on, _recorded, ends, returned in self.current(Leave, "ends_on, returned_on"):
            self.bag[pid]["leaves"].append(rf.LeaveFact(fid, _day(on), _day(ends), _maybe_day(returned)))

    def violations(self) -> None:
        open_content = self.store.opener(Violation.__tablename__, "content")
        for vid, fid, pid, on, recorded, kind, content in self.current(Violation, "kind, content"):
            kind = VIOLATION[kind]
            days = 0
            if kind is ViolationKind.ABSENT_WITHOUT_LEAVE:  # only absences count days; decrypt just those
                days = int((json.loads(open_content(dashed(vid), content)) or {}).get("days", 0))
            self.bag[pid]["violations"].append(
                rf.ViolationFact(fid, _day(on), kind, days, self.learnt(recorded))
            )

    def agreements(self) -> None:
        for _vid, fid, pid, on, _recorded, measure, until in self.current(
            Agreement, "measure_id, valid_until"
        ):
            self.bag[pid]["agreements"].append(rf.AgreementFact(fid, _day(on), measure, _maybe_day(until)))

    def police_reports(self) -> None:
        open_content = self.store.opener(PoliceReport.__tablename__, "content")
        for vid, fid, pid, on, _recorded, kind, content in self.current(PoliceReport, "kind, content"):
            named = (json.loads(open_content(dashed(vid), content)) or {}).get("incident_ids", [])
            incidents = frozenset(UUID(i).hex for i in named)  # the fact ids' own form
            self.bag[pid]["police_reports"].append(
                rf.PoliceReportFact(fid, _day(on), ESCALATION[kind], incidents)
            )

    def risk_flags(self) -> None:
        for _vid, fid, pid, on, _recorded, kind, until in self.current(RiskFlag, "kind, until"):
            self.bag[pid]["risk_flags"].append(rf.RiskFlag(fid, _day(on), FLAG[kind], _maybe_day(until)))

    def latest(self, entity: Any, extra: str) -> dict[str, tuple[Any, ...]]:
        """Each person's latest fact of this kind (by the day it holds from; a later record wins a tie)."""
        found: dict[str, tuple[Any, ...]] = {}
        for row in self.current(entity, extra):
            seen = found.get(row[2])
            if seen is None or row[3] >= seen[3]:
                found[row[2]] = row
        return found

    def assessment(self, row: tuple[Any, ...] | None) -> rf.RiskAssessment | None:
        if row is None:
            return None
        vid, fid, _pid, on, _recorded, content = row
        opened = self.store.open_json(RiskAssessment.__tablename__, "content", dashed(vid), content) or {}
        drivers = tuple(sorted(codec.to_json(opened.get("drivers", {})).items()))
        return rf.RiskAssessment(fid, _day(on), drivers)

    def override(self, row: tuple[Any, ...] | None) -> rf.RiskOverride | None:
        if row is None:
            return None
        _vid, fid, _pid, on, _recorded, colour, until, by = row
        return rf.RiskOverride(fid, _day(on), COLOUR[colour], _maybe_day(until), self.uuid(by))
