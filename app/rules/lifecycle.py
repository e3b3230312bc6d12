"""The person's lifecycle: the status state machine of DOMAIN.md, and each measure's clock.

A status changes only along an allowed edge, with a date, a reason and who recorded it. The measure's
clock runs from the report date; a suspension (中止: detention or arrest) stops it and the resumption
restarts it, so the days suspended are added to the end. Leave, loss of contact and a transfer do not stop
it: the term continues wherever the person is, which keeps a transferred person's history whole.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from operator import attrgetter
from types import MappingProxyType
from uuid import UUID

from app.rules.facts import MeasureFacts, PersonFacts, StatusEvent
from app.rules.periods import ONE_DAY, period_end
from app.rules.policy import Policy
from models.enums import MeasureKind, PersonStatus
from models.text import Message, Text

S = PersonStatus
NOBODY = UUID(int=0)
# Sort keys (C-level: a caseload sorts each person's events and measures).
_ON_ID = attrgetter("on", "id")
ORDERED_ID = attrgetter("ordered_on", "id")

# Where a status may go next, death aside: every status but death itself may end in death (added below).
_NEXT: dict[PersonStatus, set[PersonStatus]] = {
    S.NOT_REPORTED: {S.IN_TREATMENT, S.IN_REHAB, S.SUSPENDED, S.TERMINATED, S.IN_COMPULSORY, S.LOST,
                     S.TRANSFERRED_OUT},
    S.IN_TREATMENT: {S.ON_LEAVE, S.COMPLETED, S.SUSPENDED, S.TERMINATED, S.IN_COMPULSORY, S.LOST, S.TRANSFERRED_OUT},
    S.IN_REHAB: {S.ON_LEAVE, S.COMPLETED, S.SUSPENDED, S.TERMINATED, S.IN_COMPULSORY, S.LOST, S.TRANSFERRED_OUT},
    S.ON_LEAVE: {S.IN_TREATMENT, S.IN_REHAB, S.LOST, S.SUSPENDED, S.TERMINATED, S.IN_COMPULSORY},
    S.SUSPENDED: {S.IN_TREATMENT, S.IN_REHAB, S.NOT_REPORTED, S.TERMINATED, S.IN_COMPULSORY},
    S.LOST: {S.IN_TREATMENT, S.IN_REHAB, S.NOT_REPORTED, S.SUSPENDED, S.TERMINATED, S.IN_COMPULSORY},
    # Released from compulsory treatment: to a community rehab order (reported at once or not yet), or free.
    S.IN_COMPULSORY: {S.NOT_REPORTED, S.IN_REHAB, S.COMPLETED},
    S.COMPLETED: {S.CLEAN_THREE_YEARS, S.NOT_REPORTED, S.IN_COMPULSORY, S.TRANSFERRED_OUT},
    S.CLEAN_THREE_YEARS: {S.NOT_REPORTED, S.IN_COMPULSORY},
    # Imprisonment ends the measure; after release only a new order brings the person back.
    S.TERMINATED: {S.NOT_REPORTED, S.IN_COMPULSORY},
    # Arriving at the new office: back to what the person was before moving.
    S.TRANSFERRED_OUT: {S.IN_TREATMENT, S.IN_REHAB, S.NOT_REPORTED, S.COMPLETED, S.LOST},
}  # fmt: skip
ALLOWED: Mapping[PersonStatus, frozenset[PersonStatus]] = MappingProxyType(
    {status: frozenset(nexts | {S.DECEASED}) for status, nexts in _NEXT.items()} | {S.DECEASED: frozenset()}
)

MEASURE_STATUS: Mapping[MeasureKind, PersonStatus] = MappingProxyType(
    {MeasureKind.COMMUNITY_TREATMENT: S.IN_TREATMENT, MeasureKind.COMMUNITY_REHAB: S.IN_REHAB}
)
# Passing states: leaving one for a settled state must go back to the settled state held before.
PASSING = frozenset({S.ON_LEAVE, S.SUSPENDED, S.LOST, S.TRANSFERRED_OUT})
SETTLED = frozenset({S.NOT_REPORTED, S.IN_TREATMENT, S.IN_REHAB, S.COMPLETED})
# Events that end the measure running when they happen.
CLOSING = frozenset({S.COMPLETED, S.TERMINATED, S.IN_COMPULSORY, S.DECEASED, S.CLEAN_THREE_YEARS})

TRANSITION_NOT_ALLOWED = Text(
    "人员状态不能从“{current}”变为“{to}”。可以变为：{allowed}。",
    "The status cannot change from “{current}” to “{to}”. It can change to: {allowed}.",
)
TRANSITION_FINAL = Text(
    "“{current}”是最终状态，不能再变更。", "“{current}” is final; the status cannot change."
)
TRANSITION_SAME = Text("人员状态已是“{current}”。", "The status is already “{current}”.")
TRANSITION_NO_REASON = Text("变更人员状态须写明原因。", "A change of status needs a reason.")
TRANSITION_FUTURE = Text(
    "状态变更日期 {on} 晚于今天（{today}）。", "The date of the change, {on}, is after today ({today})."
)
TRANSITION_BEFORE_LAST = Text(
    "状态变更日期 {on} 早于上一次变更（{last}）。请按时间顺序记录。",
    "The date of the change, {on}, is before the last change ({last}). Record changes in order.",
)
TRANSITION_WRONG_RETURN = Text(
    "此人此前为“{expected}”，结束“{current}”后应恢复为“{expected}”，而不是“{to}”。",
    "The person was “{expected}” before; after “{current}” the status returns to “{expected}”, not “{to}”.",
)
TRANSITION_WRONG_MEASURE = Text(
    "此人的措施是“{measure}”，状态应为“{expected}”，而不是“{to}”。",
    "The person's measure is “{measure}”, so the status is “{expected}”, not “{to}”.",
)


class TransitionError(Exception):
    """A change of status the lifecycle does not allow. `message` says why, in both languages."""

    def __init__(self, message: Message) -> None:
        super().__init__(message.render("en"))
        self.message = message

    def __str__(self) -> str:
        return self.message.render()


def _labels(statuses: Iterable[PersonStatus]) -> Message:
    ordered = [s for s in PersonStatus if s in set(statuses)]
    return Text("、".join(s.label.zh for s in ordered), ", ".join(s.label.en for s in ordered))()


def allowed_next(current: PersonStatus) -> frozenset[PersonStatus]:
    return ALLOWED[current]


def sorted_events(events: Iterable[StatusEvent]) -> list[StatusEvent]:
    """Events in the order they happened. Same-day events keep their ids' order (UUIDv7: the recording order)."""
    return sorted(events, key=_ON_ID)


def _settled_before(history: Sequence[StatusEvent]) -> PersonStatus | None:
    for event in reversed(history):
        if event.to_status not in PASSING:
            return event.to_status
    return None


def transition(
    current: PersonStatus,
    to: PersonStatus,
    *,
    on: date,
    reason: str,
    by: UUID,
    history: Sequence[StatusEvent] = (),
    measure_kind: MeasureKind | None = None,
    today: date | None = None,
    office_code: str = "",
    event_id: UUID | None = None,
) -> StatusEvent:
    """The event moving a person from `current` to `to`, or TransitionError if the lifecycle forbids it.

    `history` (the person's earlier events, any order) lets the machine check dates and that a passing
    state (leave, suspension, lost, transferred out) returns to the status held before it. `measure_kind`,
    when given, is the measure the person is under, so reporting goes to the matching status.
    `event_id`: the store's UUIDv7; a random id when omitted (tests).
    """
    if to is current:
        raise TransitionError(TRANSITION_SAME(current=current.label()))
    if not ALLOWED[current]:
        raise TransitionError(TRANSITION_FINAL(current=current.label()))
    if to not in ALLOWED[current]:
        raise TransitionError(
            TRANSITION_NOT_ALLOWED(current=current.label(), to=to.label(), allowed=_labels(ALLOWED[current]))
        )
    if not reason.strip():
        raise TransitionError(TRANSITION_NO_REASON())
    if today is not None and on > today:
        raise TransitionError(TRANSITION_FUTURE(on=on, today=today))
    events = sorted_events(history)
    if events and on < events[-1].on:
        raise TransitionError(TRANSITION_BEFORE_LAST(on=on, last=events[-1].on))
    if (
        measure_kind is not None
        and to in (S.IN_TREATMENT, S.IN_REHAB)
        and MEASURE_STATUS.get(measure_kind) != to
    ):
        expected = MEASURE_STATUS.get(measure_kind, S.IN_COMPULSORY)
        raise TransitionError(
            TRANSITION_WRONG_MEASURE(measure=measure_kind.label(), expected=expected.label(), to=to.label())
        )
    if current in PASSING and to in SETTLED:
        before = _settled_before(events)
        if before in SETTLED and before is not to:
            raise TransitionError(
                TRANSITION_WRONG_RETURN(expected=before.label(), current=current.label(), to=to.label())
            )
    return StatusEvent(
        id=event_id or uuid.uuid4(),
        on=on,
        from_status=current,
        to_status=to,
        by=by,
        reason=reason.strip(),
        office_code=office_code,
    )


def replay(events: Iterable[StatusEvent], start: PersonStatus = S.NOT_REPORTED) -> PersonStatus:
    """Check a whole recorded history edge by edge; the status it ends in, or TransitionError at the first bad one."""
    current = start
    done: list[StatusEvent] = []
    for event in sorted_events(events):
        # Recorded events may lack the reason (facts leave it out); the edges and dates are what is checked.
        reason = event.reason or "-"
        transition(current, event.to_status, on=event.on, reason=reason, by=event.by or NOBODY, history=done)
        current = event.to_status
        done.append(event)
    return current


# --- the measure's clock ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Suspension:
    starts_on: date  # the first day the clock stood still
    resumed_on: date | None  # the first day it ran again; None: still suspended

    def days(self, today: date) -> int:
        """Days stopped; an open suspension counts up to and including `today`."""
        end = (
            self.resumed_on if self.resumed_on is not None else max(today, self.starts_on - ONE_DAY) + ONE_DAY
        )
        return (end - self.starts_on).days


@dataclass(frozen=True, slots=True)
class MeasureClock:
    """One community measure's running time. Dates in the measure's own time ("virtual") skip suspensions."""

    measure: MeasureFacts
    start: date  # the report date, day one
    nominal_end: date  # the last day without suspensions: the order's own end, or the policy term
    end: date  # the last day with suspensions added (while suspended: at least this)
    suspensions: tuple[Suspension, ...]
    closed_on: (
        date | None
    )  # the day an event ended the measure early (termination, compulsory, a new order...)
    provisional: bool  # suspended now: the end will move further
    shifts: tuple[tuple[date, int], ...]  # per suspension: its start in measure time, and its days

    @property
    def suspended_days(self) -> int:
        return sum(days for _, days in self.shifts)

    @property
    def last_day(self) -> date:
        """The last day the measure runs: its end, or the day before it was closed."""
        return self.end if self.closed_on is None else min(self.end, self.closed_on - ONE_DAY)

    def real(self, virtual: date) -> date:
        """The calendar day of a day in measure time (the day after a suspension for its pause point)."""
        day = virtual
        for starts, days in self.shifts:
            if virtual >= starts:
                day += days * ONE_DAY
        return day

    def suspended_on(self, day: date) -> bool:
        for s in self.suspensions:
            if s.starts_on <= day and (s.resumed_on is None or day < s.resumed_on):
                return True
        return False

    def running_on(self, day: date) -> bool:
        return self.start <= day <= self.last_day and not self.suspended_on(day)

    def virtual(self, day: date) -> date:
        """The measure-time day of a calendar day (a day inside a suspension maps to its pause point)."""
        back = 0
        for s, (_, days) in zip(self.suspensions, self.shifts, strict=True):
            if day < s.starts_on:
                break
            if s.resumed_on is None or day < s.resumed_on:
                return s.starts_on - back * ONE_DAY
            back += days
        return day - back * ONE_DAY


def measure_clock(
    measure: MeasureFacts,
    events: Sequence[StatusEvent],
    policy: Policy,
    today: date,
    *,
    next_ordered_on: date | None = None,
) -> MeasureClock | None:
    """The clock of a community measure, or None if it has not started (not reported) or is not community.

    `events`: the person's status events in order (sorted_events). `next_ordered_on`: the order date of the
    measure that followed this one, which ends it if nothing else did.
    """
    rules = policy.measures.get(measure.kind)
    start = measure.reported_on
    if rules is None or start is None:
        return None
    nominal_end = measure.ends_on or period_end(start, 12 * rules.term_years)
    closed_on = next_ordered_on if next_ordered_on is not None and next_ordered_on >= start else None
    for event in events:
        if event.on >= start and event.to_status in CLOSING:
            closed_on = event.on if closed_on is None else min(closed_on, event.on)
            break

    suspensions: list[Suspension] = []
    shifts: list[tuple[date, int]] = []
    end = nominal_end
    since: date | None = None
    suspended = S.SUSPENDED  # looked up once: an enum member costs a class attribute look-up each time
    for event in events:
        if event.to_status is suspended and since is None:
            since = event.on
        elif since is not None and event.to_status is not suspended:
            suspensions.append(Suspension(since, event.on))
            since = None
    if since is not None:
        suspensions.append(Suspension(since, None))
    kept: list[Suspension] = []
    for s in suspensions:
        # Only suspensions while this measure ran stop its clock; ones after its (growing) end do not exist.
        if s.starts_on < start or s.starts_on > end or (closed_on is not None and s.starts_on >= closed_on):
            continue
        days = s.days(today)
        shifts.append((s.starts_on - sum(d for _, d in shifts) * ONE_DAY, days))
        end += days * ONE_DAY
        kept.append(s)
    provisional = bool(kept) and kept[-1].resumed_on is None
    return MeasureClock(measure, start, nominal_end, end, tuple(kept), closed_on, provisional, tuple(shifts))


def measure_clocks(person: PersonFacts, policy: Policy, today: date) -> list[MeasureClock]:
    """The clocks of the person's community measures, in order; each ends where the next order begins."""
    measures = sorted(person.measures, key=ORDERED_ID)
    return clocks_for(measures, sorted_events(person.status_events), policy, today)


def clocks_for(
    measures: Sequence[MeasureFacts], events: Sequence[StatusEvent], policy: Policy, today: date
) -> list[MeasureClock]:
    """measure_clocks() over measures and events already in order."""
    clocks: list[MeasureClock] = []
    for i, measure in enumerate(measures):
        following = measures[i + 1].ordered_on if i + 1 < len(measures) else None
        clock = measure_clock(measure, events, policy, today, next_ordered_on=following)
        if clock is not None:
            clocks.append(clock)
    return clocks


def current_clock(clocks: Sequence[MeasureClock], today: date) -> MeasureClock | None:
    """The measure the person is under today: the latest started and not closed (it may be past its end)."""
    for clock in reversed(clocks):
        if clock.start <= today and (clock.closed_on is None or clock.closed_on > today):
            return clock
    return None


def measure_end(person: PersonFacts, measure_id: UUID, policy: Policy, today: date) -> MeasureClock | None:
    """The clock (and so the effective end date) of one of the person's measures."""
    return next((c for c in measure_clocks(person, policy, today) if c.measure.id == measure_id), None)
