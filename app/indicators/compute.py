"""The indicators of DOMAIN.md for a period and a scope: pure functions over a Dataset.

Every figure carries its numerator, its denominator, its value (None where the denominator is zero, never
a division by zero), its definition in both languages, and the ids of the people behind the numerator and
the denominator, so a supervisor can drill down. docs/indicators.md sets out the semantics: which day a
window, a relapse or an order belongs to, transfers, suspensions and empty periods.

Everything is worked out "as of" the end of the period, or today while the period is still running:
facts dated later are left out, so a past month's figures do not move when later months are recorded
(a fact recorded late with its true, earlier date does count, as it does for the rules).

A county holds 10,000 people, so the work is shared rather than repeated: a Frame keeps each person's
facts as of the day and their timeline for every figure; windows are laid out only where they fall due in
the period (schedule.windows_due_between), once for all the measures with the same dates; the consolidation
rate and the status composition walk each person's history once for all twelve month ends
(Dataset.states), and each day's figure is kept with the dataset. The last figures worked out from a store
are kept for its report (summary.computed). tests/indicators/test_fast_path.py checks all of it against
the straightforward computation.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from operator import attrgetter
from uuid import UUID

from app.indicators import definitions as d
from app.indicators.data import SUPERVISED, Dataset, PersonRecord
from app.indicators.period import Period, Scope, shift_year
from app.rules.clean import clean_status
from app.rules.facts import MeasureFacts, PersonFacts
from app.rules.lifecycle import MeasureClock
from app.rules.policy import Policy
from app.rules.schedule import ScheduleKind, Window, windows_due_between
from app.rules.timeline import Timeline, first_between
from app.rules.violations import relapsed_during_measure
from models.enums import AssistanceKind, AssistanceOutcome, LabelledEnum, PersonStatus
from models.text import Text

S = PersonStatus
# A person in one of these cannot report to a community order (the same set the rules' reporting task uses).
CANNOT_REPORT = frozenset({S.DECEASED, S.TERMINATED, S.IN_COMPULSORY, S.SUSPENDED, S.TRANSFERRED_OUT})
EMPLOYED_OUTCOMES = frozenset({AssistanceOutcome.EMPLOYED, AssistanceOutcome.EMPLOYED_SIX_MONTHS})


class FigureKind(LabelledEnum):
    RATE = ("rate", "比率", "rate")  # numerator ÷ denominator
    COUNT = ("count", "计数", "count")  # the numerator; no denominator
    GROWTH = ("growth", "增幅", "growth")  # (this − last) ÷ last: the numerator is the difference


@dataclass(frozen=True)
class Figure:
    key: str
    kind: FigureKind
    name: Text
    definition: Text
    unit: Text
    numerator: int
    denominator: int | None
    numerator_ids: tuple[UUID, ...] = ()
    denominator_ids: tuple[UUID, ...] = ()
    # People behind what was left out of the count, with the reason in `parts` (e.g. orders still pending).
    excluded_ids: tuple[UUID, ...] = ()
    parts: dict[str, int] = field(default_factory=dict)  # further counts that explain the figure

    @property
    def value(self) -> float | None:
        if self.kind is FigureKind.COUNT:
            return float(self.numerator)
        if not self.denominator:
            return None
        return self.numerator / self.denominator


def _ids(ids: Iterable[UUID]) -> tuple[UUID, ...]:
    # UUIDs order by their integer value; sorting by it skips UUID.__lt__ (thousands of ids per figure).
    return tuple(sorted(set(ids), key=_uuid_int))


_uuid_int = attrgetter("int")


def _figure(
    key: str,
    kind: FigureKind,
    numerator: int,
    denominator: int | None,
    numerator_ids: Iterable[UUID] = (),
    denominator_ids: Iterable[UUID] = (),
    *,
    ordered: bool = False,  # the ids come sorted and once each already
    **extra: object,
) -> Figure:
    definition = d.DEFINITIONS[key] if key in d.DEFINITIONS else _by_kind_definition(key)
    return Figure(
        key,
        kind,
        definition.name,
        definition.text,
        definition.unit,
        numerator,
        denominator,
        tuple(numerator_ids) if ordered else _ids(numerator_ids),
        tuple(denominator_ids) if ordered else _ids(denominator_ids),
        **extra,  # type: ignore[arg-type]
    )


def _by_kind_definition(key: str) -> d.Definition:
    kind = AssistanceKind(key.removeprefix(d.ASSISTED + "."))
    return d.assisted_definition(kind)


# ---- shared work --------------------------------------------------------------------------------------------
class Frame:
    """One period and scope over a dataset, with the per-person work shared by several figures."""

    def __init__(self, data: Dataset, period: Period, scope: Scope) -> None:
        self.data = data
        self.period = period
        self.scope = scope
        self.policy: Policy = data.policy
        self.as_of = min(period.end, data.today)
        self.people: list[PersonRecord] = data.in_scope(scope) if self.as_of >= period.start else []
        self._facts: dict[UUID, PersonFacts] = {}
        self._due: dict[tuple[UUID, ScheduleKind], list[Window]] = {}
        self._timelines: dict[UUID, Timeline] = {}
        # (kind, the measure's kind and dates) → its windows' (unit, index, of, opens, due) in the period
        self._layouts: dict[tuple[object, ...], list[tuple[int, int, int, date, date]]] = {}
        self._visible = timedelta(days=self.policy.tasks.missed_visible_days)

    def facts(self, person: PersonRecord) -> PersonFacts:
        """The person's facts as they stood at the end of the period (or today)."""
        found = self._facts.get(person.id)
        if found is None:
            found = self._facts[person.id] = person.as_of(self.as_of)
        return found

    def timeline(self, person: PersonRecord) -> Timeline:
        """One timeline per person for every kind of window asked of it."""
        found = self._timelines.get(person.id)
        if found is None:
            found = self._timelines[person.id] = Timeline(self.facts(person), self.policy, self.as_of)
        return found

    def due_windows(self, person: PersonRecord, kind: ScheduleKind) -> list[Window]:
        """Windows due in the period for an office in scope: the last day in the period, and the person held
        by the scope on it. A window still open today counts once it is met. Excused windows are not due."""
        key = (person.id, kind)
        found = self._due.get(key)
        if found is not None:
            return found
        found = []
        period, as_of = self.period, self.as_of
        tl = self.timeline(person)
        for clock in tl.clocks:
            if clock.start > period.end or clock.last_day < period.start:
                continue  # a window's last day lies within its measure's run
            for w in self._windows_due(tl, kind, clock):
                if w.excused or (w.due > as_of and w.met_on is None):
                    continue
                if person.held(self.scope, w.due):
                    found.append(w)
        self._due[key] = found
        return found

    def _windows_due(self, tl: Timeline, kind: ScheduleKind, clock: MeasureClock) -> Iterable[Window]:
        """windows_due_between(tl, kind, clock, period), its windows laid out once for every measure with
        the same dates: a test or hair window's place and days depend on the measure's kind and dates
        only (schedule._slots), and the person's facts only meet or excuse it (as schedule._fill does)."""
        layout = (kind, clock.measure.kind, clock.start, clock.nominal_end, clock.end, clock.closed_on)
        layout += (clock.provisional, clock.suspensions, clock.shifts)
        slots = self._layouts.get(layout)
        if slots is None:
            windows = list(windows_due_between(tl, kind, clock, self.period.start, self.period.end))
            self._layouts[layout] = [(w.unit, w.index, w.of, w.opens, w.due) for w in windows]
            return windows
        if not slots:
            return ()
        days = tl.window_test_days if kind is ScheduleKind.TEST else tl.hair_test_days
        excuse, visible = self.policy.leave.excuses_windows, self._visible
        out = []
        for unit, index, parts, opens, due in slots:
            met_on = first_between(days, opens, due)
            excused = met_on is None and excuse and tl.on_leave_throughout(opens, due)
            out.append(
                Window(kind, clock.measure.id, unit, index, parts, opens, due, due + visible, met_on, excused)
            )
        return out

    def release(self) -> None:
        """Forget the timelines and windows, most of a county's frame (17 MB of 10,000 people), once the
        figures are worked out; what else asks for them has them made again."""
        self._timelines.clear()
        self._due.clear()

    def held_in_period(self, person: PersonRecord, day: date) -> bool:
        return self.period.start <= day <= self.as_of and person.held(self.scope, day)


# ---- the indicators ---------------------------------------------------------------------------------------
def _signed(measure: MeasureFacts, following: MeasureFacts | None, facts: PersonFacts) -> bool:
    for a in facts.agreements:
        if a.measure_id == measure.id:
            return True
        if (
            a.measure_id is None
            and measure.reported_on is not None
            and a.signed_on >= measure.reported_on
            and (following is None or a.signed_on < following.ordered_on)
        ):
            return True
    return False


def execution_rate(frame: Frame) -> Figure:
    """Orders received in the period: executed (reported and signed) ÷ executed + failed; pending left out."""
    executed: list[UUID] = []
    counted: list[UUID] = []
    pending: list[UUID] = []
    excused: list[UUID] = []
    policy, as_of = frame.policy, frame.as_of
    sign_days = timedelta(days=policy.agreement.sign_within_days)
    for person in frame.people:
        facts = frame.facts(person)
        ordered = sorted(facts.measures, key=lambda m: (m.ordered_on, m.id))
        for i, m in enumerate(ordered):
            rules = policy.measures.get(m.kind)
            if rules is None or not frame.held_in_period(person, m.ordered_on):
                continue
            following = ordered[i + 1] if i + 1 < len(ordered) else None
            # Still within the deadline to report (unreported) or to sign (reported): not countable yet.
            deadline = (
                m.ordered_on + timedelta(days=rules.report_within_days)
                if m.reported_on is None
                else m.reported_on + sign_days
            )
            if m.reported_on is not None and _signed(m, following, facts):
                executed.append(person.id)
                counted.append(person.id)
            elif as_of <= deadline:
                pending.append(person.id)
            elif m.reported_on is None and (
                following is not None or person.status_on(as_of) in CANNOT_REPORT
            ):
                excused.append(person.id)
            else:
                counted.append(person.id)
    return _figure(
        d.EXECUTION_RATE,
        FigureKind.RATE,
        len(executed),
        len(counted),
        executed,
        counted,
        excluded_ids=_ids(pending + excused),
        parts={"pending": len(pending), "not_counted": len(excused)},
    )


def window_compliance(frame: Frame) -> Figure:
    """检测率: test windows met ÷ test windows due in the period."""
    met = due = 0
    met_ids: list[UUID] = []
    due_ids: list[UUID] = []
    for person in frame.people:
        for w in frame.due_windows(person, ScheduleKind.TEST):
            due += 1
            due_ids.append(person.id)
            if w.met_on is not None:
                met += 1
                met_ids.append(person.id)
    return _figure(d.TEST_COMPLIANCE, FigureKind.RATE, met, due, met_ids, due_ids)


def hair_coverage(frame: Frame) -> Figure:
    covered: list[UUID] = []
    due: list[UUID] = []
    for person in frame.people:
        windows_due = frame.due_windows(person, ScheduleKind.HAIR)
        if windows_due:
            due.append(person.id)
            if all(w.met_on is not None for w in windows_due):
                covered.append(person.id)
    return _figure(d.HAIR_COVERAGE, FigureKind.RATE, len(covered), len(due), covered, due)


def lost_rate(frame: Frame) -> Figure:
    lost: list[UUID] = []
    supervised: list[UUID] = []
    for person in frame.people:
        states = {
            status
            for _, _, status, office in person.segments(frame.period.start, frame.as_of)
            if frame.scope.contains(office)
        }
        if states & SUPERVISED:
            supervised.append(person.id)
            if S.LOST in states:
                lost.append(person.id)
    return _figure(d.LOST_RATE, FigureKind.RATE, len(lost), len(supervised), lost, supervised)


def relapses(frame: Frame) -> Figure:
    count = 0
    people: list[UUID] = []
    for person in frame.people:
        # A relapse is a positive test, and it counts in the period: most people need no rules run.
        days = person.positive_days
        i = bisect_left(days, frame.period.start)
        if i == len(days) or days[i] > frame.as_of:
            continue
        for incident in relapsed_during_measure(frame.facts(person), frame.as_of, frame.policy):
            if frame.held_in_period(person, incident.on):
                count += 1
                people.append(person.id)
    return _figure(d.RELAPSES, FigureKind.COUNT, count, None, people, ())


def consolidation_rate(frame: Frame, day: date | None = None) -> Figure:
    """At the end of the period (or `day`): clean ≥ 3 years ÷ (clean ≥ 3 years + under a community measure)."""
    on = frame.as_of if day is None else day
    if not frame.people:  # the period has not begun: nobody counts
        return _consolidation_figure([], [])
    return consolidation_rates(frame.data, frame.scope, [on])[0]


def consolidation_rates(data: Dataset, scope: Scope, days: Iterable[date]) -> list[Figure]:
    """consolidation_rate() of everyone in `scope` at the end of each of `days`, in one walk along each
    person's history (Dataset.states): the chart's twelve month ends cost little more than one. Each
    day's figure is kept with the dataset, so the period's own figure and the chart share it."""
    days = list(days)
    missing = sorted({day for day in days if ("consolidation", scope, day) not in data.shared})
    if missing:
        states = data.states(scope, missing)
        index = [states.days.index(day) for day in missing]
        clean: list[list[UUID]] = [[] for _ in missing]
        base: list[list[UUID]] = [[] for _ in missing]
        held = _HeldStates(scope)
        for person in _by_id(data, scope):  # ids in order: the figures need not sort them
            pid, at = person.id, states.of[person.id]
            for i, day in enumerate(missing):
                status = held[at[index[i]]]
                if status is None:
                    continue  # not held by the scope that day
                if status is _SUPERVISED:
                    base[i].append(pid)
                elif status is S.CLEAN_THREE_YEARS or (
                    status is S.COMPLETED and clean_status(person.as_of(day), day, data.policy).qualifies
                ):
                    clean[i].append(pid)
                    base[i].append(pid)
        for i, day in enumerate(missing):
            data.shared["consolidation", scope, day] = _consolidation_figure(clean[i], base[i], ordered=True)
    return [data.shared["consolidation", scope, day] for day in days]  # type: ignore[misc]


_SUPERVISED = object()  # _HeldStates' mark for any status in SUPERVISED


class _HeldStates(dict[tuple[PersonStatus, str], object]):
    """(status, office) → None where the scope does not hold the person then (another office, or moved
    away), _SUPERVISED for a status in SUPERVISED, else the status: worked out once for each of the few
    pairs instead of for each person and day."""

    def __init__(self, scope: Scope) -> None:
        super().__init__()
        self.scope = scope

    def __missing__(self, key: tuple[PersonStatus, str]) -> object:
        status, office = key
        if status is S.TRANSFERRED_OUT or not self.scope.contains(office):
            found: object = None
        else:
            found = _SUPERVISED if status in SUPERVISED else status
        self[key] = found
        return found


def _consolidation_figure(clean: list[UUID], base: list[UUID], ordered: bool = False) -> Figure:
    return _figure(
        d.CONSOLIDATION_RATE,
        FigureKind.RATE,
        len(clean),
        len(base),
        clean,
        base,
        ordered=ordered,
        parts={"clean": len(clean)},
    )


def _by_id(data: Dataset, scope: Scope) -> list[PersonRecord]:
    """The people in scope in the order of their ids (the order of a figure's ids)."""
    key = ("by id", scope)
    found = data.shared.get(key)
    if found is None:
        found = data.shared[key] = sorted(data.in_scope(scope), key=lambda p: p.id.int)
    return found  # type: ignore[return-value]


def new_found_growth(frame: Frame) -> Figure:
    """Newly found this period against the same span of last year (up to the same day while it runs)."""
    last_start, last_end = shift_year(frame.period.start, -1), shift_year(frame.as_of, -1)
    this: list[UUID] = []
    last: list[UUID] = []
    for person in frame.data.in_scope(frame.scope):
        found = person.first_found_on
        if found is None or not frame.scope.contains(person.office_on(found)):
            continue
        if frame.period.start <= found <= frame.as_of:
            this.append(person.id)
        elif last_start <= found <= last_end:
            last.append(person.id)
    if frame.as_of < frame.period.start:
        this, last = [], []
    return _figure(
        d.NEW_FOUND_GROWTH,
        FigureKind.GROWTH,
        len(this) - len(last),
        len(last),
        this,
        last,
        parts={"this_period": len(this), "same_period_last_year": len(last)},
    )


def assistance(frame: Frame) -> list[Figure]:
    """People helped (any kind, then by kind), training sessions and attendance, people employed."""
    helped: set[UUID] = set()
    by_kind: dict[AssistanceKind, set[UUID]] = defaultdict(set)
    sessions: set[tuple[date, str]] = set()
    attendance: set[tuple[UUID, date, str]] = set()
    employed: set[UUID] = set()
    employed_6m: set[UUID] = set()
    for person in frame.people:
        for a in person.assistance:
            if not frame.held_in_period(person, a.on):
                continue
            helped.add(person.id)
            by_kind[a.kind].add(person.id)
            if a.kind is AssistanceKind.TRAINING:
                session = (a.on, a.provider.strip())
                sessions.add(session)
                attendance.add((person.id, *session))
            if a.outcome in EMPLOYED_OUTCOMES:
                employed.add(person.id)
            if a.outcome is AssistanceOutcome.EMPLOYED_SIX_MONTHS:
                employed_6m.add(person.id)
    trained = {pid for pid, _, _ in attendance}
    figures = [_figure(d.ASSISTED, FigureKind.COUNT, len(helped), None, helped)]
    figures += [
        _figure(d.assisted_key(kind), FigureKind.COUNT, len(by_kind[kind]), None, by_kind[kind])
        for kind in AssistanceKind
    ]
    figures += [
        _figure(d.TRAINING_SESSIONS, FigureKind.COUNT, len(sessions), None, trained),
        _figure(d.TRAINING_ATTENDANCE, FigureKind.COUNT, len(attendance), None, trained),
        _figure(d.EMPLOYED, FigureKind.COUNT, len(employed), None, employed),
        _figure(d.EMPLOYED_SIX_MONTHS, FigureKind.COUNT, len(employed_6m), None, employed_6m),
    ]
    return figures


def all_figures(frame: Frame) -> list[Figure]:
    """Every indicator, in the order a report lists them."""
    return [
        execution_rate(frame),
        window_compliance(frame),
        hair_coverage(frame),
        lost_rate(frame),
        relapses(frame),
        consolidation_rate(frame),
        new_found_growth(frame),
        *assistance(frame),
    ]


def figures(data: Dataset, period: Period, scope: Scope) -> list[Figure]:
    return all_figures(Frame(data, period, scope))


def by_key(found: Sequence[Figure]) -> dict[str, Figure]:
    return {f.key: f for f in found}
