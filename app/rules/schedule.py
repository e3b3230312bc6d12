"""Test and visit windows: which are met, due and overdue, and when the next one falls due.

Each measure year is cut into the policy's number of test windows, counted from the report date in the
measure's own time (so a suspension stretches the window it falls in and pushes the rest back). Visit
windows cut each visit period (months of the measure) the same way, by the risk colour in force. A window
is met by one qualifying fact inside it, even one recorded later with its true, earlier date.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, timedelta
from operator import itemgetter
from typing import Any
from uuid import UUID

from app.rules.catalogue import HAIR_WINDOW, TEST_WINDOW, VISIT_WINDOW
from app.rules.facts import PersonFacts, RecordId
from app.rules.lifecycle import MeasureClock
from app.rules.periods import cut, months_elapsed
from app.rules.policy import ColourRules, Policy
from app.rules.risk import RiskResult, assess
from app.rules.timeline import Timeline, first_between, last_before
from models.enums import LabelledEnum


class ScheduleKind(LabelledEnum):
    TEST = ("test", "检测", "test")
    HAIR = ("hair", "毛发检测", "hair test")
    VISIT = ("visit", "走访谈话", "visit")


_TEST, _HAIR = ScheduleKind.TEST, ScheduleKind.HAIR
RULES = {ScheduleKind.TEST: TEST_WINDOW, ScheduleKind.HAIR: HAIR_WINDOW, ScheduleKind.VISIT: VISIT_WINDOW}


class WindowState(LabelledEnum):
    UPCOMING = ("upcoming", "未开始", "upcoming")
    OPEN = ("open", "进行中", "open")
    MET = ("met", "已完成", "met")
    EXCUSED = ("excused", "请假免除", "excused (on leave)")
    OVERDUE = ("overdue", "已逾期", "overdue")
    MISSED = ("missed", "未完成", "missed")


@dataclass(frozen=True, slots=True)
class Window:
    kind: ScheduleKind
    measure_id: UUID
    unit: int  # 0-based: the measure year (tests) or the visit period
    index: int  # 0-based within the unit
    of: int  # windows in the unit
    opens: date  # first day
    due: date  # last day
    closes: date  # the last day an unmet window stays on the task list
    met_on: date | None
    excused: bool  # wholly inside approved leave, so not due

    @property
    def rule(self) -> str:
        return RULES[self.kind]

    @property
    def key(self) -> str:
        """Stable across suspensions and re-runs: the window's place in the measure, not its dates."""
        return f"{self.rule}:{self.measure_id}:{self.unit}:{self.index}"

    @property
    def settled(self) -> bool:
        return self.met_on is not None or self.excused

    def overdue(self, today: date) -> bool:
        return not self.settled and today > self.due

    def state(self, today: date) -> WindowState:
        if self.met_on is not None:
            return WindowState.MET
        if self.excused:
            return WindowState.EXCUSED
        if today < self.opens:
            return WindowState.UPCOMING
        if today <= self.due:
            return WindowState.OPEN
        return WindowState.OVERDUE if today <= self.closes else WindowState.MISSED


@dataclass(frozen=True, slots=True)
class _Plan:
    """How one kind of window is laid over a measure."""

    kind: ScheduleKind
    unit_months: int
    per_unit: tuple[int, ...]  # windows in each unit (measure year or visit period); past the end, the last
    colour: ColourRules | None = None  # visits only
    since: date | None = None  # visits only: windows ending before the colour took effect are not due

    def parts(self, unit: int) -> int:
        per_unit = self.per_unit
        return per_unit[min(unit + 1, len(per_unit)) - 1] if per_unit else 0

    def days(self, tl: Timeline) -> list[date]:
        """Sorted days of the facts that meet a window."""
        if self.kind is _TEST:
            return tl.window_test_days
        if self.kind is _HAIR:
            return tl.hair_test_days
        assert self.colour is not None
        return tl.visit_days(self.colour.visit_kinds)


def _plan(tl: Timeline, clock: MeasureClock, kind: ScheduleKind, risk: RiskResult | None) -> _Plan:
    if kind is _TEST:
        return _Plan(kind, 12, tl.policy.measures[clock.measure.kind].tests_per_year)
    if kind is _HAIR:
        return _Plan(kind, 12, tl.policy.measures[clock.measure.kind].hair_tests_per_year)
    risk = risk or assess(tl)
    colour = tl.policy.colours[risk.colour]
    return _Plan(kind, colour.visit_period_months, (colour.visits,), colour, risk.since)


def _unit_of(clock: MeasureClock, day: date, unit_months: int) -> int:
    return max(months_elapsed(clock.start, clock.virtual(day)), 0) // unit_months


# A window's place and days before the person's facts are looked at: (unit, index, of, opens, due).
_Slot = tuple[int, int, int, date, date]
_LAST = itemgetter(1)  # of a (first, last) window


def _slots(
    clock: MeasureClock,
    plan: _Plan,
    visible: timedelta,
    first_unit: int,
    last_unit: int,
    closing_from: date | None,
    opening_by: date | None,
    *,
    capped: bool = False,
    ending_from: date | None = None,
) -> Iterator[_Slot]:
    """The windows of units first_unit..last_unit; only those still open on `closing_from` and opened by
    `opening_by` when given (the caseload screen needs a handful, not the whole term). They depend on
    the measure's dates and the plan's numbers only, never on the person's facts.

    `capped`: the caller knows last_unit is not past the unit of the measure's end. `ending_from`: a day
    in measure time, virtual(d) for a calendar day d on or before closing_from - visible; the windows
    ending before it are passed over unseen (a binary search, not a walk through a year of monthly
    windows), which changes nothing: such a window is due before d (a measure-time day before virtual(d)
    maps before d), so closing_from would skip it; and a window before it that would have ended the
    search (opening too late) means the first one looked at ends it too, as windows only move forward.
    """
    if not capped and not clock.provisional:
        last_unit = min(last_unit, _unit_of(clock, clock.end, plan.unit_months))
    for unit in range(max(first_unit, 0), last_unit + 1):
        parts = plan.parts(unit)
        windows = cut(clock.start, plan.unit_months, unit, parts)
        begin = 0 if ending_from is None else bisect_left(windows, ending_from, key=_LAST)
        for index in range(begin, len(windows)):
            first, last = windows[index]
            if first > clock.nominal_end:
                return
            opens, due = clock.real(first), clock.real(min(last, clock.nominal_end))
            if opens > clock.last_day or (opening_by is not None and opens > opening_by):
                return
            due = min(due, clock.last_day)
            if closing_from is not None and due + visible < closing_from:
                continue
            yield unit, index, parts, opens, due


def _fill(
    tl: Timeline, clock: MeasureClock, plan: _Plan, slots: Iterable[_Slot], *, unsettled: bool = False
) -> Iterator[Window]:
    """The windows of these slots, met (or excused) by the person's facts; `unsettled`: only those
    neither met nor excused."""
    visible = timedelta(days=tl.policy.tasks.missed_visible_days)
    excuse = tl.policy.leave.excuses_windows
    since = plan.since
    days: list[date] | None = None
    for unit, index, parts, opens, due in slots:
        if since is not None and due < since:
            continue
        if days is None:
            days = plan.days(tl)
        met_on = first_between(days, opens, due)
        excused = met_on is None and excuse and tl.on_leave_throughout(opens, due)
        if unsettled and (met_on is not None or excused):
            continue
        yield Window(
            plan.kind, clock.measure.id, unit, index, parts, opens, due, due + visible, met_on, excused
        )


def _windows(
    tl: Timeline,
    clock: MeasureClock,
    plan: _Plan,
    first_unit: int,
    last_unit: int,
    *,
    closing_from: date | None = None,
    opening_by: date | None = None,
    ending_from: date | None = None,
) -> Iterator[Window]:
    """The windows of units first_unit..last_unit (see _slots), met by the person's facts."""
    visible = timedelta(days=tl.policy.tasks.missed_visible_days)
    slots = _slots(
        clock, plan, visible, first_unit, last_unit, closing_from, opening_by, ending_from=ending_from
    )
    return _fill(tl, clock, plan, slots)


@dataclass(frozen=True, slots=True)
class _Today:
    """What windows_today() works out from a measure's dates alone, whoever's measure it is."""

    ending_from: date  # the first day (measure time) an unmet window may end and still be listed today
    months: tuple[int, int]  # whole months from the start to it, and to today (or the measure's last day)
    slots: dict[tuple[int, tuple[int, ...]], tuple[_Slot, ...]]  # by the plan's unit_months and per_unit


# Shared within a caseload (see shared_slots): people reported on the same day have the same windows,
# only met by different facts. Keyed by all of a measure's dates the windows depend on, and the day.
_shared: ContextVar[dict[tuple[Any, ...], _Today] | None] = ContextVar("shared_slots", default=None)


@contextmanager
def shared_slots() -> Iterator[None]:
    """Within it (one caseload, one thread), windows_today() lays out each measure's windows once for all
    the people whose measures have the same dates, instead of once per person. Forgotten on leaving."""
    token = _shared.set({})
    try:
        yield
    finally:
        _shared.reset(token)


def _today(tl: Timeline) -> _Today:
    clock = tl.clock
    assert clock is not None
    visible_days = tl.policy.tasks.missed_visible_days
    shared = _shared.get()
    key: tuple[Any, ...] = ()
    if shared is not None:
        key = (
            *(clock.start, clock.nominal_end, clock.end, clock.closed_on, clock.provisional),
            *(clock.suspensions, clock.shifts, visible_days, tl.today),
        )
        found = shared.get(key)
        if found is not None:
            return found
    earliest = tl.today - timedelta(days=visible_days)
    ending_from = clock.virtual(max(earliest, clock.start))
    first = months_elapsed(clock.start, ending_from)
    last = months_elapsed(clock.start, clock.virtual(max(min(tl.today, clock.last_day), clock.start)))
    made = _Today(ending_from, (max(first, 0), max(last, 0)), {})
    if shared is not None:
        shared[key] = made
    return made


def _slots_today(tl: Timeline, clock: MeasureClock, plan: _Plan) -> tuple[_Slot, ...]:
    today = tl.once("windows_today", _today)
    slots = today.slots.get((plan.unit_months, plan.per_unit))
    if slots is None:
        first, last = today.months
        lo, hi = first // plan.unit_months, last // plan.unit_months
        # hi is the unit of a day no later than the measure's end, so it is capped already.
        visible = timedelta(days=tl.policy.tasks.missed_visible_days)
        slots = today.slots[plan.unit_months, plan.per_unit] = tuple(
            _slots(
                *(clock, plan, visible, lo, hi, tl.today, tl.today),
                capped=True,
                ending_from=today.ending_from,
            )
        )
    return slots


def windows_today(
    tl: Timeline, kind: ScheduleKind, risk: RiskResult | None = None, *, unsettled: bool = False
) -> list[Window]:
    """The current measure's windows that matter today: open now, or unmet and still on the list.
    `unsettled`: only those neither met nor excused (the tasks), without making the others."""
    clock = tl.clock
    if clock is None:
        return []
    plan = _plan(tl, clock, kind, risk)
    slots = _slots_today(tl, clock, plan)
    return list(_fill(tl, clock, plan, slots, unsettled=unsettled)) if slots else []


def _clock_for(tl: Timeline, measure_id: RecordId | None) -> MeasureClock | None:
    if measure_id is None:
        return tl.clock or (tl.clocks[-1] if tl.clocks else None)
    return next((c for c in tl.clocks if c.measure.id == measure_id), None)


def windows(
    person: PersonFacts,
    today: date,
    policy: Policy,
    kind: ScheduleKind = ScheduleKind.TEST,
    *,
    measure_id: RecordId | None = None,
) -> list[Window]:
    """Every window of one measure, past and future (default: the current measure, else the latest).

    For the person's schedule page and the compliance indicator (windows met ÷ windows due).
    """
    return timeline_windows(Timeline(person, policy, today), kind, measure_id=measure_id)


def timeline_windows(tl: Timeline, kind: ScheduleKind, *, measure_id: RecordId | None = None) -> list[Window]:
    """windows() over a timeline already built (the indicators ask for several kinds and measures)."""
    clock = _clock_for(tl, measure_id)
    if clock is None:
        return []
    plan = _plan(tl, clock, kind, None)
    return list(_windows(tl, clock, plan, 0, _unit_of(clock, clock.end, plan.unit_months) + 1))


def windows_due_between(
    tl: Timeline, kind: ScheduleKind, clock: MeasureClock, first: date, last: date
) -> Iterator[Window]:
    """The windows of `clock`'s measure (as timeline_windows() lists them) due within [first, last],
    without laying out the rest of a term of three years or more (the compliance indicators' period).

    Exact because a window's due day is its last measure-time day mapped to the calendar (the mapping
    only moves days forward) and capped at the measure's last day: a window due on or after `first` ends
    in the measure year of `first` or later. Windows come in order, their opening and due days never
    going backwards, so the first one opening or falling due after `last` ends the search.
    tests/indicators/test_fast_path.py checks it against timeline_windows() on a demo office.
    """
    plan = _plan(tl, clock, kind, None)
    start_unit = _unit_of(clock, first, plan.unit_months)
    end_unit = _unit_of(clock, clock.end, plan.unit_months) + 1  # timeline_windows' last unit
    # closing_from: a window due before `first` (due + the days an unmet window stays listed, before
    # first + those days) is skipped before it is tested against the facts; ending_from: those ending
    # before `first` in the measure's own time are not even looked at (see _slots).
    visible = timedelta(days=tl.policy.tasks.missed_visible_days)
    ending_from = clock.virtual(max(first, clock.start))
    for window in _windows(
        *(tl, clock, plan, start_unit, end_unit),
        closing_from=first + visible,
        opening_by=last,
        ending_from=ending_from,
    ):
        if window.due > last:
            return
        yield window


def next_due(
    person: PersonFacts, today: date, policy: Policy, kind: ScheduleKind = ScheduleKind.TEST
) -> Window | None:
    """The next window still to be met: the current one if unmet, else the first one after it."""
    tl = Timeline(person, policy, today)
    return next_window(tl, kind)


def next_window(tl: Timeline, kind: ScheduleKind, risk: RiskResult | None = None) -> Window | None:
    clock = tl.clock
    if clock is None:
        return None
    plan = _plan(tl, clock, kind, risk)
    start = _unit_of(clock, max(min(tl.today, clock.last_day), clock.start), plan.unit_months)
    last = _unit_of(clock, clock.end, plan.unit_months) + 1
    for window in _windows(tl, clock, plan, start, last):
        if window.due >= tl.today and not window.settled:
            return window
    return None


@dataclass(frozen=True, slots=True)
class IntervalDue:
    """A colour's "test every N days": counted from the last test (or the measure's start, or the colour's)."""

    measure_id: UUID
    since: date
    last_test: date | None
    due: date


def test_interval(tl: Timeline, risk: RiskResult | None = None) -> IntervalDue | None:
    clock = tl.clock
    if clock is None:
        return None
    risk = risk or assess(tl)
    every = tl.policy.colours[risk.colour].test_every_days
    if every <= 0:
        return None
    last_test = last_before(tl.window_test_days, tl.today)
    since = max(d for d in (last_test, clock.start, risk.since) if d is not None)
    return IntervalDue(clock.measure.id, since, last_test, since + timedelta(days=every))
