"""The indicators and the report's lists worked out the straightforward way, to check the fast paths.

This is how app/indicators and app/reports computed them before they were made fast: every window of
each measure laid out by the rules' timeline_windows() and then filtered, each person's facts cut to the
day with facts_as_of(), one Frame per month end for the consolidation series, status_on()/office_on()/
held() asked day by day, a rule review per list. Figures that did not change are taken from the
production functions, run over this module's frame.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from uuid import UUID

from app.indicators import series as se
from app.indicators.compute import (
    Figure,
    FigureKind,
    _figure,
    assistance,
    execution_rate,
    hair_coverage,
    lost_rate,
    new_found_growth,
    window_compliance,
)
from app.indicators.compute import Frame as FastFrame
from app.indicators.data import SUPERVISED, Dataset, PersonRecord, facts_as_of
from app.indicators.period import Period, Scope
from app.indicators.summary import Indicators
from app.reports import monthly
from app.rules import catalogue
from app.rules.clean import clean_status
from app.rules.facts import PersonFacts
from app.rules.schedule import ScheduleKind, Window, timeline_windows
from app.rules.tasks import review
from app.rules.timeline import Timeline
from app.rules.violations import relapsed_during_measure, serious_violations
from models.enums import PersonStatus, TestResult

S = PersonStatus


def in_scope(data: Dataset, scope: Scope) -> list[PersonRecord]:
    return [
        p
        for p in data.people
        if scope.contains(p.office_code) or any(scope.contains(code) for _, code in p.offices)
    ]


def as_of(person: PersonRecord, day: date) -> PersonFacts:
    return facts_as_of(person.facts, day, person.status_on(day))


class Frame(FastFrame):
    """The production Frame with every shortcut taken out."""

    def __init__(self, data: Dataset, period: Period, scope: Scope) -> None:
        super().__init__(data, period, scope)
        self.people = in_scope(data, scope) if self.as_of >= period.start else []

    def facts(self, person: PersonRecord) -> PersonFacts:
        return as_of(person, self.as_of)

    def timeline(self, person: PersonRecord) -> Timeline:
        return Timeline(self.facts(person), self.policy, self.as_of)

    def due_windows(self, person: PersonRecord, kind: ScheduleKind) -> list[Window]:
        tl = self.timeline(person)
        everything: list[Window] = []
        for clock in tl.clocks:
            everything += timeline_windows(tl, kind, measure_id=clock.measure.id)
        return [
            w
            for w in everything
            if self.period.contains(w.due)
            and not w.excused
            and not (w.due > self.as_of and w.met_on is None)
            and person.held(self.scope, w.due)
        ]


def relapses(frame: Frame) -> Figure:
    people = [
        person.id
        for person in frame.people
        for incident in relapsed_during_measure(frame.facts(person), frame.as_of, frame.policy)
        if frame.held_in_period(person, incident.on)
    ]
    return _figure("relapses", FigureKind.COUNT, len(people), None, people, ())


def consolidation(data: Dataset, scope: Scope, day: date, people: list[PersonRecord]) -> Figure:
    clean: list[UUID] = []
    base: list[UUID] = []
    for person in people:
        if not person.held(scope, day):
            continue
        status = person.status_on(day)
        if status in SUPERVISED:
            base.append(person.id)
        elif status is S.CLEAN_THREE_YEARS or (
            status is S.COMPLETED and clean_status(as_of(person, day), day, data.policy).qualifies
        ):
            clean.append(person.id)
            base.append(person.id)
    return _figure(
        "consolidation_rate", FigureKind.RATE, len(clean), len(base), clean, base, parts={"clean": len(clean)}
    )


def tests_by_month(data: Dataset, months: list[Period], scope: Scope) -> list[se.MonthTests]:
    rows = []
    for m in months:
        taken = positive = refused = 0
        for person in in_scope(data, scope):
            for t in person.facts.tests:
                if not (m.contains(t.on) and t.on <= data.today and person.held(scope, t.on)):
                    continue
                taken += t.result in (TestResult.NEGATIVE, TestResult.POSITIVE)
                positive += t.result is TestResult.POSITIVE
                refused += t.result is TestResult.REFUSED
        rows.append(se.MonthTests(m.code, taken, positive, refused))
    return rows


def status_by_month(data: Dataset, months: list[Period], scope: Scope) -> list[se.StatusMonth]:
    out = []
    for m in months:
        day = min(m.end, data.today)
        counts: Counter[PersonStatus] = Counter()
        for person in in_scope(data, scope):
            since = person.known_since
            if since is not None and since <= day and scope.contains(person.office_on(day)):
                counts[person.status_on(day)] += 1
        out.append(se.StatusMonth(m.code, {s: counts[s] for s in PersonStatus if counts[s]}))
    return out


def indicators(data: Dataset, period: Period, scope: Scope) -> Indicators:
    frame = Frame(data, period, scope)
    figures = [
        execution_rate(frame),
        window_compliance(frame),
        hair_coverage(frame),
        lost_rate(frame),
        relapses(frame),
        consolidation(data, scope, frame.as_of, frame.people),
        new_found_growth(frame),
        *assistance(frame),
    ]
    months = se.chart_months(data, period) if frame.as_of >= period.start else []
    series = se.Series(
        months=tuple(m.code for m in months),
        tests=tuple(tests_by_month(data, months, scope)),
        compliance_by_worker=tuple(se.compliance_by_worker(frame)),
        status=tuple(status_by_month(data, months, scope)),
        assistance_by_kind=tuple(se.assistance_by_kind(frame)),
        assistance_by_month=tuple(se.assistance_by_month(data, months, scope)),
        consolidation=tuple(
            se.ConsolidationMonth(
                m.code, consolidation(data, scope, min(m.end, data.today), in_scope(data, scope))
            )
            for m in months
        ),
    )
    return Indicators(period, scope, frame.as_of, data.today, tuple(figures), series)


def case_lists(data: Dataset, ind: Indicators, lang: str) -> dict[str, list[tuple[UUID, tuple]]]:
    """The report's three lists as (person, the values its row shows), in the order found."""
    scope, period, day = ind.scope, ind.period, ind.as_of
    overdue: list[tuple[UUID, tuple]] = []
    lost: list[tuple[UUID, tuple]] = []
    violations: list[tuple[UUID, tuple]] = []
    for person in in_scope(data, scope):
        facts = as_of(person, day)
        if person.held(scope, day):
            for task in review(facts, day, data.policy).tasks:
                if task.overdue:
                    row = (task.due, task.kind.label.render(lang), (day - task.due).days)
                    overdue.append((person.id, (*row, task.rule_name.render(lang))))
        was_lost = any(
            status is S.LOST and scope.contains(office)
            for _, _, status, office in person.segments(period.start, day)
        )
        at_end = person.status_on(day).label.render(lang)
        if was_lost:
            since = max(
                (e.on for e in person.facts.status_events if e.to_status is S.LOST and e.on <= day),
                default=period.start,
            )
            lost.append((person.id, (monthly.CASE_LOST.render(lang), since, at_end)))
        elif person.held(scope, day) and person.status_on(day) in SUPERVISED:
            for w in review(facts, day, data.policy).warnings:
                if w.rule == catalogue.CONTACT_LOST:
                    case = monthly.CASE_NO_CONTACT.render(lang, days=data.policy.contact.lost_after_days)
                    lost.append((person.id, (case, w.on, at_end)))
        serious = {s.incident_id for s in serious_violations(Timeline(facts, data.policy, day))}

        def inside(d: date, who: PersonRecord = person) -> bool:
            return period.start <= d <= day and who.held(scope, d)

        refused_days = set()
        for v in facts.violations:
            if inside(v.on):
                if v.kind in data.policy.violations.refusal_kinds:
                    refused_days.add(v.on)
                mark = monthly.YES.render(lang) if v.id in serious else ""
                violations.append((person.id, (v.on, v.kind.label.render(lang), mark)))
        for t in facts.tests:
            if t.result is TestResult.REFUSED and inside(t.on) and t.on not in refused_days:
                mark = monthly.YES.render(lang) if t.id in serious else ""
                violations.append((person.id, (t.on, monthly.REFUSED_TEST.render(lang), mark)))
    return {"overdue": overdue, "lost": lost, "violations": violations}
