"""The fast indicators and report lists equal the straightforward computation on a realistic office.

The demo office generator (measures, suspensions, leave, lost and transferred-out people, relapses,
people completed and three years clean) makes the data; a second dataset moves a share of its people
between two offices mid-history, so scopes hold people for part of the time. Every figure, every series
and the report's three lists must come out the same as tests/indicators/reference.py works them out.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from uuid import uuid4

import pytest

from app.crypto.kdf import FAST
from app.demo.load import create_demo_office
from app.demo.office import SUPERVISOR_LOGIN, SUPERVISOR_PASSWORD
from app.indicators import Dataset, Period, Scope, compute, prepare
from app.indicators.compute import Frame
from app.indicators.data import PersonRecord, facts_as_of
from app.indicators.load import load_dataset
from app.reports import monthly
from app.rules import facts as rf
from app.store.store import Store
from app.store.unlock import open_store
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
from tests.indicators import reference

TODAY = date(2026, 6, 30)
OWN, OTHER, COUNTY = "640104001", "640104002", "640104"
PERIODS = (
    "2026-06",
    "2026-05",
    "2026-02",
    "2025-11",
    "2025-06",
    "2024-09",
    "2026-Q2",
    "2025-Q4",
    "2025",
    "2026",
)


@pytest.fixture(scope="module")
def demo_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root: Path = tmp_path_factory.mktemp("fast-path") / "office"
    create_demo_office(root, persons=150, seed=5, today=TODAY, kdf=FAST)
    return root


@pytest.fixture
def demo_store(demo_root: Path) -> Iterator[Store]:
    store = open_store(demo_root, SUPERVISOR_LOGIN, SUPERVISOR_PASSWORD, today=lambda: TODAY)
    try:
        yield store
    finally:
        store.close()


@pytest.fixture(scope="module")
def demo(demo_root: Path) -> Dataset:
    """Everything the store holds (no period's cut of the assistance)."""
    store = open_store(demo_root, SUPERVISOR_LOGIN, SUPERVISOR_PASSWORD, today=lambda: TODAY)
    try:
        return load_dataset(store)
    finally:
        store.close()


def moved(data: Dataset) -> Dataset:
    """Every third person changes office mid-history: half of them away from OWN, half into it."""
    people = []
    for i, person in enumerate(data.people):
        if i % 3 == 0:
            day = TODAY - timedelta(days=37 * (i % 23) + 11)
            first, then = (OWN, OTHER) if i % 2 else (OTHER, OWN)
            start = min(person.known_since or day, day) - timedelta(days=1)
            person = dataclasses.replace(person, office_code=then, offices=((start, first), (day, then)))
        people.append(person)
    return dataclasses.replace(data, people=tuple(people))


def twins(data: Dataset) -> Dataset:
    """Each person under a measure with a twin under the same measures and events (so the same windows),
    who took every other test, and every second one no leave, every third one a leave of years: the
    windows laid out for one are met or excused by the other's own facts."""
    people = list(data.people)
    for i, person in enumerate(data.people):
        if person.facts.measures:
            leaves = person.facts.leaves if i % 2 else ()
            if i % 3 == 0:
                leaves = (rf.LeaveFact(f"twin{i}", date(2024, 1, 1), date(2026, 12, 31)),)
            tests = person.facts.tests[::2]
            facts = dataclasses.replace(person.facts, person_id=uuid4(), tests=tests, leaves=leaves)
            people.append(dataclasses.replace(person, facts=facts))
    return dataclasses.replace(data, people=tuple(people))


def check(data: Dataset, period: Period, scope: Scope) -> dict[str, int]:
    frame = Frame(data, period, scope)
    fast = compute(data, period, scope, frame=frame)
    slow = reference.indicators(data, period, scope)
    assert fast.as_of == slow.as_of
    for got, want in zip(fast.figures, slow.figures, strict=True):
        assert got == want, (period.code, scope.code, got.key)
    for name in ("months", "tests", "compliance_by_worker", "status", "consolidation", "assistance_by_kind"):
        assert getattr(fast.series, name) == getattr(slow.series, name), (period.code, scope.code, name)
    assert fast.series == slow.series

    cases = monthly._AsOf(data, fast, frame)  # as build_report shares them
    lists = {
        "overdue": monthly._overdue(data, fast, "zh_CN", cases),
        "lost": monthly._lost(data, fast, "zh_CN", cases),
        "violations": monthly._violations(data, fast, "zh_CN", cases),
    }
    assert lists == reference.case_lists(data, slow, "zh_CN"), (period.code, scope.code)
    return {
        "windows": fast.figure("test_compliance").denominator or 0,
        "hair": fast.figure("hair_coverage").denominator or 0,
        "clean": sum(c.figure.numerator for c in fast.series.consolidation),
        "relapses": fast.figure("relapses").numerator,
        **{key: len(found) for key, found in lists.items()},
    }


def test_the_demo_office_gives_the_same_figures_and_lists_both_ways(demo):
    seen: dict[str, int] = {}
    for code in PERIODS:
        for key, n in check(demo, Period.parse(code), Scope(OWN)).items():
            seen[key] = seen.get(key, 0) + n
    # The office exercises every path: windows and hair tests due, people three years clean, relapses,
    # and all three lists of the report.
    assert all(seen[key] > 0 for key in seen), seen
    # Suspensions move the windows; people leave and finish their measures.
    reached = {e.to_status for p in demo.people for e in p.facts.status_events}
    assert {PersonStatus.SUSPENDED, PersonStatus.COMPLETED, PersonStatus.TRANSFERRED_OUT} <= reached


def test_the_report_uses_the_caseloads_reviews_of_today_to_the_same_lists(demo_store):
    data, period, scope = prepare(demo_store, "2026-06")
    frame = Frame(data, period, scope)
    ind = compute(data, period, scope, frame=frame)
    reviews = monthly._caseload_reviews(demo_store, data, ind)
    assert len(reviews) > len(data.people) * 0.9  # nobody's records hold anything after today
    cases = monthly._AsOf(data, ind, frame, reviews)
    lists = {
        "overdue": monthly._overdue(data, ind, "zh_CN", cases),
        "lost": monthly._lost(data, ind, "zh_CN", cases),
        "violations": monthly._violations(data, ind, "zh_CN", cases),
    }
    assert lists == reference.case_lists(data, reference.indicators(data, period, scope), "zh_CN")
    assert all(lists.values())
    # A past month's lists stand as at its end: today's reviews are not used.
    may = compute(*prepare(demo_store, "2026-05"))
    assert monthly._caseload_reviews(demo_store, data, may) == {}


def test_a_period_reads_only_the_assistance_it_needs_and_its_figures_are_the_same(demo, demo_store):
    # From the period's first day or the first of the chart's twelve months, whichever is earlier.
    firsts = {"2026-06": date(2025, 7, 1), "2025-Q3": date(2024, 10, 1), "2024": date(2024, 1, 1)}
    for code, first in firsts.items():
        data, period, scope = prepare(demo_store, code)
        assert data.assistance_since == first
        read = sum(len(p.assistance) for p in data.people)
        assert 0 < read < sum(len(p.assistance) for p in demo.people)
        cut, whole = compute(data, period, scope), compute(demo, period, scope)
        assert (cut.figures, cut.series) == (whole.figures, whole.series)
    with pytest.raises(ValueError):
        compute(data, Period.parse("2023-05"), scope)  # read for 2024: too little for an earlier period


@pytest.mark.parametrize("scope", [OWN, OTHER, COUNTY])
def test_people_moving_between_offices_give_the_same_figures_both_ways(demo, scope):
    data = moved(demo)
    partial = 0
    for code in ("2026-06", "2026-Q1", "2025", "2024-12"):
        period = Period.parse(code)
        check(data, period, Scope(scope))
        first = min(period.start, date(period.end.year - 1, period.end.month, 1))
        partial += sum(
            1
            for p in data.in_scope(Scope(scope))
            if not p.held_days(Scope(scope), first, period.end).throughout
        )
    assert partial > 0  # some people were held by the scope for part of the time only


def test_twins_share_the_windows_laid_out_and_meet_them_with_their_own_facts(demo):
    data = twins(demo)
    shared = 0
    for code in ("2026-06", "2026-03", "2025-Q4", "2025"):
        period = Period.parse(code)
        check(data, period, Scope(OWN))
        frame = Frame(data, period, Scope(OWN))
        compute(data, period, Scope(OWN), frame=frame)
        clocks = sum(
            1
            for p in frame.people
            for c in frame.timeline(p).clocks
            if c.start <= period.end and c.last_day >= period.start
        )
        shared += 2 * clocks - len(frame._layouts)  # test and hair windows of each measure running
    assert shared > len(demo.people)  # most twins' windows were laid out once for both


@pytest.mark.parametrize("scope", [OWN, OTHER, COUNTY])
def test_held_and_held_days_answer_as_the_status_and_office_of_each_day(demo, scope):
    within = Scope(scope)
    first, last = date(2024, 12, 20), TODAY
    days = [first + timedelta(days=n) for n in range(0, (last - first).days + 1, 9)]
    moved_away = 0
    for person in (*demo.people, *moved(demo).people):
        held = person.held_days(within, first, last)
        for day in days:
            expected = within.contains(person.office_on(day)) and (
                person.status_on(day) is not PersonStatus.TRANSFERRED_OUT
            )
            assert person.held(within, day) == expected == (day in held), (person.id, day)
            moved_away += person.status_on(day) is PersonStatus.TRANSFERRED_OUT
    assert moved_away > 0


# ---- the facts as of a day: used as they are when nothing is dated later -------------------------------
D = date(2026, 3, 10)
OLD = date(2025, 1, 5)
LATER = {
    "measure ordered": lambda: {"measures": (rf.MeasureFacts("m2", MeasureKind.COMMUNITY_REHAB, D),)},
    "measure reported": lambda: {
        "measures": (rf.MeasureFacts("m2", MeasureKind.COMMUNITY_TREATMENT, OLD, reported_on=D),)
    },
    "status event": lambda: {
        "status_events": (rf.StatusEvent("e1", D, PersonStatus.IN_TREATMENT, PersonStatus.ON_LEAVE),)
    },
    "test": lambda: {"tests": (rf.TestFact(None, D, SampleType.URINE, TestResult.NEGATIVE),)},
    "visit": lambda: {"visits": (rf.VisitFact(None, D, VisitKind.HOME),)},
    "leave begun": lambda: {"leaves": (rf.LeaveFact("l1", D, D + timedelta(days=5)),)},
    "leave returned": lambda: {"leaves": (rf.LeaveFact("l1", OLD, D + timedelta(days=5), returned_on=D),)},
    "violation": lambda: {"violations": (rf.ViolationFact("v1", D, ViolationKind.TEST_REFUSED),)},
    "agreement": lambda: {"agreements": (rf.AgreementFact("a1", D),)},
    "police report": lambda: {"police_reports": (rf.PoliceReportFact("p1", D, EscalationKind.RELAPSE),)},
    "risk flag": lambda: {"risk_flags": (rf.RiskFlag("f1", D, RiskFlagKind.SELF_HARM),)},
    "risk assessment": lambda: {"risk_assessment": rf.RiskAssessment("r1", D)},
    "risk override": lambda: {"risk_override": rf.RiskOverride("o1", D, RiskColour.RED)},
}


@pytest.mark.parametrize("kind", list(LATER))
def test_facts_as_of_a_day_leave_out_what_is_dated_later_fast_or_not(kind):
    facts = rf.PersonFacts(
        person_id=uuid4(),
        status=PersonStatus.IN_TREATMENT,
        measures=(rf.MeasureFacts("m1", MeasureKind.COMMUNITY_TREATMENT, OLD, OLD),),
        tests=(rf.TestFact(None, OLD, SampleType.URINE, TestResult.NEGATIVE),),
    )
    extra = LATER[kind]()
    for name, value in extra.items():
        if isinstance(value, tuple):
            value = (*getattr(facts, name), *value)
        facts = dataclasses.replace(facts, **{name: value})
    if facts.status_events:  # the status on file is the last event's
        facts = dataclasses.replace(facts, status=facts.status_events[-1].to_status)
    person = PersonRecord(facts, OWN)
    for day in (D - timedelta(days=1), D, D + timedelta(days=1)):
        assert person.as_of(day) == facts_as_of(facts, day, person.status_on(day)), (kind, day)
    assert person.as_of(D - timedelta(days=1)) != dataclasses.replace(facts, status=person.status_on(D))
    assert person.as_of(D) is facts  # nothing later: the facts themselves, not a copy
