"""What the indicators read: each person's rule facts plus the few plain facts the rules do not carry.

Like app.rules.facts these are plain values (ids, dates, enums): no names, nothing to decrypt, no store.
`load.py` fills them from a store; tests may build them by hand. The helpers here answer "what was true
on a given day": the status, the office holding the record, and the facts as they stood then.
"""

from __future__ import annotations

import dataclasses
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property
from operator import attrgetter
from uuid import UUID

from app.indicators.period import ONE_DAY, Scope
from app.rules.facts import MeasureFacts, PersonFacts, RecordId, StatusEvent
from app.rules.lifecycle import sorted_events
from app.rules.policy import Policy
from models.enums import AssistanceKind, AssistanceOutcome, PersonStatus, TestResult

S = PersonStatus
_ON = attrgetter("on")
# Under a community measure for the lost-from-supervision rate and the consolidation rate: the measure
# runs for a person on leave or lost too (the clock does not stop); a suspension stops it.
SUPERVISED = frozenset({S.IN_TREATMENT, S.IN_REHAB, S.ON_LEAVE, S.LOST})


@dataclass(frozen=True, slots=True)
class AssistanceFact:
    id: RecordId
    on: date
    kind: AssistanceKind
    outcome: AssistanceOutcome = AssistanceOutcome.PENDING
    amount: Decimal | None = None
    provider: str = ""  # identifies a training session with its date; never shown in figures


@dataclass(frozen=True)
class PersonRecord:
    """One person as the indicators see them."""

    facts: PersonFacts
    office_code: str  # the office holding the record now
    record_no: str = ""
    first_found_on: date | None = None
    worker_id: UUID | None = None
    registered_on: date | None = None  # the day the record was created
    # Status events that name the office holding the record after them (transfers), as (day, office).
    offices: tuple[tuple[date, str], ...] = ()
    assistance: tuple[AssistanceFact, ...] = ()

    @property
    def id(self) -> UUID:
        return self.facts.person_id

    @cached_property
    def _events(self) -> list[StatusEvent]:
        return sorted_events(self.facts.status_events)

    @cached_property
    def _event_days(self) -> list[date]:
        return [e.on for e in self._events]

    @cached_property
    def _office_days(self) -> tuple[list[date], list[str]]:
        ordered = sorted(self.offices)
        return [d for d, _ in ordered], [c for _, c in ordered]

    def status_on(self, day: date) -> PersonStatus:
        """The status at the end of `day`: the last event on or before it, else the status before the first."""
        events = self._events
        if not events:
            return self.facts.status
        i = bisect_right(self._event_days, day)
        return events[i - 1].to_status if i else events[0].from_status

    def office_on(self, day: date) -> str:
        """The office holding the record at the end of `day`."""
        days, codes = self._office_days
        if not days:
            return self.office_code
        i = bisect_right(days, day)
        return codes[i - 1] if i else codes[0]

    def held(self, scope: Scope, day: date) -> bool:
        """Whether an office in `scope` supervised the person on `day`: the record is there and the person
        has not moved away (a transferred-out person belongs to no office until they arrive at the next)."""
        if not self.offices and not self._ever_moved_away:  # most people: one office, never away
            return scope.contains(self.office_code)
        return scope.contains(self.office_on(day)) and self.status_on(day) is not S.TRANSFERRED_OUT

    @cached_property
    def _ever_moved_away(self) -> bool:
        """Whether status_on() can be TRANSFERRED_OUT on any day: a status the record names at all."""
        f = self.facts
        return f.status is S.TRANSFERRED_OUT or any(
            e.from_status is S.TRANSFERRED_OUT or e.to_status is S.TRANSFERRED_OUT for e in f.status_events
        )

    @cached_property
    def known_since(self) -> date | None:
        """The first day the record speaks of: its registration, or an earlier order, event or finding."""
        days = [d for d in (self.registered_on, self.first_found_on) if d is not None]
        days += [m.ordered_on for m in self.facts.measures]
        days += self._event_days[:1]
        return min(days, default=None)

    def states_on(self, days: Sequence[date]) -> list[tuple[PersonStatus, str]]:
        """(status_on(day), office_on(day)) for each of `days`, which must be in ascending order: one walk
        along the person's events instead of two binary searches a day (the charts ask for 12 month ends)."""
        events, event_days = self._events, self._event_days
        office_days, codes = self._office_days
        n_events, n_offices = len(event_days), len(office_days)
        i = bisect_right(event_days, days[0]) if days else 0
        j = bisect_right(office_days, days[0]) if days else 0
        out = []
        for day in days:
            while i < n_events and event_days[i] <= day:  # i = bisect_right(event_days, day)
                i += 1
            while j < n_offices and office_days[j] <= day:
                j += 1
            if n_events:
                status = events[i - 1].to_status if i else events[0].from_status
            else:
                status = self.facts.status
            office = (codes[j - 1] if j else codes[0]) if n_offices else self.office_code
            out.append((status, office))
            if i == n_events and j == n_offices:  # nothing changes after this day: the rest are the same
                out += [out[-1]] * (len(days) - len(out))
                break
        return out

    def held_days(self, scope: Scope, first: date, last: date) -> HeldDays:
        """The days of [first, last] on which held(scope, day) is true, to test many days cheaply."""
        if not self.offices and not self._ever_moved_away:
            # Most people: one office, never moved away; their status changes do not matter here.
            inside = scope.contains(self.office_code) and first <= last
            return HeldDays(first, last, [(first, last)] if inside else [])
        spans: list[tuple[date, date]] = []
        for start, end, status, office in self.segments(first, last):
            if scope.contains(office) and status is not S.TRANSFERRED_OUT:
                if spans and spans[-1][1] + ONE_DAY == start:
                    spans[-1] = (spans[-1][0], end)
                else:
                    spans.append((start, end))
        return HeldDays(first, last, spans)

    def segments(self, first: date, last: date) -> list[tuple[date, date, PersonStatus, str]]:
        """[first, last] cut where the status or the office changes: (from, to, status, office)."""
        if last < first:
            return []
        event_days, office_days = self._event_days, self._office_days[0]
        if bisect_right(event_days, first) == bisect_right(event_days, last) and bisect_right(
            office_days, first
        ) == bisect_right(office_days, last):  # no change within: most people, most periods
            return [(first, last, self.status_on(first), self.office_on(first))]
        changes = {d for d in event_days if first < d <= last}
        changes |= {d for d in office_days if first < d <= last}
        cuts = [first, *sorted(changes)]
        out = []
        for i, start in enumerate(cuts):
            end = cuts[i + 1] - ONE_DAY if i + 1 < len(cuts) else last
            out.append((start, end, self.status_on(start), self.office_on(start)))
        return out

    @cached_property
    def positive_days(self) -> list[date]:
        """The days (sorted) of the person's positive tests: where a relapse can be."""
        return sorted(t.on for t in self.facts.tests if t.result is TestResult.POSITIVE)

    @cached_property
    def _last_dated(self) -> date | None:
        """The latest date facts_as_of() compares: as of that day or later it leaves every fact as it is."""
        f = self.facts
        days = [m.ordered_on for m in f.measures]
        days += [m.reported_on for m in f.measures if m.reported_on is not None]
        days += self._event_days[-1:]
        # Tests and visits are most of a person's facts: max() over map() keeps the loop in C.
        days += [max(map(_ON, f.tests))] if f.tests else []
        days += [max(map(_ON, f.visits))] if f.visits else []
        days += [leave.starts_on for leave in f.leaves]
        days += [leave.returned_on for leave in f.leaves if leave.returned_on is not None]
        days += map(_ON, f.violations)
        days += [a.signed_on for a in f.agreements]
        days += [r.reported_on for r in f.police_reports]
        days += map(_ON, f.risk_flags)
        days += [x.on for x in (f.risk_assessment, f.risk_override) if x is not None]
        return max(days, default=None)

    def as_of(self, day: date) -> PersonFacts:
        """The facts as they stood at the end of `day` (facts_as_of). Most people have nothing dated after
        the day asked for (the current month's figures): their facts are then used as they are, not copied."""
        status = self.status_on(day)
        last = self._last_dated
        if last is None or last <= day:
            return (
                self.facts if self.facts.status is status else dataclasses.replace(self.facts, status=status)
            )
        return facts_as_of(self.facts, day, status)


@dataclass(frozen=True, slots=True)
class HeldDays:
    """The days of [first, last] on which an office in a scope held a person, as spans (first, last day)."""

    first: date
    last: date
    spans: list[tuple[date, date]]

    @property
    def throughout(self) -> bool:
        return self.spans == [(self.first, self.last)]

    def __contains__(self, day: date) -> bool:
        spans = self.spans
        i = bisect_right(spans, (day, date.max)) - 1
        return i >= 0 and spans[i][0] <= day <= spans[i][1]


@dataclass(frozen=True)
class Dataset:
    """Everybody the indicators may count, the rules policy, and the day the figures are worked out."""

    people: tuple[PersonRecord, ...]
    policy: Policy
    today: date
    workers: dict[UUID, str] = field(default_factory=dict)  # user id → display name or login
    offices: dict[str, str] = field(default_factory=dict)  # office code → name
    assistance_since: date | None = None  # assistance before this day was not read (load_dataset)
    # Work that several figures and series share (who is in scope, states(), a day's consolidation
    # rate), kept as long as the dataset: one computation of the indicators, or of a report.
    shared: dict[object, object] = field(default_factory=dict, init=False, repr=False, compare=False)

    def in_scope(self, scope: Scope) -> list[PersonRecord]:
        """Everyone whose record is, or ever was, held by an office in `scope`."""
        key = ("in scope", scope)
        found = self.shared.get(key)
        if found is None:
            found = self.shared[key] = [
                p
                for p in self.people
                if scope.contains(p.office_code) or any(scope.contains(code) for _, code in p.offices)
            ]
        return list(found)  # type: ignore[call-overload]

    def states(self, scope: Scope, days: Iterable[date]) -> DayStates:
        """The status and office of everyone in `scope` at the end of each of `days`."""
        ordered = tuple(sorted(set(days)))
        key = ("states", scope, ordered)
        found = self.shared.get(key)
        if found is None:
            found = self.shared[key] = DayStates(
                ordered, {p.id: p.states_on(ordered) for p in self.in_scope(scope)}
            )
        return found  # type: ignore[return-value]


@dataclass(frozen=True)
class DayStates:
    """(status, office) of each person at the end of each of `days` (ascending): PersonRecord.states_on()."""

    days: tuple[date, ...]
    of: dict[UUID, list[tuple[PersonStatus, str]]]


def facts_as_of(facts: PersonFacts, day: date, status: PersonStatus) -> PersonFacts:
    """The person's facts as they stood at the end of `day`: everything dated later left out.

    A fact recorded late with its true, earlier date counts (like the rules, the date is what happened).
    """

    def measure(m: MeasureFacts) -> MeasureFacts:
        return (
            m if m.reported_on is None or m.reported_on <= day else dataclasses.replace(m, reported_on=None)
        )

    return dataclasses.replace(
        facts,
        status=status,
        measures=tuple(measure(m) for m in facts.measures if m.ordered_on <= day),
        status_events=tuple(e for e in facts.status_events if e.on <= day),
        tests=tuple(t for t in facts.tests if t.on <= day),
        visits=tuple(v for v in facts.visits if v.on <= day),
        leaves=tuple(
            leave
            if leave.returned_on is None or leave.returned_on <= day
            else dataclasses.replace(leave, returned_on=None)
            for leave in facts.leaves
            if leave.starts_on <= day
        ),
        violations=tuple(v for v in facts.violations if v.on <= day),
        agreements=tuple(a for a in facts.agreements if a.signed_on <= day),
        police_reports=tuple(r for r in facts.police_reports if r.reported_on <= day),
        risk_flags=tuple(f for f in facts.risk_flags if f.on <= day),
        risk_assessment=facts.risk_assessment
        if facts.risk_assessment is None or facts.risk_assessment.on <= day
        else None,
        risk_override=facts.risk_override
        if facts.risk_override is None or facts.risk_override.on <= day
        else None,
    )
