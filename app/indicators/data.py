"""What the indicators read: each person's rule facts plus the few plain facts the rules do not carry.

Like app.rules.facts these are plain values (ids, dates, enums): no names, nothing to decrypt, no store.
`load.py` fills them from a store; tests may build them by hand. The helpers here answer "what was true
on a given day": the status, the office holding the record, and the facts as they stood then.
"""

from __future__ import annotations

import dataclasses
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property
from uuid import UUID

from app.indicators.period import ONE_DAY, Scope
from app.rules.facts import MeasureFacts, PersonFacts, RecordId, StatusEvent
from app.rules.lifecycle import sorted_events
from app.rules.policy import Policy
from models.enums import AssistanceKind, AssistanceOutcome, PersonStatus

S = PersonStatus
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
        return scope.contains(self.office_on(day)) and self.status_on(day) is not S.TRANSFERRED_OUT

    @cached_property
    def known_since(self) -> date | None:
        """The first day the record speaks of: its registration, or an earlier order, event or finding."""
        days = [d for d in (self.registered_on, self.first_found_on) if d is not None]
        days += [m.ordered_on for m in self.facts.measures]
        days += self._event_days[:1]
        return min(days, default=None)

    def segments(self, first: date, last: date) -> list[tuple[date, date, PersonStatus, str]]:
        """[first, last] cut where the status or the office changes: (from, to, status, office)."""
        if last < first:
            return []
        changes = {d for d in self._event_days if first < d <= last}
        changes |= {d for d in self._office_days[0] if first < d <= last}
        cuts = [first, *sorted(changes)]
        out = []
        for i, start in enumerate(cuts):
            end = cuts[i + 1] - ONE_DAY if i + 1 < len(cuts) else last
            out.append((start, end, self.status_on(start), self.office_on(start)))
        return out

    def as_of(self, day: date) -> PersonFacts:
        return facts_as_of(self.facts, day, self.status_on(day))


@dataclass(frozen=True)
class Dataset:
    """Everybody the indicators may count, the rules policy, and the day the figures are worked out."""

    people: tuple[PersonRecord, ...]
    policy: Policy
    today: date
    workers: dict[UUID, str] = field(default_factory=dict)  # user id → display name or login
    offices: dict[str, str] = field(default_factory=dict)  # office code → name

    def in_scope(self, scope: Scope) -> list[PersonRecord]:
        """Everyone whose record is, or ever was, held by an office in `scope`."""
        return [
            p
            for p in self.people
            if scope.contains(p.office_code) or any(scope.contains(code) for _, code in p.offices)
        ]


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
