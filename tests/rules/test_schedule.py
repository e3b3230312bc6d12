"""Test, hair-test and visit windows: counts, met, due, overdue, and their edges."""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import timedelta

import pytest

from app.rules.facts import PersonFacts
from app.rules.schedule import ScheduleKind, WindowState, next_due, windows
from app.rules.tasks import tasks_for
from models.enums import MeasureKind, SampleType, TestResult, VisitKind

from .builders import REHAB, TREATMENT, S, d, drug_test, event, leave, measure, policy, reported, under, visit


def window_tasks(person: PersonFacts, today: str, rule: str = "test.window") -> list[tuple[str, str, bool]]:
    return [
        (t.opens.isoformat(), t.due.isoformat(), t.overdue)
        for t in tasks_for(person, d(today), policy())
        if t.rule == rule
    ]


@pytest.mark.parametrize(
    ("kind", "kind_of_window", "per_year"),
    [
        (TREATMENT, ScheduleKind.TEST, [12, 6, 4]),
        (REHAB, ScheduleKind.TEST, [6, 4, 2]),
        (TREATMENT, ScheduleKind.HAIR, [2, 1, 1]),
        (REHAB, ScheduleKind.HAIR, [1, 1, 1]),
        (TREATMENT, ScheduleKind.VISIT, [1] * 36),  # blue: one visit in each month of the measure
    ],
)
def test_windows_per_measure_year(
    kind: MeasureKind, kind_of_window: ScheduleKind, per_year: list[int]
) -> None:
    m = measure("2024-02-29", kind=kind)
    found = windows(under(m), d("2024-03-01"), policy(), kind_of_window)
    assert Counter(w.unit for w in found) == {year: n for year, n in enumerate(per_year)}
    assert found[0].opens == d("2024-02-29")
    assert found[-1].due == d("2027-02-28")  # the term's last day
    for a, b in itertools.pairwise(found):
        assert b.opens - a.due == timedelta(days=1)  # back to back, no gaps


def test_a_window_is_met_by_one_test_and_overdue_without() -> None:
    m = measure("2025-01-01")
    person = under(m, tests=(drug_test("2025-01-15"),))
    jan, feb = windows(person, d("2025-03-05"), policy())[:2]
    assert (jan.opens, jan.due, jan.met_on) == (d("2025-01-01"), d("2025-01-31"), d("2025-01-15"))
    assert jan.state(d("2025-03-05")) is WindowState.MET and not jan.overdue(d("2025-03-05"))
    assert (feb.opens, feb.due, feb.met_on) == (d("2025-02-01"), d("2025-02-28"), None)
    assert feb.state(d("2025-02-10")) is WindowState.OPEN
    assert feb.state(d("2025-03-05")) is WindowState.OVERDUE
    assert feb.state(d("2025-03-31")) is WindowState.MISSED  # after 30 days on the list
    assert window_tasks(person, "2025-02-10") == [("2025-02-01", "2025-02-28", False)]
    assert window_tasks(person, "2025-03-05") == [
        ("2025-02-01", "2025-02-28", True),
        ("2025-03-01", "2025-03-31", False),
    ]
    assert window_tasks(person, "2025-03-31") == [("2025-03-01", "2025-03-31", False)]  # February has closed


@pytest.mark.parametrize(
    ("result", "sample", "meets"),
    [
        (TestResult.NEGATIVE, SampleType.URINE, True),
        (TestResult.POSITIVE, SampleType.URINE, True),  # the test was taken; the relapse is escalated apart
        (TestResult.NEGATIVE, SampleType.HAIR, True),
        (TestResult.REFUSED, SampleType.URINE, False),
        (TestResult.INVALID, SampleType.SALIVA, False),
    ],
)
def test_what_meets_a_test_window(result: TestResult, sample: SampleType, meets: bool) -> None:
    person = under(measure("2025-01-01"), tests=(drug_test("2025-01-10", result, sample),))
    assert (windows(person, d("2025-01-20"), policy())[0].met_on is not None) is meets


def test_a_measure_starting_on_the_31st() -> None:
    person = under(measure("2025-01-31"))
    found = windows(person, d("2025-02-01"), policy())
    assert [(w.opens, w.due) for w in found[:3]] == [
        (d("2025-01-31"), d("2025-02-28")),
        (d("2025-03-01"), d("2025-03-30")),
        (d("2025-03-31"), d("2025-04-30")),
    ]
    assert found[11].due == d("2026-01-30") and found[12].opens == d(
        "2026-01-31"
    )  # year 2 starts on the 31st


def test_leap_year_windows() -> None:
    found = windows(under(measure("2024-01-01")), d("2024-01-02"), policy())
    assert (found[1].opens, found[1].due) == (d("2024-02-01"), d("2024-02-29"))
    found = windows(under(measure("2023-03-01", kind=REHAB)), d("2023-03-02"), policy())
    assert found[5].due == d("2024-02-29")  # the year ends on the leap day


def test_a_suspension_stretches_its_window_and_pushes_the_rest_back() -> None:
    m = measure("2025-01-01")
    events = (
        event("2025-03-10", S.IN_TREATMENT, S.SUSPENDED),
        event("2025-03-20", S.SUSPENDED, S.IN_TREATMENT),
    )
    person = under(m, events=events)
    found = windows(person, d("2025-04-01"), policy())
    assert (found[1].opens, found[1].due) == (d("2025-02-01"), d("2025-02-28"))  # before: untouched
    assert (found[2].opens, found[2].due) == (d("2025-03-01"), d("2025-04-10"))  # stretched by 10 days
    assert (found[3].opens, found[3].due) == (d("2025-04-11"), d("2025-05-10"))
    assert found[-1].due == d("2028-01-10")
    # While suspended there are no schedule tasks at all.
    suspended = under(m, status=S.SUSPENDED, events=events[:1])
    assert [t.rule for t in tasks_for(suspended, d("2025-03-15"), policy())] == []
    # Back, the stretched window is still open: not overdue on 1 April.
    assert window_tasks(person, "2025-04-01") == [("2025-03-01", "2025-04-10", False)]


def test_a_transfer_mid_window_keeps_the_history_whole() -> None:
    m = measure("2025-01-01")
    tests = (drug_test("2025-01-10"), drug_test("2025-02-10"), drug_test("2025-03-05"))
    out = event("2025-03-10", S.IN_TREATMENT, S.TRANSFERRED_OUT)
    away = under(m, status=S.TRANSFERRED_OUT, events=(out,), tests=tests)
    assert [(t.rule, t.due) for t in tasks_for(away, d("2025-03-15"), policy())] == [
        ("transfer.arrival", d("2025-03-25"))
    ]
    arrived = under(m, events=(out, event("2025-03-20", S.TRANSFERRED_OUT, S.IN_TREATMENT)), tests=tests)
    rules = [t.rule for t in tasks_for(arrived, d("2025-03-25"), policy())]
    assert "test.window" not in rules  # March was met at the old office, before the move
    assert "agreement.sign" in rules  # a new agreement at the new office
    assert windows(arrived, d("2025-03-25"), policy())[-1].due == d("2027-12-31")  # the term continues


def test_leave_spanning_a_window_excuses_it() -> None:
    m = measure("2025-01-01")
    person = under(
        m,
        tests=(drug_test("2025-01-10"),),
        leaves=(leave("2025-02-01", "2025-02-28", "2025-03-01"),),
        visits=(visit("2025-01-10"), visit("2025-03-02")),
    )
    feb = windows(person, d("2025-03-05"), policy())[1]
    assert (
        feb.excused and feb.state(d("2025-03-05")) is WindowState.EXCUSED and not feb.overdue(d("2025-03-05"))
    )
    assert window_tasks(person, "2025-03-05") == [("2025-03-01", "2025-03-31", False)]
    assert window_tasks(person, "2025-03-05", "visit.window") == []  # February excused, March met


def test_leave_covering_part_of_a_window_does_not_excuse_it() -> None:
    m = measure("2025-01-01")
    person = under(
        m, tests=(drug_test("2025-01-10"),), leaves=(leave("2025-02-10", "2025-03-02", "2025-03-02"),)
    )
    assert window_tasks(person, "2025-03-05")[0] == ("2025-02-01", "2025-02-28", True)


def test_a_test_in_a_window_on_leave_still_counts() -> None:
    m = measure("2025-01-01")
    person = under(
        m, tests=(drug_test("2025-02-15"),), leaves=(leave("2025-02-10", "2025-02-20", "2025-02-21"),)
    )
    assert windows(person, d("2025-03-05"), policy())[1].met_on == d("2025-02-15")


def test_a_backdated_test_meets_its_window() -> None:
    m = measure("2025-01-01")
    before = under(m, tests=(drug_test("2025-01-10"),))
    assert window_tasks(before, "2025-03-10")[0] == ("2025-02-01", "2025-02-28", True)
    late = under(m, tests=(drug_test("2025-01-10"), drug_test("2025-02-20", recorded="2025-03-09")))
    assert window_tasks(late, "2025-03-10") == [("2025-03-01", "2025-03-31", False)]


def test_two_measures_in_sequence_use_their_own_schedule() -> None:
    first = measure("2020-01-10")
    second = measure("2022-07-01", kind=REHAB, ordered="2022-06-20")
    events = (
        reported(first),
        event("2021-03-01", S.IN_TREATMENT, S.IN_COMPULSORY),
        event("2022-06-20", S.IN_COMPULSORY, S.NOT_REPORTED),
        reported(second),
    )
    person = PersonFacts(
        under(first).person_id,
        S.IN_REHAB,
        measures=(first, second),
        status_events=events,
        tests=(drug_test("2020-02-01"),),
    )
    current = windows(person, d("2022-08-15"), policy())
    assert {w.measure_id for w in current} == {second.id}
    assert current[0].opens == d("2022-07-01") and current[0].due == d("2022-08-31")  # rehab: 6 a year
    old = windows(person, d("2022-08-15"), policy(), measure_id=first.id)
    assert old[-1].due == d("2021-02-28")  # closed by compulsory treatment
    tasks = tasks_for(person, d("2022-08-15"), policy())
    assert [t.subject_id for t in tasks if t.rule == "test.window"] == [second.id]


def test_next_due() -> None:
    m = measure("2025-01-01")
    assert next_due(under(m), d("2025-01-10"), policy()).due == d("2025-01-31")  # type: ignore[union-attr]
    done = under(m, tests=(drug_test("2025-01-05"),))
    nxt = next_due(done, d("2025-01-10"), policy())
    assert nxt is not None and (nxt.opens, nxt.due) == (d("2025-02-01"), d("2025-02-28"))
    hair = next_due(done, d("2025-01-10"), policy(), ScheduleKind.HAIR)
    assert hair is not None and hair.due == d("2025-06-30")
    ended = under(m, status=S.COMPLETED, events=(event("2028-01-02", S.IN_TREATMENT, S.COMPLETED),))
    assert next_due(ended, d("2028-02-01"), policy()) is None


def test_visit_windows_follow_the_colour() -> None:
    m = measure("2025-01-01")
    phone = (visit("2025-01-03", VisitKind.PHONE),)
    blue = under(m, visits=phone)
    assert windows(blue, d("2025-01-20"), policy(), ScheduleKind.VISIT)[0].met_on == d("2025-01-03")
    from app.rules.facts import RiskFlag, RiskFlagKind

    flag = RiskFlag(m.id, d("2025-01-01"), RiskFlagKind.SELF_HARM)
    red = under(m, visits=phone, risk_flags=(flag,))
    found = windows(red, d("2025-01-20"), policy(), ScheduleKind.VISIT)
    assert len([w for w in found if w.unit == 0]) == 4  # weekly
    assert found[0].met_on is None  # a phone call is not enough at red
