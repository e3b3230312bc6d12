"""脱管率, 复吸 and 巩固率 against hand-computed cases, with the status each person had on each day."""

from __future__ import annotations

from datetime import date

import pytest

from app.indicators.definitions import CONSOLIDATION_RATE, LOST_RATE, RELAPSES
from models.enums import PersonStatus, TestMethod, TestResult
from tests.indicators.helpers import drug_test, figure, ids, status, under_treatment

S = PersonStatus
JAN1 = date(2026, 1, 1)


def test_lost_rate_counts_anyone_lost_at_any_time_among_people_under_measure(store):
    p = {}
    p["lost_and_found"] = under_treatment(store, JAN1)
    status(store, p["lost_and_found"], S.LOST, date(2026, 5, 10))
    status(store, p["lost_and_found"], S.IN_TREATMENT, date(2026, 5, 20))
    p["steady"] = under_treatment(store, JAN1)
    p["lost_since_april"] = under_treatment(store, JAN1)
    status(store, p["lost_since_april"], S.LOST, date(2026, 4, 1))
    p["completed"] = under_treatment(store, date(2023, 5, 1))
    status(store, p["completed"], S.COMPLETED, date(2026, 4, 30))
    p["suspended"] = under_treatment(store, JAN1)
    status(store, p["suspended"], S.SUSPENDED, date(2026, 4, 20))
    p["on_leave"] = under_treatment(store, JAN1)
    status(store, p["on_leave"], S.ON_LEAVE, date(2026, 5, 5))
    p["moved_in_april"] = under_treatment(store, JAN1)
    status(store, p["moved_in_april"], S.TRANSFERRED_OUT, date(2026, 4, 15))
    p["moved_in_may"] = under_treatment(store, JAN1)
    status(store, p["moved_in_may"], S.TRANSFERRED_OUT, date(2026, 5, 15))

    may = figure(store, "2026-05", LOST_RATE)
    assert may.numerator_ids == ids(p["lost_and_found"], p["lost_since_april"])
    assert may.denominator_ids == ids(
        p["lost_and_found"], p["steady"], p["lost_since_april"], p["on_leave"], p["moved_in_may"]
    )
    assert may.value == pytest.approx(2 / 5)
    # March: all eight under treatment (the completed one too), nobody lost yet.
    march = figure(store, "2026-03", LOST_RATE)
    assert (march.numerator, march.denominator, march.value) == (0, 8, 0.0)


def test_relapses_count_positive_days_under_a_measure_held_by_the_office(store):
    twice = under_treatment(store, JAN1)
    drug_test(store, twice, date(2026, 5, 3), TestResult.POSITIVE)
    drug_test(store, twice, date(2026, 5, 3), TestResult.POSITIVE, method=TestMethod.RETEST)  # same day
    drug_test(store, twice, date(2026, 5, 20), TestResult.POSITIVE)
    april = under_treatment(store, JAN1)
    drug_test(store, april, date(2026, 4, 28), TestResult.POSITIVE)
    after_the_term = under_treatment(store, date(2022, 1, 1))
    status(store, after_the_term, S.COMPLETED, date(2025, 1, 1))
    drug_test(store, after_the_term, date(2026, 5, 10), TestResult.POSITIVE)
    moved = under_treatment(store, JAN1)
    status(store, moved, S.TRANSFERRED_OUT, date(2026, 5, 1))
    drug_test(store, moved, date(2026, 5, 20), TestResult.POSITIVE)

    may = figure(store, "2026-05", RELAPSES)
    assert (may.numerator, may.denominator, may.value) == (2, None, 2.0)
    assert may.numerator_ids == ids(twice)
    assert figure(store, "2026-04", RELAPSES).numerator_ids == ids(april)
    assert figure(store, "2026-03", RELAPSES).numerator == 0


@pytest.fixture
def consolidation(store):
    p = {}
    # Completed 2023-01-01 and recorded three years clean on 2026-01-05.
    p["recorded"] = under_treatment(store, date(2020, 1, 1))
    status(store, p["recorded"], S.COMPLETED, date(2023, 1, 1))
    status(store, p["recorded"], S.CLEAN_THREE_YEARS, date(2026, 1, 5))
    # Completed 2023-01-01: three years clean from 2026-01-01 by the rules, not yet recorded.
    p["qualifies"] = under_treatment(store, date(2020, 1, 1))
    status(store, p["qualifies"], S.COMPLETED, date(2023, 1, 1))
    # Completed 2024-01-01: clean only from 2027-01-01; neither clean nor under measure.
    p["not_yet"] = under_treatment(store, date(2021, 1, 1))
    status(store, p["not_yet"], S.COMPLETED, date(2024, 1, 1))
    p["a"] = under_treatment(store, date(2025, 6, 1))
    p["b"] = under_treatment(store, date(2025, 6, 1))
    p["lost"] = under_treatment(store, date(2025, 6, 1))
    status(store, p["lost"], S.LOST, date(2026, 3, 1))
    p["suspended"] = under_treatment(store, date(2025, 6, 1))
    status(store, p["suspended"], S.SUSPENDED, date(2026, 2, 1))
    return p


def test_consolidation_rate_at_the_period_end(store, consolidation):
    p = consolidation
    june = figure(store, "2026-06", CONSOLIDATION_RATE)
    assert june.numerator_ids == ids(p["recorded"], p["qualifies"])
    assert june.denominator_ids == ids(p["recorded"], p["qualifies"], p["a"], p["b"], p["lost"])
    assert june.value == pytest.approx(2 / 5)


def test_consolidation_rate_of_a_past_period_uses_the_statuses_of_then(store, consolidation):
    p = consolidation
    # 2025-12-31: nobody has three years yet (2026-01-01 is the day); the suspended one was still under
    # treatment.
    dec = figure(store, "2025-12", CONSOLIDATION_RATE)
    assert (dec.numerator, dec.denominator, dec.value) == (0, 4, 0.0)
    assert dec.denominator_ids == ids(p["a"], p["b"], p["lost"], p["suspended"])
    jan = figure(store, "2026-01", CONSOLIDATION_RATE)
    assert (jan.numerator, jan.denominator) == (2, 6)
