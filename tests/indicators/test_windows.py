"""检测率 and 毛发检测覆盖率 against hand-computed windows: suspension, transfer and leave at the edges.

Every person here is under 社区戒毒 reported on 2026-01-01, so the default policy's year-1 test windows
are the calendar months (12 a year) and the hair windows are 2026-01-01..06-30 and 07-01..12-31.
"""

from __future__ import annotations

from datetime import date

import pytest

from app.indicators.definitions import HAIR_COVERAGE, TEST_COMPLIANCE
from app.rules.schedule import ScheduleKind, windows
from app.services import caseload
from models.enums import PersonStatus, SampleType, TestResult
from tests.indicators.helpers import drug_test, figure, ids, leave, status, under_treatment

JAN1 = date(2026, 1, 1)


@pytest.fixture
def caseload_(store):
    """Six people; the comments give each one's test windows due in May 2026."""
    p = {}
    p["met"] = under_treatment(store, JAN1)  # May window met by a test on 05-10
    drug_test(store, p["met"], date(2026, 4, 5))
    drug_test(store, p["met"], date(2026, 5, 10))
    drug_test(store, p["met"], date(2026, 3, 3), sample=SampleType.HAIR)  # hair window Jan-Jun met
    p["missed"] = under_treatment(store, JAN1)  # May window due, no test
    drug_test(store, p["missed"], date(2026, 5, 12), result=TestResult.REFUSED)  # a refusal meets nothing
    # Suspended 03-10, resumed 04-09: 30 days stop the clock, so the April window runs 05-01..05-30.
    p["suspended_before"] = under_treatment(store, JAN1)
    status(store, p["suspended_before"], PersonStatus.SUSPENDED, date(2026, 3, 10))
    status(store, p["suspended_before"], PersonStatus.IN_TREATMENT, date(2026, 4, 9))
    drug_test(store, p["suspended_before"], date(2026, 5, 15))
    # Suspended from 04-20 and still: the clock stands, no window falls due in May or June.
    p["suspended_now"] = under_treatment(store, JAN1)
    status(store, p["suspended_now"], PersonStatus.SUSPENDED, date(2026, 4, 20))
    # Moved away on 05-15: April's window (met) is this office's, May's belongs to the new office.
    p["moved"] = under_treatment(store, JAN1)
    drug_test(store, p["moved"], date(2026, 4, 10))
    status(store, p["moved"], PersonStatus.TRANSFERRED_OUT, date(2026, 5, 15))
    # On approved leave the whole of May: the May window is excused, so not due.
    p["on_leave"] = under_treatment(store, JAN1)
    leave(store, p["on_leave"], date(2026, 5, 1), date(2026, 5, 31), returned=date(2026, 6, 1))
    return p


def test_test_compliance_counts_windows_due_in_the_month(store, caseload_):
    p = caseload_
    f = figure(store, "2026-05", TEST_COMPLIANCE)
    # met: 05 window; missed: 05 window unmet; suspended_before: the stretched April window (05-01..05-30).
    assert (f.numerator, f.denominator) == (2, 3)
    assert f.value == pytest.approx(2 / 3)
    assert f.numerator_ids == ids(p["met"], p["suspended_before"])
    assert f.denominator_ids == ids(p["met"], p["missed"], p["suspended_before"])
    assert "检测周期" in f.definition.zh and "windows" in f.definition.en


def test_the_suspension_moves_the_window_the_figure_counts(store, caseload_):
    person = caseload.person_facts(store)[caseload_["suspended_before"]]
    (april,) = [w for w in windows(person, date(2026, 6, 30), _policy(store)) if w.unit == 0 and w.index == 3]
    assert (april.opens, april.due, april.met_on) == (date(2026, 5, 1), date(2026, 5, 30), date(2026, 5, 15))


def test_a_transferred_person_counts_for_the_office_until_the_move(store, caseload_):
    april = figure(store, "2026-04", TEST_COMPLIANCE)
    # April: met (04-05), missed (no test), moved (04-10), on_leave (no test); suspended_before's March
    # window falls due 04-30 (unmet); suspended_now's April window is stretched past April.
    p = caseload_
    assert april.denominator_ids == ids(
        p["met"], p["missed"], p["moved"], p["on_leave"], p["suspended_before"]
    )
    assert (april.numerator, april.denominator) == (2, 5)


def test_a_quarter_adds_up_its_months_and_the_running_month_counts_to_today(store, caseload_):
    may = figure(store, "2026-05", TEST_COMPLIANCE)
    april = figure(store, "2026-04", TEST_COMPLIANCE)
    june = figure(store, "2026-06", TEST_COMPLIANCE)
    q2 = figure(store, "2026-Q2", TEST_COMPLIANCE)
    assert q2.numerator == april.numerator + may.numerator + june.numerator
    assert q2.denominator == april.denominator + may.denominator + june.denominator
    # June (today is 06-30, so every June window has fallen due): met, missed, on_leave have the June
    # window unmet; suspended_before's May window (05-31..06-30) is unmet too.
    assert (june.numerator, june.denominator) == (0, 4)


def test_hair_coverage_counts_people_whose_hair_window_ends_in_the_period(store, caseload_):
    p = caseload_
    f = figure(store, "2026-06", HAIR_COVERAGE)
    # The first hair window ends 06-30 for met, missed and on_leave; suspended_before's is pushed to
    # 07-30, suspended_now's further; moved is no longer this office's.
    assert f.denominator_ids == ids(p["met"], p["missed"], p["on_leave"])
    assert f.numerator_ids == ids(p["met"])
    assert f.value == pytest.approx(1 / 3)
    assert figure(store, "2026-05", HAIR_COVERAGE).value is None  # no hair window ends in May


def _policy(store):
    return caseload.policy_for(store)


def test_nobody_due_gives_none_not_a_division_by_zero(store):
    f = figure(store, "2026-05", TEST_COMPLIANCE)
    assert (f.numerator, f.denominator, f.value) == (0, 0, None)


def test_windows_of_the_rules_are_the_ones_counted(store, caseload_):
    """Guard against the figure drifting from the schedule the worker sees: same windows, same states."""
    policy = _policy(store)
    person = caseload.person_facts(store)[caseload_["met"]]
    may = [w for w in windows(person, date(2026, 6, 30), policy, ScheduleKind.TEST) if w.due.month == 5]
    assert [(w.opens, w.due, w.met_on) for w in may] == [
        (date(2026, 5, 1), date(2026, 5, 31), date(2026, 5, 10))
    ]
