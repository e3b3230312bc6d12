"""Properties over random synthetic caseloads: one task per window, a met window is never due, and the
order of the facts never matters."""

from __future__ import annotations

import random
import uuid
from dataclasses import replace
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.rules.facts import LeaveFact, PersonFacts, RiskFlag, RiskFlagKind, TestFact, ViolationFact, VisitFact
from app.rules.schedule import ScheduleKind, windows
from app.rules.tasks import review
from app.rules.timeline import TAKEN
from models.enums import SampleType, TestResult, ViolationKind, VisitKind

from .builders import PERSON, REHAB, TREATMENT, S, agreement, event, policy, reported
from .builders import measure as make_measure

BASE = date(2023, 1, 1)
ids = st.integers(min_value=1, max_value=2**64).map(lambda n: uuid.UUID(int=n))
offsets = st.integers(min_value=0, max_value=1300)


def day(offset: int) -> date:
    return BASE + timedelta(days=offset)


tests = st.builds(
    lambda i, o, s, r, late: TestFact(i, day(o), s, r, day(o + late) if late else None),
    ids,
    offsets,
    st.sampled_from(SampleType),
    st.sampled_from(TestResult),
    st.integers(0, 40),
)
visits = st.builds(lambda i, o, k: VisitFact(i, day(o), k), ids, offsets, st.sampled_from(VisitKind))
leaves = st.builds(
    lambda i, o, n, back: LeaveFact(i, day(o), day(o + n), None if back is None else day(o + back)),
    ids,
    offsets,
    st.integers(0, 40),
    st.none() | st.integers(0, 50),
)
violations = st.builds(
    lambda i, o, k, n: ViolationFact(i, day(o), k, n),
    ids,
    offsets,
    st.sampled_from(ViolationKind),
    st.integers(0, 20),
)
flags = st.builds(lambda i, o, k: RiskFlag(i, day(o), k), ids, offsets, st.sampled_from(RiskFlagKind))


@st.composite
def people(draw: st.DrawFn) -> tuple[PersonFacts, date]:
    start = draw(st.integers(0, 400))
    m = make_measure(day(start).isoformat(), kind=draw(st.sampled_from([TREATMENT, REHAB])))
    status = S.IN_TREATMENT if m.kind is TREATMENT else S.IN_REHAB
    events = [reported(m)]
    if draw(st.booleans()):  # a suspension, perhaps still open
        held = draw(st.integers(start + 1, start + 700))
        events.append(event(day(held).isoformat(), status, S.SUSPENDED))
        if draw(st.booleans()):
            events.append(event(day(held + draw(st.integers(1, 90))).isoformat(), S.SUSPENDED, status))
        else:
            status = S.SUSPENDED
    person = PersonFacts(
        PERSON,
        status,
        measures=(m,),
        status_events=tuple(events),
        tests=tuple(draw(st.lists(tests, max_size=30, unique_by=lambda f: f.id))),
        visits=tuple(draw(st.lists(visits, max_size=30, unique_by=lambda f: f.id))),
        leaves=tuple(draw(st.lists(leaves, max_size=4, unique_by=lambda f: f.id))),
        violations=tuple(draw(st.lists(violations, max_size=6, unique_by=lambda f: f.id))),
        agreements=(agreement(day(start).isoformat(), m),),
        risk_flags=tuple(draw(st.lists(flags, max_size=2, unique_by=lambda f: f.id))),
    )
    return person, day(draw(st.integers(start, start + 1300)))


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(people())
def test_no_two_tasks_for_one_window(case: tuple[PersonFacts, date]) -> None:
    person, today = case
    tasks = review(person, today, policy()).tasks
    keys = [t.key for t in tasks]
    assert len(keys) == len(set(keys))
    spans = [(t.rule, t.subject_id, t.opens, t.due) for t in tasks if t.rule.endswith(".window")]
    assert len(spans) == len(set(spans))
    for t in tasks:
        assert t.opens <= today and (t.closes is None or today <= t.closes)
        assert t.overdue == (today > t.due)


@SETTINGS
@given(people())
def test_a_met_window_is_never_due(case: tuple[PersonFacts, date]) -> None:
    person, today = case
    p = policy()
    taken = [t.on for t in person.tests if t.result in TAKEN and t.sample in p.tests.window_samples]
    hair = [t.on for t in person.tests if t.result in TAKEN and t.sample is SampleType.HAIR]
    for task in review(person, today, p).tasks:
        if task.rule == "test.window":
            assert not any(task.opens <= on <= task.due for on in taken)
        elif task.rule == "hair.window":
            assert not any(task.opens <= on <= task.due for on in hair)
    for kind in ScheduleKind:
        for w in windows(person, today, p, kind):
            if w.met_on is not None:
                assert not w.overdue(today) and w.opens <= w.met_on <= w.due


@SETTINGS
@given(people(), st.randoms(use_true_random=False))
def test_the_same_facts_in_any_order_give_the_same_tasks(
    case: tuple[PersonFacts, date], rnd: random.Random
) -> None:
    person, today = case

    def shuffled(items: tuple[object, ...]) -> tuple[object, ...]:
        out = list(items)
        rnd.shuffle(out)
        return tuple(out)

    mixed = replace(
        person,
        status_events=shuffled(person.status_events),
        tests=shuffled(person.tests),
        visits=shuffled(person.visits),
        leaves=shuffled(person.leaves),
        violations=shuffled(person.violations),
        risk_flags=shuffled(person.risk_flags),
    )  # type: ignore[arg-type]
    assert review(mixed, today, policy()) == review(person, today, policy())
