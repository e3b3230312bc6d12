"""Leave (请假): the limits of the policy, for a new request and over the leaves taken."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from app.rules.facts import LeaveFact, PersonFacts
from app.rules.lifecycle import MeasureClock
from app.rules.periods import months_elapsed
from app.rules.policy import Policy
from app.rules.timeline import Timeline
from models.enums import PersonStatus
from models.text import Message, Text

LEAVE_ENDS_BEFORE = Text(
    "请假结束日期 {ends} 早于开始日期 {starts}。", "The leave ends ({ends}) before it starts ({starts})."
)
LEAVE_NOT_NEEDED = Text(
    "离开不足 {days} 天，无需请假。", "An absence of less than {days} days needs no leave request."
)
LEAVE_TOO_LONG = Text(
    "请假 {days} 天，超过单次上限 {max} 天。",
    "A leave of {days} days is longer than the limit of {max} days.",
)
LEAVE_YEAR_TOTAL = Text(
    "措施第 {year} 年累计请假将达 {days} 天，超过上限 {max} 天。",
    "Leave in measure year {year} would total {days} days, more than the limit of {max}.",
)
LEAVE_OVERLAPS = Text(
    "与已批准的请假（{starts} 至 {ends}）时间重叠。", "It overlaps an approved leave ({starts} to {ends})."
)
LEAVE_NOT_UNDER_MEASURE = Text(
    "人员状态为“{status}”，不在社区戒毒或社区康复中，无法请假。",
    "Status “{status}”: only a person in community treatment or rehabilitation takes leave.",
)


def leave_days(leave: LeaveFact) -> int:
    """Days of the approved leave, both ends included."""
    return (leave.ends_on - leave.starts_on).days + 1


def measure_year(clock: MeasureClock, day: date) -> int:
    """The 1-based measure year `day` falls in (suspensions do not count)."""
    return max(months_elapsed(clock.start, clock.virtual(day)), 0) // 12 + 1


def days_by_year(tl: Timeline, clock: MeasureClock) -> dict[int, int]:
    """Leave days per measure year of `clock`; a leave counts in the year it starts."""
    totals: dict[int, int] = defaultdict(int)
    for leave in tl.leaves:
        if clock.start <= leave.starts_on <= clock.last_day:
            totals[measure_year(clock, leave.starts_on)] += leave_days(leave)
    return dict(totals)


def leave_problems(
    person: PersonFacts, starts_on: date, ends_on: date, today: date, policy: Policy
) -> list[Message]:
    """What stands against a leave request from `starts_on` to `ends_on` (empty: nothing).

    For the leave form, before it is approved; the limits are the policy's, and the worker may still
    approve with a supervisor's consent, so these are reasons to look again, not a refusal.
    """
    if ends_on < starts_on:
        return [LEAVE_ENDS_BEFORE(starts=starts_on, ends=ends_on)]
    rules = policy.leave
    tl = Timeline(person, policy, today)
    problems: list[Message] = []
    if person.status not in (PersonStatus.IN_TREATMENT, PersonStatus.IN_REHAB):
        problems.append(LEAVE_NOT_UNDER_MEASURE(status=person.status.label()))
    days = (ends_on - starts_on).days + 1
    if days < rules.notice_from_days:
        problems.append(LEAVE_NOT_NEEDED(days=rules.notice_from_days))
    if days > rules.max_days:
        problems.append(LEAVE_TOO_LONG(days=days, max=rules.max_days))
    for leave in tl.leaves:
        if leave.starts_on <= ends_on and starts_on <= leave.ends_on:
            problems.append(LEAVE_OVERLAPS(starts=leave.starts_on, ends=leave.ends_on))
    clock = tl.clock
    if clock is not None:
        year = measure_year(clock, starts_on)
        total = days_by_year(tl, clock).get(year, 0) + days
        if total > rules.max_days_per_year:
            problems.append(LEAVE_YEAR_TOTAL(year=year, days=total, max=rules.max_days_per_year))
    return problems
