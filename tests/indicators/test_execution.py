"""执行率: orders received in the period, reported and signed ÷ orders counted (pending ones left out)."""

from __future__ import annotations

from datetime import date

import pytest

from app.indicators.definitions import EXECUTION_RATE
from app.services import measures
from models.enums import MeasureKind, PersonStatus
from tests.indicators.helpers import figure, ids, order, person, sign, status


@pytest.fixture
def orders(store):
    p = {}
    # Ordered 06-01, reported 06-05 and signed the same day: executed.
    p["done"] = person(store)
    m = order(store, p["done"], date(2026, 6, 1), date(2026, 6, 5))
    sign(store, p["done"], date(2026, 6, 5), m)
    # Reported 06-03 but never signed; the 7 days to sign ran out on 06-10: counted, not executed.
    p["unsigned"] = person(store)
    order(store, p["unsigned"], date(2026, 6, 2), date(2026, 6, 3))
    # Ordered 06-25: still within the 15 days to report on 06-30: pending, left out.
    p["pending"] = person(store)
    order(store, p["pending"], date(2026, 6, 25))
    # Ordered 06-01, never reported, the deadline (06-16) passed: counted as not executed.
    p["refused"] = person(store)
    order(store, p["refused"], date(2026, 6, 1))
    # Ordered in May, reported and signed in June: May's order, not June's.
    p["may"] = person(store)
    m = order(store, p["may"], date(2026, 5, 20))
    measures.record_report(store, m, date(2026, 6, 1))
    sign(store, p["may"], date(2026, 6, 1))  # no measure named: the one running on the day
    # Compulsory isolation is not a community order: never counted.
    p["compulsory"] = person(store)
    order(store, p["compulsory"], date(2026, 6, 1), date(2026, 6, 1), kind=MeasureKind.COMPULSORY)
    # Ordered 06-03, detained 06-10 before reporting: cannot report, left out.
    p["detained"] = person(store)
    order(store, p["detained"], date(2026, 6, 3))
    status(store, p["detained"], PersonStatus.SUSPENDED, date(2026, 6, 10))
    return p


def test_execution_rate_counts_orders_reported_and_signed(store, orders):
    p = orders
    f = figure(store, "2026-06", EXECUTION_RATE)
    assert (f.numerator, f.denominator) == (1, 3)
    assert f.value == pytest.approx(1 / 3)
    assert f.numerator_ids == ids(p["done"])
    assert f.denominator_ids == ids(p["done"], p["unsigned"], p["refused"])
    assert f.excluded_ids == ids(p["pending"], p["detained"])
    assert f.parts == {"pending": 1, "not_counted": 1}


def test_an_order_still_within_its_deadline_at_the_month_end_is_pending(store, orders):
    # At 05-31 the May order was within its 15 days to report: pending, so May has nothing to count.
    may = figure(store, "2026-05", EXECUTION_RATE)
    assert (may.numerator, may.denominator, may.value) == (0, 0, None)
    assert may.excluded_ids == ids(orders["may"])
    # The year counts every order received up to today: the May order is executed by now.
    year = figure(store, "2026", EXECUTION_RATE)
    assert (year.numerator, year.denominator) == (2, 4)


def test_a_report_without_an_agreement_for_the_measure_is_not_executed(store):
    pid = person(store)
    first = order(store, pid, date(2026, 3, 1), date(2026, 3, 2))
    sign(store, pid, date(2026, 1, 5))  # before the report: not this measure's agreement
    f = figure(store, "2026-03", EXECUTION_RATE)
    assert (f.numerator, f.denominator) == (0, 1)
    sign(store, pid, date(2026, 3, 20), first)  # late, but signed for this measure
    f = figure(store, "2026-03", EXECUTION_RATE)
    assert (f.numerator, f.denominator) == (1, 1)
