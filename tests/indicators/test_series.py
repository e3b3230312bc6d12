"""Monthly series for charts: tests with positives, compliance by worker, status composition, consolidation."""

from __future__ import annotations

from datetime import date

import pytest

from app.indicators import for_store
from app.services import users
from models.enums import PersonStatus, TestResult
from tests.conftest import ADMIN
from tests.indicators.helpers import drug_test, person, status, under_treatment

S = PersonStatus


@pytest.fixture
def office(store):
    admin = users.find(store, ADMIN).id
    p = {
        "mine": under_treatment(store, date(2026, 1, 1)),
        "admins": under_treatment(store, date(2026, 1, 1), assigned_worker_id=admin),
        "lost": under_treatment(store, date(2025, 10, 1)),
        "new": person(store),  # registered "today" with no order
    }
    drug_test(store, p["mine"], date(2026, 5, 10))
    drug_test(store, p["mine"], date(2026, 5, 20), TestResult.POSITIVE)
    drug_test(store, p["admins"], date(2026, 4, 2), TestResult.REFUSED)
    drug_test(store, p["lost"], date(2026, 4, 2), TestResult.INVALID)  # neither taken nor refused
    drug_test(store, p["lost"], date(2025, 11, 3))
    status(store, p["lost"], S.LOST, date(2026, 3, 1))
    return p


def test_the_series_runs_twelve_months_to_the_period_end(store, office):
    s = for_store(store, "2026-05").series
    assert s.months[0] == "2025-06" and s.months[-1] == "2026-05" and len(s.months) == 12
    tests = {m.month: (m.taken, m.positive, m.refused) for m in s.tests}
    assert tests["2026-05"] == (2, 1, 0)
    assert tests["2026-04"] == (0, 0, 1)
    assert tests["2025-11"] == (1, 0, 0)
    assert sum(m.taken for m in s.tests) == 3


def test_status_composition_at_each_month_end_follows_the_history(store, office):
    status_by_month = {m.month: m.counts for m in for_store(store, "2026-06").series.status}
    assert status_by_month["2025-09"] == {}  # before anybody's record begins
    assert status_by_month["2025-10"] == {S.IN_TREATMENT: 1}
    assert status_by_month["2026-02"] == {S.IN_TREATMENT: 3}
    assert status_by_month["2026-03"] == {S.IN_TREATMENT: 2, S.LOST: 1}
    # The person registered today counts from today.
    assert status_by_month["2026-06"] == {S.NOT_REPORTED: 1, S.IN_TREATMENT: 2, S.LOST: 1}


def test_compliance_by_worker_splits_the_windows_by_assigned_worker(store, office):
    rows = {r.worker: r for r in for_store(store, "2026-05").series.compliance_by_worker}
    # May windows: mine met (05-10); admins' unmet; the lost person's unmet (the measure runs on).
    assert (rows["测试专干"].met, rows["测试专干"].due) == (1, 2)
    assert (rows[ADMIN].met, rows[ADMIN].due, rows[ADMIN].value) == (0, 1, 0.0)
    assert set(rows) == {"测试专干", ADMIN}


def test_consolidation_over_time_is_the_rate_at_each_month_end(store, office):
    later = under_treatment(store, date(2020, 1, 1))
    status(store, later, S.COMPLETED, date(2023, 1, 1))  # three years clean on 2026-01-01
    months = {c.month: c.figure for c in for_store(store, "2026-06").series.consolidation}
    assert months["2025-09"].value is None  # nobody under measure or clean yet
    assert (months["2025-12"].numerator, months["2025-12"].denominator) == (0, 1)
    assert (months["2026-01"].numerator, months["2026-01"].denominator) == (1, 4)
    assert months["2026-06"].value == pytest.approx(1 / 4)
