"""Term ends and windows: leap years, the 31st, month ends."""

from __future__ import annotations

from itertools import pairwise

import pytest

from app.rules.periods import add_months, boundary, cut, months_elapsed, period_end

from .builders import d


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        ("2024-03-10", 36, "2027-03-09"),  # ordinary: the day before the third anniversary
        ("2024-02-29", 36, "2027-02-28"),  # a leap day: the term still runs three whole years
        ("2024-03-01", 36, "2027-02-28"),  # from the 1st: ends at a month end
        ("2023-03-01", 12, "2024-02-29"),  # ...which in a leap year is the 29th
        ("2024-01-31", 1, "2024-02-29"),  # the 31st: a month is to the end of February
        ("2023-01-31", 1, "2023-02-28"),
        ("2024-01-31", 36, "2027-01-30"),
        ("2024-12-31", 24, "2026-12-30"),
        ("2025-01-01", 12, "2025-12-31"),
    ],
)
def test_period_end(start: str, months: int, expected: str) -> None:
    assert period_end(d(start), months) == d(expected)
    assert boundary(d(start), months) == period_end(d(start), months) + (d("2000-01-02") - d("2000-01-01"))


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        ("2024-01-31", 1, "2024-02-29"),
        ("2024-02-29", 12, "2025-02-28"),
        ("2024-04-30", 1, "2024-05-31"),
        ("2024-04-29", 1, "2024-05-29"),
        ("2024-03-31", -1, "2024-02-29"),
    ],
)
def test_add_months_keeps_month_ends(day: str, months: int, expected: str) -> None:
    assert add_months(d(day), months) == d(expected)


def test_monthly_windows_from_the_31st_do_not_drift() -> None:
    windows = cut(d("2024-01-31"), 12, 0, 12)
    assert len(windows) == 12
    assert windows[0] == (d("2024-01-31"), d("2024-02-29"))
    assert windows[1][0] == d("2024-03-01")
    assert windows[-1][1] == d("2025-01-30")  # the year ends the day before its anniversary
    for (_, last), (first, _) in pairwise(windows):
        assert (first - last).days == 1  # no gap, no overlap
    assert all(28 <= (b - a).days + 1 <= 31 for a, b in windows)


@pytest.mark.parametrize(("parts", "months_each"), [(12, 1), (6, 2), (4, 3), (2, 6), (1, 12)])
def test_windows_on_month_boundaries(parts: int, months_each: int) -> None:
    windows = cut(d("2025-01-01"), 12, 0, parts)
    assert [w[0] for w in windows] == [d(f"2025-{1 + i * months_each:02d}-01") for i in range(parts)]
    assert windows[-1][1] == d("2025-12-31")


def test_odd_counts_share_the_days_evenly() -> None:
    windows = cut(d("2025-01-01"), 12, 0, 5)  # 365 days in five windows of 73
    assert [(b - a).days + 1 for a, b in windows] == [73] * 5
    leap = cut(d("2024-01-01"), 12, 0, 5)  # 366 days: one window takes the extra day
    assert sum((b - a).days + 1 for a, b in leap) == 366


def test_months_elapsed() -> None:
    start = d("2024-01-31")
    assert months_elapsed(start, d("2024-01-30")) == -1
    assert months_elapsed(start, d("2024-02-29")) == 0
    assert months_elapsed(start, d("2024-03-01")) == 1
    assert months_elapsed(start, d("2027-01-30")) == 35
    assert months_elapsed(start, d("2027-01-31")) == 36
