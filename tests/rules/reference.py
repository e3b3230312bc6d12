"""The rules' straightforward forms, kept to check the fast paths against (tests/rules/test_fast_paths.py).

Each is the plain reading of the rule: every window laid out from the measure's start, every fact looked
at, nothing shared between people. Slow, and meant to stay obviously right.
"""

from __future__ import annotations

from datetime import date, timedelta

from app.rules.periods import boundary, cut
from app.rules.risk import RiskResult
from app.rules.schedule import ScheduleKind, Window
from app.rules.timeline import TAKEN, Timeline, leave_last_day
from models.enums import SampleType


def on_leave_every_day(tl: Timeline, first: date, last: date) -> bool:
    """Every day of [first, last] inside some approved leave (up to its last day away)."""
    day = first
    while day <= last:
        if not any(leave.starts_on <= day <= leave_last_day(leave) for leave in tl.person.leaves):
            return False
        day += timedelta(days=1)
    return True


def meeting_days(tl: Timeline, kind: ScheduleKind, risk: RiskResult) -> list[date]:
    policy = tl.policy
    if kind is ScheduleKind.TEST:
        samples = policy.tests.window_samples
        return sorted(t.on for t in tl.person.tests if t.result in TAKEN and t.sample in samples)
    if kind is ScheduleKind.HAIR:
        return sorted(t.on for t in tl.person.tests if t.result in TAKEN and t.sample is SampleType.HAIR)
    kinds = policy.colours[risk.colour].visit_kinds
    return sorted(v.on for v in tl.person.visits if v.kind in kinds)


def windows_today(tl: Timeline, kind: ScheduleKind, risk: RiskResult) -> list[Window]:
    """schedule.windows_today() as first written: every unit of the measure from its start, each window
    kept if it has opened by today and is not yet past the days an unmet window stays listed."""
    clock = tl.clock
    if clock is None:
        return []
    policy, today = tl.policy, tl.today
    visible = timedelta(days=policy.tasks.missed_visible_days)
    since = None
    if kind is ScheduleKind.VISIT:
        colour = policy.colours[risk.colour]
        unit_months, per_unit, since = colour.visit_period_months, (colour.visits,), risk.since
    else:
        rules = policy.measures[clock.measure.kind]
        per_unit = rules.tests_per_year if kind is ScheduleKind.TEST else rules.hair_tests_per_year
        unit_months = 12
    days = meeting_days(tl, kind, risk)
    found: list[Window] = []
    unit = 0
    while boundary(clock.start, unit * unit_months) <= clock.nominal_end:
        parts = per_unit[min(unit + 1, len(per_unit)) - 1] if per_unit else 0
        for index, (first, last) in enumerate(cut(clock.start, unit_months, unit, parts)):
            if first > clock.nominal_end:
                return found
            opens = clock.real(first)
            due = min(clock.real(min(last, clock.nominal_end)), clock.last_day)
            if opens > clock.last_day or opens > today:
                return found
            if (since is not None and due < since) or due + visible < today:
                continue
            met_on = min((day for day in days if opens <= day <= due), default=None)
            excused = met_on is None and policy.leave.excuses_windows and on_leave_every_day(tl, opens, due)
            found.append(
                Window(kind, clock.measure.id, unit, index, parts, opens, due, due + visible, met_on, excused)
            )
        unit += 1
    return found
