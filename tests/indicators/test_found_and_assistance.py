"""新发现增幅 (against the same period last year) and assistance: people by kind, trainings, employment."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from app.indicators import definitions as d
from app.indicators import for_store
from app.services import facts
from models.enums import AssistanceKind as K
from models.enums import AssistanceOutcome as O
from models.enums import FactKind
from tests.indicators.helpers import assist, figure, ids, person


def test_growth_of_newly_found_against_the_same_period_last_year(store):
    found = {
        "may_a": date(2026, 5, 3),
        "may_b": date(2026, 5, 28),
        "april": date(2026, 4, 30),
        "last_may": date(2025, 5, 10),
        "last_june": date(2025, 6, 1),
        "last_autumn": date(2025, 9, 1),
    }
    p = {key: person(store, first_found_on=day) for key, day in found.items()}
    person(store)  # never recorded as found: not counted

    may = figure(store, "2026-05", d.NEW_FOUND_GROWTH)
    assert may.parts == {"this_period": 2, "same_period_last_year": 1}
    assert (may.numerator, may.denominator, may.value) == (1, 1, 1.0)
    assert may.numerator_ids == ids(p["may_a"], p["may_b"]) and may.denominator_ids == ids(p["last_may"])
    # April 2025 had nobody: the growth cannot be computed (None), not infinite.
    april = figure(store, "2026-04", d.NEW_FOUND_GROWTH)
    assert (april.numerator, april.denominator, april.value) == (1, 0, None)
    # The running year (to 06-30) is compared with 2025-01-01..06-30, not the whole of 2025.
    year = figure(store, "2026", d.NEW_FOUND_GROWTH)
    assert year.parts == {"this_period": 3, "same_period_last_year": 2}
    assert year.value == pytest.approx(0.5)
    fewer = figure(store, "2025-09", d.NEW_FOUND_GROWTH)  # 2024-09 had nobody either
    assert fewer.value is None


@pytest.fixture
def helped(store):
    p = {name: person(store) for name in ("a", "b", "c", "d", "voided")}
    assist(store, p["a"], date(2026, 5, 10), K.TRAINING, provider="县人社局")
    assist(store, p["a"], date(2026, 5, 20), K.JOB_PLACEMENT, O.EMPLOYED)
    assist(store, p["a"], date(2026, 5, 5), K.MINIMUM_ALLOWANCE, amount="500")
    assist(store, p["b"], date(2026, 5, 10), K.TRAINING, provider="县人社局")  # the same session as a's
    assist(store, p["b"], date(2026, 5, 24), K.TRAINING, provider="县人社局")  # another session
    assist(store, p["c"], date(2026, 5, 10), K.TRAINING, provider="职业技术学校")  # another provider
    assist(store, p["c"], date(2026, 4, 30), K.PUBLIC_POST, O.EMPLOYED_SIX_MONTHS)  # April
    assist(store, p["d"], date(2026, 5, 2), K.JOB_PLACEMENT, O.EMPLOYED_SIX_MONTHS)
    assist(store, p["d"], date(2026, 5, 30), K.TEMPORARY_RELIEF, amount="300.50")
    assist(store, p["d"], date(2026, 5, 31), K.TEMPORARY_RELIEF, amount="200")
    gone = assist(store, p["voided"], date(2026, 5, 15), K.COUNSELLING)
    facts.void(store, FactKind.ASSISTANCE, gone, "录错人员")
    return p


def test_assistance_people_by_kind_trainings_and_employment(store, helped):
    p = helped
    ind = for_store(store, "2026-05")
    f = ind.figure
    assert f(d.ASSISTED).numerator_ids == ids(p["a"], p["b"], p["c"], p["d"])
    assert f(d.assisted_key(K.TRAINING)).numerator == 3
    assert f(d.assisted_key(K.JOB_PLACEMENT)).numerator_ids == ids(p["a"], p["d"])
    assert f(d.assisted_key(K.PUBLIC_POST)).numerator == 0  # given in April
    assert f(d.assisted_key(K.COUNSELLING)).numerator == 0  # voided
    assert f(d.TRAINING_SESSIONS).numerator == 3  # 05-10 县人社局, 05-24 县人社局, 05-10 职业技术学校
    assert f(d.TRAINING_ATTENDANCE).numerator == 4  # a, b, b, c
    assert f(d.EMPLOYED).numerator_ids == ids(p["a"], p["d"])
    assert f(d.EMPLOYED_SIX_MONTHS).numerator_ids == ids(p["d"])
    assert f(d.assisted_key(K.TRAINING)).name.zh == "帮扶救助人数：职业技能培训"
    rows = {r.kind: r for r in ind.series.assistance_by_kind}
    assert (rows[K.TEMPORARY_RELIEF].people, rows[K.TEMPORARY_RELIEF].records) == (1, 2)
    assert rows[K.TEMPORARY_RELIEF].amount == Decimal("500.50")
    assert rows[K.MINIMUM_ALLOWANCE].amount == Decimal("500")


def test_counts_have_no_denominator_and_an_empty_month_counts_zero(store, helped):
    june = for_store(store, "2026-06")
    for key in (d.ASSISTED, d.TRAINING_SESSIONS, d.EMPLOYED):
        f = june.figure(key)
        assert (f.numerator, f.denominator, f.value) == (0, None, 0.0)
