"""The rules over the store: each person's facts as the rules read them, their tasks and warnings.

Reading a whole caseload means decrypting every test result, so the plain facts are kept in memory
after the first read (like the search index: never written) and only the people a write touched are
read again. The rules themselves are pure functions in app.rules.
"""

from __future__ import annotations

import threading
import weakref
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date
from functools import lru_cache
from pathlib import Path
from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import UserError
from app.rules import facts as rf
from app.rules.policy import DEFAULT_POLICY_PATH, Policy, PolicyError, load_policy
from app.rules.schedule import ScheduleKind, Window, next_due
from app.rules.tasks import Review, review
from app.services import codec
from app.store.store import Changes, Store
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
from models.enums import TestResult, VersionKind, ViolationKind

OFFICE_POLICY = "policy.toml"


def policy_for(store: Store) -> Policy:
    """The provincial default, with the office's own policy.toml (in the data directory) laid over it.

    Read again only when the office file changes (its modification time), not on every review.
    """
    override = store.data_dir.root / OFFICE_POLICY
    stamp = override.stat().st_mtime_ns if override.exists() else None
    return _policy(override if stamp is not None else None, stamp)


@lru_cache(maxsize=8)
def _policy(override: Path | None, _stamp: int | None) -> Policy:
    try:
        return load_policy(DEFAULT_POLICY_PATH, override=override)
    except PolicyError as exc:
        raise UserError(exc.message) from None


@dataclass
class _Cache:
    facts: dict[UUID, rf.PersonFacts]
    stale: set[UUID]
    complete: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)


_caches: weakref.WeakKeyDictionary[Store, _Cache] = weakref.WeakKeyDictionary()


def _cache(store: Store) -> _Cache:
    cache = _caches.get(store)
    if cache is None:
        cache = _Cache({}, set())
        _caches[store] = cache

        def forget(changes: Changes) -> None:
            cache.stale |= changes.persons

        store.listeners.append(forget)
    return cache


def person_facts(store: Store, person_ids: Iterable[UUID] | None = None) -> dict[UUID, rf.PersonFacts]:
    """The rules' view of these people (all of the office when None), read once and kept up to date."""
    cache = _cache(store)
    with cache.lock:
        wanted = None if person_ids is None else set(person_ids)
        if wanted is None and not cache.complete:
            cache.facts = _load(store, None)
            cache.complete, cache.stale = True, set()
        else:
            missing = (wanted or set()) - set(cache.facts)
            reload = (cache.stale & (wanted if wanted is not None else set(cache.facts))) | missing
            if reload:
                cache.facts.update(_load(store, reload))
                cache.stale -= reload
                for gone in reload - set(cache.facts):
                    cache.facts.pop(gone, None)
        if wanted is None:
            return dict(cache.facts)
        return {pid: cache.facts[pid] for pid in wanted if pid in cache.facts}


def person_review(store: Store, person_id: UUID, today: date | None = None) -> Review:
    facts = person_facts(store, [person_id]).get(person_id)
    if facts is None:
        from app.services.people_access import PERSON_NOT_FOUND

        raise UserError(PERSON_NOT_FOUND())
    return review(facts, today or store.today(), policy_for(store))


def next_due_dates(store: Store, person_id: UUID, today: date | None = None) -> dict[str, Window | None]:
    facts = person_facts(store, [person_id])[person_id]
    policy = policy_for(store)
    day = today or store.today()
    return {kind.value: next_due(facts, day, policy, kind) for kind in ScheduleKind}


def caseload(store: Store, today: date | None = None, worker_id: UUID | None = None) -> dict[UUID, Review]:
    """Every person's review, for Today and for `rehabdesk tasks` (a worker's own caseload when given)."""
    day = today or store.today()
    policy = policy_for(store)
    everyone = person_facts(store)
    if worker_id is not None:
        with store.read() as session:
            mine = set(session.scalars(select(Person.id).where(Person.assigned_worker_id == worker_id)))
        everyone = {pid: f for pid, f in everyone.items() if pid in mine}
    return {pid: review(facts, day, policy) for pid, facts in everyone.items()}


# ---- reading the facts ---------------------------------------------------------------------------------
def _current(session: Session, entity: Any, people: set[UUID] | None, *extra: Any) -> list[Any]:
    """The latest version of each fact, voids left out (a void hides the fact from every rule).

    Plain rows of the columns the rules read (not ORM objects: a caseload is tens of thousands of rows),
    read in version order so the last row of each fact is its current version: one indexed scan, no join.
    """
    columns = (
        entity.id,
        entity.fact_id,
        entity.person_id,
        entity.occurred_on,
        entity.version_kind,
        entity.recorded_at,
        *extra,
    )
    query = select(*columns).order_by(entity.fact_id, entity.version)
    if people is not None:
        query = query.where(entity.person_id.in_(people))
    latest: dict[UUID, Any] = {}
    for row in session.execute(query):
        latest[row.fact_id] = row
    return [row for row in latest.values() if row.version_kind is not VersionKind.VOID]


def _load(store: Store, people: set[UUID] | None) -> dict[UUID, rf.PersonFacts]:
    chunks = [people] if people is None or len(people) <= 500 else _chunked(people, 500)
    result: dict[UUID, rf.PersonFacts] = {}
    for chunk in chunks:
        with store.read() as session:
            result.update(_load_chunk(store, session, chunk))
    return result


def _chunked(ids: set[UUID], size: int) -> list[set[UUID]]:
    ordered = sorted(ids)
    return [set(ordered[i : i + size]) for i in range(0, len(ordered), size)]


def _load_chunk(store: Store, session: Session, people: set[UUID] | None) -> dict[UUID, rf.PersonFacts]:
    def of(*columns: Any) -> Any:
        entity = columns[0].class_
        query = select(*columns).where(entity.office_code == store.office_code)
        return query if people is None else query.where(entity.person_id.in_(people))

    today = store.today()

    def learnt(row: Any) -> date:
        """The local day the office recorded it (deadlines run from there), never after the day planned for."""
        return min(row.recorded_at.replace(tzinfo=UTC).astimezone().date(), today)

    persons_query = select(Person.id, Person.status, Person.risk_colour).where(
        Person.office_code == store.office_code
    )
    if people is not None:
        persons_query = persons_query.where(Person.id.in_(people))
    bag: dict[UUID, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))

    measure_columns = (
        Measure.id,
        Measure.person_id,
        Measure.kind,
        Measure.ordered_on,
        Measure.reported_on,
        Measure.ends_on,
    )
    for m in session.execute(of(*measure_columns)):
        bag[m.person_id]["measures"].append(
            rf.MeasureFacts(m.id, m.kind, m.ordered_on, m.reported_on, m.ends_on)
        )
    event_columns = (
        StatusEvent.id,
        StatusEvent.person_id,
        StatusEvent.on,
        StatusEvent.from_status,
        StatusEvent.to_status,
        StatusEvent.recorded_by,
    )
    for e in session.execute(of(*event_columns)):
        bag[e.person_id]["status_events"].append(
            rf.StatusEvent(e.id, e.on, e.from_status or e.to_status, e.to_status, e.recorded_by)
        )
    for t in _current(session, DrugTest, people, DrugTest.sample, DrugTest.result):
        result = TestResult(store.open("drug_test", "result", t.id, t.result))
        bag[t.person_id]["tests"].append(rf.TestFact(t.fact_id, t.occurred_on, t.sample, result, learnt(t)))
    for v in _current(session, Visit, people, Visit.kind):
        bag[v.person_id]["visits"].append(rf.VisitFact(v.fact_id, v.occurred_on, v.kind))
    for leave in _current(session, Leave, people, Leave.ends_on, Leave.returned_on):
        bag[leave.person_id]["leaves"].append(
            rf.LeaveFact(leave.fact_id, leave.occurred_on, leave.ends_on, leave.returned_on)
        )
    for v in _current(session, Violation, people, Violation.kind, Violation.content):
        days = 0
        if v.kind is ViolationKind.ABSENT_WITHOUT_LEAVE:  # only absences count days; decrypt just those
            days = int((store.open_json("violation", "content", v.id, v.content) or {}).get("days", 0))
        bag[v.person_id]["violations"].append(
            rf.ViolationFact(v.fact_id, v.occurred_on, v.kind, days, learnt(v))
        )
    for a in _current(session, Agreement, people, Agreement.measure_id, Agreement.valid_until):
        bag[a.person_id]["agreements"].append(
            rf.AgreementFact(a.fact_id, a.occurred_on, a.measure_id, a.valid_until)
        )
    for p in _current(session, PoliceReport, people, PoliceReport.kind, PoliceReport.content):
        content = store.open_json("police_report", "content", p.id, p.content) or {}
        incidents = frozenset(UUID(i) for i in content.get("incident_ids", []))
        bag[p.person_id]["police_reports"].append(
            rf.PoliceReportFact(p.fact_id, p.occurred_on, p.kind, incidents)
        )
    for f in _current(session, RiskFlag, people, RiskFlag.kind, RiskFlag.until):
        bag[f.person_id]["risk_flags"].append(rf.RiskFlag(f.fact_id, f.occurred_on, f.kind, f.until))
    latest_assessment: dict[UUID, Any] = {}
    for r in _current(session, RiskAssessment, people, RiskAssessment.content):
        if (
            r.person_id not in latest_assessment
            or r.occurred_on >= latest_assessment[r.person_id].occurred_on
        ):
            latest_assessment[r.person_id] = r
    latest_override: dict[UUID, Any] = {}
    for o in _current(
        session, RiskOverride, people, RiskOverride.colour, RiskOverride.until, RiskOverride.recorded_by
    ):
        if o.person_id not in latest_override or o.occurred_on >= latest_override[o.person_id].occurred_on:
            latest_override[o.person_id] = o

    result: dict[UUID, rf.PersonFacts] = {}
    for pid, status, colour in session.execute(persons_query).all():
        b = bag.get(pid, {})
        assessment = latest_assessment.get(pid)
        drivers: tuple[tuple[str, str | int], ...] = ()
        if assessment is not None:
            content = store.open_json("risk_assessment", "content", assessment.id, assessment.content) or {}
            drivers = tuple(sorted(codec.to_json(content.get("drivers", {})).items()))
        override = latest_override.get(pid)
        result[pid] = rf.PersonFacts(
            person_id=pid,
            status=status,
            risk_colour=colour,
            risk_override=(
                rf.RiskOverride(
                    override.fact_id,
                    override.occurred_on,
                    override.colour,
                    override.until,
                    override.recorded_by,
                )
                if override
                else None
            ),
            risk_assessment=rf.RiskAssessment(assessment.fact_id, assessment.occurred_on, drivers)
            if assessment
            else None,
            **{name: tuple(values) for name, values in b.items()},
        )
    return result
