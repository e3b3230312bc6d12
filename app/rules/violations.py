"""Refusals, relapses, absences, serious violations, and the police reports they call for.

The worker must report every refusal, relapse and serious violation to the police (DOMAIN.md); failing to
is itself a disciplinary matter. So each becomes an escalation with a deadline counted from the day the
office learnt of it (a backdated test recorded late is not overdue the moment it is entered), and it
stays open until a police-report fact covers it.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from operator import attrgetter
from uuid import UUID

from app.rules.facts import EscalationKind, PersonFacts, learnt_on
from app.rules.lifecycle import MeasureClock
from app.rules.policy import Policy
from app.rules.timeline import Timeline
from models.enums import LabelledEnum

_ON_ID = attrgetter("on", "id")


class SeriousGround(LabelledEnum):
    REFUSALS = ("refusals", "多次拒绝或逃避检测", "repeated refusal of tests")
    ABSENCES = ("absences", "未经批准多次或长时间离开", "repeated or long absence without permission")


@dataclass(frozen=True, slots=True)
class Incident:
    kind: EscalationKind
    id: UUID  # the fact it rests on: a test, a violation, or (a late report) the measure
    on: date  # when it happened
    learnt_on: date  # when the office knew


@dataclass(frozen=True, slots=True)
class SeriousViolation:
    measure_id: UUID
    ground: SeriousGround
    incident_id: UUID  # the fact that crossed the line
    on: date
    learnt_on: date
    count: int  # refusals or absences counted up to and including the crossing
    days: int  # days absent up to the crossing (absences only)


@dataclass(frozen=True, slots=True)
class Escalation:
    """A "report to the police" item: open until reported."""

    kind: EscalationKind
    incident_id: UUID
    occurred_on: date
    learnt_on: date
    deadline: date
    reported_on: date | None
    ground: SeriousGround | None = None  # for serious violations

    @property
    def open(self) -> bool:
        return self.reported_on is None


def _one_a_day(incidents: Iterable[Incident]) -> list[Incident]:
    """One incident per day: two records of the same refusal (a refused test and its violation) count once."""
    out: list[Incident] = []
    for incident in sorted(incidents, key=_ON_ID):
        if out and out[-1].on == incident.on:
            if incident.learnt_on < out[-1].learnt_on:
                out[-1] = Incident(incident.kind, out[-1].id, incident.on, incident.learnt_on)
            continue
        out.append(incident)
    return out


def _refusals(tl: Timeline) -> list[Incident]:
    """Refused tests and violations of a refusal kind, one per day, in order."""
    kinds = tl.policy.violations.refusal_kinds
    found = [Incident(EscalationKind.REFUSAL, t.id, t.on, learnt_on(t)) for t in tl.refused_tests]
    found += [
        Incident(EscalationKind.REFUSAL, v.id, v.on, learnt_on(v))
        for v in tl.person.violations
        if v.kind in kinds
    ]
    return _one_a_day(found)


def _relapses(tl: Timeline) -> list[Incident]:
    """Positive tests, one per day (an on-site test and its lab re-test are one relapse)."""
    found = [Incident(EscalationKind.RELAPSE, t.id, t.on, learnt_on(t)) for t in tl.positive_tests]
    return _one_a_day(found)


def refusals(tl: Timeline) -> list[Incident]:
    """Refused tests and violations of a refusal kind, one per day, in order."""
    return tl.once("refusals", _refusals)


def relapses(tl: Timeline) -> list[Incident]:
    """Positive tests, one per day, in order."""
    return tl.once("relapses", _relapses)


def serious_violations(tl: Timeline) -> list[SeriousViolation]:
    """Each measure's serious violations, at most one per ground."""
    return tl.once("serious_violations", _serious_violations)


def late_reports(tl: Timeline) -> list[Incident]:
    """Orders not reported within the deadline: that counts as refusal (戒毒条例 art. 15)."""
    out: list[Incident] = []
    for i, measure in enumerate(tl.measures):
        rules = tl.policy.measures.get(measure.kind)
        if rules is None:
            continue
        late_from = measure.ordered_on + timedelta(days=rules.report_within_days + 1)
        superseded = i + 1 < len(tl.measures)
        if (measure.reported_on is not None and measure.reported_on >= late_from) or (
            measure.reported_on is None and not superseded and tl.today >= late_from
        ):
            out.append(Incident(EscalationKind.REFUSAL, measure.id, late_from, late_from))
    return out


def _within(clock: MeasureClock, day: date) -> bool:
    return clock.start <= day <= clock.last_day


def _serious_violations(tl: Timeline) -> list[SeriousViolation]:
    """Each measure's serious violations, at most one per ground: the day the count first crossed the line."""
    rules = tl.policy.violations
    refused = refusals(tl)
    absences = sorted(
        (v for v in tl.person.violations if v.kind in rules.absence_kinds), key=lambda v: (v.on, v.id)
    )
    out: list[SeriousViolation] = []
    for clock in tl.clocks:
        counted = [i for i in refused if _within(clock, i.on)]
        if len(counted) >= rules.refusals:
            crossing = counted[rules.refusals - 1]
            known = max(i.learnt_on for i in counted[: rules.refusals])
            out.append(
                SeriousViolation(
                    clock.measure.id,
                    SeriousGround.REFUSALS,
                    crossing.id,
                    crossing.on,
                    known,
                    rules.refusals,
                    0,
                )
            )
        count = days = 0
        known = clock.start
        for v in absences:
            if not _within(clock, v.on):
                continue
            count += 1
            days += max(v.days, 1)
            known = max(known, learnt_on(v))
            if count >= rules.absences or days > rules.absence_days:
                out.append(
                    SeriousViolation(clock.measure.id, SeriousGround.ABSENCES, v.id, v.on, known, count, days)
                )
                break
    return out


def _reported(
    tl: Timeline,
) -> tuple[dict[tuple[EscalationKind, UUID], date], dict[EscalationKind, list[date]]]:
    by_incident: dict[tuple[EscalationKind, UUID], date] = {}
    generic: dict[EscalationKind, list[date]] = {}
    for report in tl.person.police_reports:
        if report.incident_ids:
            for incident_id in report.incident_ids:
                key = (report.kind, incident_id)
                by_incident[key] = min(by_incident.get(key, report.reported_on), report.reported_on)
        else:
            generic.setdefault(report.kind, []).append(report.reported_on)
    for days in generic.values():
        days.sort()
    return by_incident, generic


def escalations(tl: Timeline) -> list[Escalation]:
    """Every relapse, refusal and serious violation, with its deadline and whether it was reported."""
    relapsed, refused, serious = relapses(tl), refusals(tl) + late_reports(tl), serious_violations(tl)
    if not (relapsed or refused or serious):  # most people: no police report to look for
        return []
    deadline_days = timedelta(days=tl.policy.escalation.report_within_days)
    by_incident, generic = _reported(tl)

    def make(
        kind: EscalationKind, incident_id: UUID, on: date, known: date, ground: SeriousGround | None
    ) -> Escalation:
        reported = by_incident.get((kind, incident_id))
        days = generic.get(kind, [])
        i = bisect_left(days, known)  # a report without ids covers what was known by its day
        if i < len(days) and (reported is None or days[i] < reported):
            reported = days[i]
        return Escalation(kind, incident_id, on, known, known + deadline_days, reported, ground)

    out = [make(i.kind, i.id, i.on, i.learnt_on, None) for i in relapsed]
    out += [make(i.kind, i.id, i.on, i.learnt_on, None) for i in refused]
    out += [
        make(EscalationKind.SERIOUS_VIOLATION, s.incident_id, s.on, s.learnt_on, s.ground) for s in serious
    ]
    return sorted(out, key=lambda e: (e.learnt_on, e.kind.value, e.incident_id))


# --- for callers holding a person's facts ----------------------------------------------------------------


def escalations_for(person: PersonFacts, today: date, policy: Policy) -> list[Escalation]:
    return escalations(Timeline(person, policy, today))


def serious_violation(person: PersonFacts, today: date, policy: Policy) -> SeriousViolation | None:
    """The serious violation under the current measure, if any (the earliest, when both grounds are met)."""
    tl = Timeline(person, policy, today)
    if tl.clock is None:
        return None
    found = [s for s in serious_violations(tl) if s.measure_id == tl.clock.measure.id and s.on <= today]
    return min(found, key=lambda s: (s.on, s.ground.value), default=None)


def relapsed_during_measure(person: PersonFacts, today: date, policy: Policy) -> list[Incident]:
    """Relapses (positive tests) during a community measure's term: what DOMAIN.md calls 复吸."""
    tl = Timeline(person, policy, today)
    return [i for i in relapses(tl) if any(_within(c, i.on) for c in tl.clocks)]
