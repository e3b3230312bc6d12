"""The caseload's fast paths give what the straightforward rules give (tests/rules/reference.py).

- windows_today() lays out only the units around today, works out the months once per person, and within
  shared_slots() shares each measure's layout between people with the same dates;
- the timeline's indexes of tests and visits come from one pass each.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import replace
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from app.rules.facts import PersonFacts, RiskOverride, TestFact
from app.rules.policy import Policy
from app.rules.risk import assess
from app.rules.schedule import (
    ScheduleKind,
    shared_slots,
    timeline_windows,
    windows_due_between,
    windows_today,
)
from app.rules.tasks import review
from app.rules.timeline import TAKEN, Timeline
from models.enums import RiskColour, SampleType, TestResult, VisitKind

from . import reference
from .builders import S, event, policy, reported
from .builders import measure as make_measure
from .test_properties import SETTINGS, day, people


def _policies() -> list[Policy]:
    """The default, and one with other numbers: two-monthly visits of several windows, a longer listing of
    missed windows, leave that excuses nothing, hair tests in every year."""
    base = policy()
    colours = {
        colour: replace(rules, visits=3, visit_period_months=2) if colour is RiskColour.BLUE else rules
        for colour, rules in base.colours.items()
    }
    measures = {kind: replace(rules, hair_tests_per_year=(3,)) for kind, rules in base.measures.items()}
    other = replace(
        base,
        colours=colours,
        measures=measures,
        tasks=replace(base.tasks, missed_visible_days=75),
        leave=replace(base.leave, excuses_windows=False),
    )
    return [base, other]


POLICIES = _policies()


@SETTINGS
@given(people(), st.sampled_from(POLICIES))
def test_windows_today_are_those_of_the_whole_measure_that_matter_today(
    case: tuple[PersonFacts, date], p: Policy
) -> None:
    person, today = case
    tl = Timeline(person, p, today)
    risk = assess(tl)
    for kind in ScheduleKind:
        expected = reference.windows_today(tl, kind, risk)
        assert windows_today(tl, kind, risk) == expected
        with shared_slots():
            assert windows_today(Timeline(person, p, today), kind, risk) == expected


@st.composite
def a_caseload(draw: st.DrawFn) -> tuple[list[PersonFacts], date]:
    """People reported on a handful of days, so many share their measure's dates (and so their windows'
    layout), each with their own facts, suspensions and colour."""
    starts = draw(st.lists(st.integers(0, 400), min_size=1, max_size=3))
    found: list[PersonFacts] = []
    for n in range(draw(st.integers(2, 8))):
        person, _ = draw(people())
        start = day(draw(st.sampled_from(starts)))
        shift = start - person.measures[0].reported_on  # type: ignore[operator]
        moved = replace(
            person,
            person_id=uuid.UUID(int=n + 1),
            measures=tuple(
                replace(m, ordered_on=m.ordered_on + shift, reported_on=start) for m in person.measures
            ),
            status_events=tuple(replace(e, on=e.on + shift) for e in person.status_events),
        )
        if draw(st.booleans()):
            moved = replace(
                moved, risk_override=RiskOverride(uuid.uuid4(), start, draw(st.sampled_from(RiskColour)))
            )
        found.append(moved)
    return found, day(max(starts) + draw(st.integers(0, 1300)))


@SETTINGS
@given(a_caseload(), st.sampled_from(POLICIES), st.randoms(use_true_random=False))
def test_a_caseload_reviewed_together_is_each_person_reviewed_alone(
    caseload: tuple[list[PersonFacts], date], p: Policy, rnd: random.Random
) -> None:
    everyone, today = caseload
    alone = {person.person_id: review(person, today, p) for person in everyone}
    mixed = list(everyone)
    rnd.shuffle(mixed)
    with shared_slots():
        together = {person.person_id: review(person, today, p) for person in mixed}
        # A later day in the same batch lays out its own windows.
        later = {person.person_id: review(person, today + timedelta(days=40), p) for person in mixed}
    assert together == alone
    assert later == {person.person_id: review(person, today + timedelta(days=40), p) for person in everyone}


def test_people_with_the_same_dates_but_another_suspension_do_not_share_windows() -> None:
    """Both held for 45 days, so their measures end on the same day; only when differs."""
    p = policy()
    m = make_measure("2024-01-10")

    def held(person: int, starts: str, ends: str) -> PersonFacts:
        return PersonFacts(
            uuid.UUID(int=person),
            S.IN_TREATMENT,
            measures=(m,),
            status_events=(
                reported(m),
                event(starts, S.IN_TREATMENT, S.SUSPENDED),
                event(ends, S.SUSPENDED, S.IN_TREATMENT),
            ),
        )

    early, late = held(1, "2024-02-01", "2024-03-17"), held(2, "2024-03-01", "2024-04-15")
    on = date(2024, 2, 25)
    alone = [review(x, on, p) for x in (early, late)]
    with shared_slots():
        together = [review(x, on, p) for x in (early, late)]
    assert together == alone
    assert [t.due for t in alone[0].tasks] != [t.due for t in alone[1].tasks]


@SETTINGS
@given(people())
def test_the_timeline_indexes_are_the_plain_readings_of_the_facts(case: tuple[PersonFacts, date]) -> None:
    person, today = case
    p = policy()
    # A test dated after today must not count as the last one; add one whatever the draw.
    ahead = TestFact(uuid.uuid4(), today + timedelta(days=3), SampleType.URINE, TestResult.REFUSED)
    person = replace(person, tests=(*person.tests, ahead))
    tl = Timeline(person, p, today)
    tests = person.tests
    samples = p.tests.window_samples
    assert tl.window_test_days == sorted(t.on for t in tests if t.result in TAKEN and t.sample in samples)
    assert tl.hair_test_days == sorted(
        t.on for t in tests if t.result in TAKEN and t.sample is SampleType.HAIR
    )
    assert tl.positive_tests == [t for t in tests if t.result is TestResult.POSITIVE]
    assert tl.refused_tests == [t for t in tests if t.result is TestResult.REFUSED]
    assert tl.last_test_on == max((t.on for t in tests if t.on <= today), default=None)
    last_visit = max((v.on for v in person.visits if v.on <= today), default=None)
    assert tl.last_visit_on == last_visit
    sorted_first = Timeline(person, p, today)  # the days of every kind sorted first, as a blue person's are
    sorted_first.visit_days(frozenset(VisitKind))
    assert sorted_first.last_visit_on == last_visit
    for colour in p.colours.values():
        kinds = colour.visit_kinds
        assert tl.visit_days(kinds) == sorted(v.on for v in person.visits if v.kind in kinds)


@SETTINGS
@given(people(), st.sampled_from(POLICIES), st.integers(-400, 1300), st.integers(0, 120))
def test_windows_due_in_a_period_are_those_of_the_whole_measure_due_in_it(
    case: tuple[PersonFacts, date], p: Policy, offset: int, length: int
) -> None:
    person, today = case
    tl = Timeline(person, p, today)
    first = person.measures[0].ordered_on + timedelta(days=offset)
    last = first + timedelta(days=length)
    for clock in tl.clocks:
        for kind in ScheduleKind:
            every = timeline_windows(tl, kind, measure_id=clock.measure.id)
            expected = [w for w in every if first <= w.due <= last]
            assert list(windows_due_between(tl, kind, clock, first, last)) == expected
