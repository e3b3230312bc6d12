"""One person's facts sorted and indexed once, so every rule after it is linear or a binary search.

The caseload screen runs every rule for thousands of people, so nothing here scans the facts twice: each
index is built on first use (one sort) and shared by the rules that need it.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any, TypeVar

from app.rules.facts import LeaveFact, MeasureFacts, PersonFacts, StatusEvent, TestFact
from app.rules.lifecycle import MeasureClock, clocks_for, current_clock, sorted_events
from app.rules.periods import ONE_DAY
from app.rules.policy import Policy
from models.enums import SampleType, TestResult, VisitKind

# A test taken meets a window whatever it found; a refusal or an invalid test does not.
TAKEN = frozenset({TestResult.NEGATIVE, TestResult.POSITIVE})
T = TypeVar("T")


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
        self.measures: list[MeasureFacts] = sorted(person.measures, key=lambda m: (m.ordered_on, m.id))
        self.clocks: list[MeasureClock] = clocks_for(self.measures, self.events, policy, today)
        self.clock = current_clock(self.clocks, today)
        self._memo: dict[str, Any] = {}

    def once(self, name: str, compute: Callable[[Timeline], T]) -> T:
        """`compute(self)`, worked out on first use and shared by every rule that asks for `name`."""
        if name not in self._memo:
            self._memo[name] = compute(self)
        return self._memo[name]

    @cached_property
    def _tests(self) -> _TestIndex:
        """One pass over the tests for everything the rules ask of them."""
        samples = self.policy.tests.window_samples
        index = _TestIndex([], [], [], [], None)
        today = self.today
        for t in self.person.tests:
            result = t.result
            if result is TestResult.NEGATIVE or result is TestResult.POSITIVE:
                if t.sample in samples:
                    index.window_days.append(t.on)
                if t.sample is SampleType.HAIR:
                    index.hair_days.append(t.on)
                if result is TestResult.POSITIVE:
                    index.positive.append(t)
            elif result is TestResult.REFUSED:
                index.refused.append(t)
            if t.on <= today and (index.last_on is None or t.on > index.last_on):
                index.last_on = t.on
        index.window_days.sort()
        index.hair_days.sort()
        return index

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

    @cached_property
    def _visits(self) -> tuple[dict[VisitKind, list[date]], date | None]:
        by_kind: dict[VisitKind, list[date]] = {}
        last: date | None = None
        today = self.today
        for v in self.person.visits:
            by_kind.setdefault(v.kind, []).append(v.on)
            if v.on <= today and (last is None or v.on > last):
                last = v.on
        return by_kind, last

    def visit_days(self, kinds: frozenset[VisitKind]) -> list[date]:
        """Days (sorted) of visits of the given kinds."""
        by_kind = self._visits[0]
        return sorted(day for kind in kinds for day in by_kind.get(kind, ()))

    @property
    def last_visit_on(self) -> date | None:
        return self._visits[1]

    @cached_property
    def leaves(self) -> list[LeaveFact]:
        return sorted(self.person.leaves, key=lambda leave: (leave.starts_on, leave.id))

    @cached_property
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
