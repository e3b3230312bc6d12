"""Periods counted in months from a start day, as terms and schedule windows are.

The rule (documented in docs/policy.md): the start day is day one (戒毒条例 art. 15: "自报到之日起计算"), so a
period of k months ends on the day before the start's corresponding day k months later. Where that day does
not exist the period ends at the month's end, and a period starting on the 1st ends at a month's end: the
day before the start is moved k months, with a month end staying a month end. So a term reported on
2024-02-29 ends on 2027-02-28, one reported on 2024-03-01 also ends on 2027-02-28, and monthly windows from
the 31st never drift.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

ONE_DAY = timedelta(days=1)


_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _month_end(year: int, month: int) -> int:
    if month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        return 29
    return _MONTH_DAYS[month - 1]


def add_months(day: date, months: int) -> date:
    """`day` moved by `months`; a month end stays a month end, a missing day falls back to the month end."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last = _month_end(year, month)
    at_end = day.day == _month_end(day.year, day.month)
    return date(year, month, last if at_end or day.day > last else day.day)


@lru_cache(
    maxsize=1 << 16
)  # a caseload shares few report dates; the caseload screen asks for each many times
def boundary(start: date, months: int) -> date:
    """The first day after `months` whole months counted from `start` (start day included)."""
    return add_months(start - ONE_DAY, months) + ONE_DAY


def period_end(start: date, months: int) -> date:
    """The last day of a period of `months` months starting on `start`."""
    return add_months(start - ONE_DAY, months)


def months_elapsed(start: date, day: date) -> int:
    """The number of whole months from `start` to `day`: the largest k with boundary(start, k) <= day."""
    if day < start:
        return -1
    k = max((day.year - start.year) * 12 + day.month - start.month - 1, 0)
    # boundary() is within a day of plain month arithmetic, so at most two steps either way.
    while boundary(start, k + 1) <= day:
        k += 1
    while k > 0 and boundary(start, k) > day:
        k -= 1
    return k


def cut(start: date, unit_months: int, unit: int, parts: int) -> list[tuple[date, date]]:
    """Unit number `unit` (of `unit_months` months from `start`) cut into `parts` windows (first, last day).

    When the parts are whole months (12 tests a year, 4 a year...) the cuts fall on month boundaries, so a
    "monthly" window is a month; otherwise the unit's days are shared out as evenly as whole days allow.
    """
    if parts <= 0:
        return []
    first_month = unit * unit_months
    if unit_months % parts == 0:
        step = unit_months // parts
        edges = [boundary(start, first_month + j * step) for j in range(parts + 1)]
    else:
        begin = boundary(start, first_month)
        length = (boundary(start, first_month + unit_months) - begin).days
        edges = [begin + timedelta(days=(j * length) // parts) for j in range(parts + 1)]
    return [(edges[j], edges[j + 1] - ONE_DAY) for j in range(parts) if edges[j + 1] > edges[j]]
