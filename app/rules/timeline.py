"""One person's facts sorted and indexed once, so every rule after it is linear or a binary search.

The caseload screen runs every rule for thousands of people, so nothing here scans the facts twice: each
index is built on first use (one sort) and shared by the rules that need it.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from operator import attrgetter
from typing import Any, Generic, TypeVar

from app.rules.facts import LeaveFact, MeasureFacts, PersonFacts, StatusEvent, TestFact, VisitFact
from app.rules.lifecycle import ORDERED_ID, MeasureClock, clocks_for, current_clock, sorted_events
from app.rules.periods import ONE_DAY
from app.rules.policy import Policy
from models.enums import SampleType, TestResult, VisitKind

# A test taken meets a window whatever it found; a refusal or an invalid test does not.
TAKEN = frozenset({TestResult.NEGATIVE, TestResult.POSITIVE})
_NEGATIVE, _POSITIVE, _REFUSED = TestResult.NEGATIVE, TestResult.POSITIVE, TestResult.REFUSED
_HAIR = SampleType.HAIR
_EVERY_VISIT_KIND = frozenset(VisitKind)
_ON = attrgetter("on")
_STARTS_ID = attrgetter("starts_on", "id")
T = TypeVar("T")


class _computed_once(Generic[T]):
    """functools.cached_property without its lock: Python 3.11 takes one on each first use, which a
    caseload pays tens of thousands of times, and a Timeline is only ever used by one thread."""

    def __init__(self, compute: Callable[[Timeline], T]) -> None:
        self.compute = compute
        self.name = compute.__name__

    def __get__(self, timeline: Timeline, owner: type | None = None) -> T:
        # Stored under its own name: the instance's attribute is found before this descriptor from then on.
        value = timeline.__dict__[self.name] = self.compute(timeline)
        return value


@dataclass(slots=True)
class _TestIndex:
    window_days: list[date]
    hair_days: list[date]
    positive: list[TestFact]
    refused: list[TestFact]
    last_on: date | None


class Timeline:
    def __init__(self, person: PersonFacts, policy: Policy, today: date) -> None:
        self.person = person
        self.policy = policy
        self.today = today
        self.events: list[StatusEvent] = sorted_events(person.status_events)
        self.measures: list[MeasureFacts] = sorted(person.measures, key=ORDERED_ID)
        self.clocks: list[MeasureClock] = clocks_for(self.measures, self.events, policy, today)
        self.clock = current_clock(self.clocks, today)
        self._memo: dict[str | frozenset[VisitKind], Any] = {}  # once()'s names, visit_days' kinds

    def once(self, name: str, compute: Callable[[Timeline], T]) -> T:
        """`compute(self)`, worked out on first use and shared by every rule that asks for `name`."""
        if name not in self._memo:
            self._memo[name] = compute(self)
        return self._memo[name]

    @_computed_once
    def _tests(self) -> _TestIndex:
        """One pass over the tests for everything the rules ask of them.

        The hottest loop of a caseload (a county's half a million tests): the enum members are module
        constants (a member looked up on its class costs more than the test itself) and the last day
        comes from one max() over all days, checked against today only when a test lies after it.
        """
        samples = self.policy.tests.window_samples
        window_days: list[date] = []
        hair_days: list[date] = []
        positive: list[TestFact] = []
        refused: list[TestFact] = []
        tests = self.person.tests
        for t in tests:
            result = t.result
            if result is _NEGATIVE or result is _POSITIVE:
                sample = t.sample
                if sample in samples:
                    window_days.append(t.on)
                if sample is _HAIR:
                    hair_days.append(t.on)
                if result is _POSITIVE:
                    positive.append(t)
            elif result is _REFUSED:
                refused.append(t)
        window_days.sort()
        hair_days.sort()
        return _TestIndex(window_days, hair_days, positive, refused, _last_until(tests, self.today))

    @property
    def window_test_days(self) -> list[date]:
        """Days (sorted) of tests that meet a scheduled test window."""
        return self._tests.window_days

    @property
    def hair_test_days(self) -> list[date]:
        return self._tests.hair_days

    @property
    def positive_tests(self) -> list[TestFact]:
        return self._tests.positive

    @property
    def refused_tests(self) -> list[TestFact]:
        return self._tests.refused

    @property
    def last_test_on(self) -> date | None:
        """The last test of any result up to today: a refusal is contact too, the person was there."""
        return self._tests.last_on

    def visit_days(self, kinds: frozenset[VisitKind]) -> list[date]:
        """Days (sorted) of visits of the given kinds."""
        found = self._memo.get(kinds)
        if found is None:
            found = self._memo[kinds] = sorted([v.on for v in self.person.visits if v.kind in kinds])
        return found

    @_computed_once
    def last_visit_on(self) -> date | None:
        every_kind = self._memo.get(_EVERY_VISIT_KIND)
        if every_kind is not None:  # the colour counts every kind: all the days are sorted already
            return last_before(every_kind, self.today)
        return _last_until(self.person.visits, self.today)

    @_computed_once
    def leaves(self) -> list[LeaveFact]:
        return sorted(self.person.leaves, key=_STARTS_ID)

    @_computed_once
    def leave_cover(self) -> tuple[list[date], list[date]]:
        """The days away on approved leave, merged: parallel lists of first and last days."""
        firsts: list[date] = []
        lasts: list[date] = []
        for leave in self.leaves:
            last = leave_last_day(leave)
            if last < leave.starts_on:
                continue
            if lasts and leave.starts_on <= lasts[-1] + ONE_DAY:
                lasts[-1] = max(lasts[-1], last)
            else:
                firsts.append(leave.starts_on)
                lasts.append(last)
        return firsts, lasts

    def on_leave_throughout(self, first: date, last: date) -> bool:
        firsts, lasts = self.leave_cover
        i = bisect_right(firsts, first) - 1
        return i >= 0 and lasts[i] >= last

    def on_leave(self, day: date) -> bool:
        return self.on_leave_throughout(day, day)


def _last_until(facts: tuple[TestFact, ...] | tuple[VisitFact, ...], today: date) -> date | None:
    """The latest day of these facts up to `today` (facts are seldom dated ahead: one max() is enough)."""
    last = max(map(_ON, facts), default=None)
    if last is not None and last > today:
        last = max((day for day in map(_ON, facts) if day <= today), default=None)
    return last


def leave_last_day(leave: LeaveFact) -> date:
    """The last day away with permission: the leave's end, or the day before an early return."""
    if leave.returned_on is not None and leave.returned_on <= leave.ends_on:
        return leave.returned_on - ONE_DAY
    return leave.ends_on


def first_between(days: list[date], first: date, last: date) -> date | None:
    """The earliest of sorted `days` within [first, last]."""
    i = bisect_left(days, first)
    return days[i] if i < len(days) and days[i] <= last else None


def last_before(days: list[date], day: date) -> date | None:
    """The latest of sorted `days` on or before `day`."""
    i = bisect_right(days, day)
    return days[i - 1] if i else None
