"""Three years clean (戒断三年未复吸): when a person who has finished their measures qualifies.

By default the years count from the day after the last measure ended (the term's end, an early close, or
release from compulsory treatment), and restart the day after any later positive test. A policy may count
from the last positive test instead. Either way a person still under, or awaiting, a measure does not
qualify, and the qualification is a suggestion: the worker records the status change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.rules.facts import PersonFacts
from app.rules.periods import ONE_DAY, boundary
from app.rules.policy import CleanFrom, Policy
from app.rules.timeline import Timeline
from app.rules.violations import relapses
from models.enums import MeasureKind, PersonStatus
from models.text import Message, Text

# Only people who have finished their measures are counted; others are under, awaiting or out of them.
COUNTED = frozenset({PersonStatus.COMPLETED, PersonStatus.CLEAN_THREE_YEARS})

CLEAN_NOT_COUNTED = Text(
    "人员状态为“{status}”，不计算戒断时间。", "Status “{status}”: clean time is not counted."
)
CLEAN_NO_MEASURE = Text("没有已结束的措施记录，无从起算。", "No finished measure to count from.")
CLEAN_COUNTING = Text(
    "自 {since} 起未发现复吸，满 {years} 年之日为 {on}。",
    "No relapse since {since}; {years} years are reached on {on}.",
)
CLEAN_QUALIFIED = Text(
    "自 {since} 起已满 {years} 年未发现复吸（{on} 达到）。",
    "No relapse for {years} years since {since} (reached on {on}).",
)


@dataclass(frozen=True, slots=True)
class CleanStatus:
    counted_from: date | None
    qualifies_on: date | None
    qualifies: bool
    reason: Message


def _last_measure_end(tl: Timeline) -> date | None:
    ends = [clock.last_day for clock in tl.clocks]
    ends += [m.ends_on for m in tl.measures if m.kind is MeasureKind.COMPULSORY and m.ends_on is not None]
    # Release from compulsory treatment, where the order itself is not on file.
    ends += [e.on - ONE_DAY for e in tl.events if e.from_status is PersonStatus.IN_COMPULSORY]
    ends = [d for d in ends if d <= tl.today]
    return max(ends, default=None)


def assess_clean(tl: Timeline) -> CleanStatus:
    status = tl.person.status
    if status not in COUNTED:
        return CleanStatus(None, None, False, CLEAN_NOT_COUNTED(status=status.label()))
    latest = tl.measures[-1] if tl.measures else None
    if latest is not None and latest.reported_on is None and latest.kind in tl.policy.measures:
        # A new order awaits reporting: the person is back under measure in all but the paperwork.
        return CleanStatus(None, None, False, CLEAN_NOT_COUNTED(status=PersonStatus.NOT_REPORTED.label()))
    rules = tl.policy.clean
    positives = [i.on for i in relapses(tl) if i.on <= tl.today]
    last_positive = positives[-1] + ONE_DAY if positives else None
    if rules.counted_from is CleanFrom.MEASURE_END:
        ended = _last_measure_end(tl)
        starts = [d for d in (ended + ONE_DAY if ended else None, last_positive) if d is not None]
        since = max(starts) if ended is not None else None
    else:
        first = min((m.reported_on or m.ordered_on for m in tl.measures), default=None)
        since = last_positive or first
    if since is None:
        return CleanStatus(None, None, False, CLEAN_NO_MEASURE())
    on = boundary(since, 12 * rules.years)
    if tl.today >= on:
        return CleanStatus(since, on, True, CLEAN_QUALIFIED(since=since, years=rules.years, on=on))
    return CleanStatus(since, on, False, CLEAN_COUNTING(since=since, years=rules.years, on=on))


def clean_status(person: PersonFacts, today: date, policy: Policy) -> CleanStatus:
    """Whether `person` qualifies as three years clean today, from when it is counted, and when it is reached."""
    return assess_clean(Timeline(person, policy, today))
