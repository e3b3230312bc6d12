"""Series for charts: the twelve months up to the period's end, and breakdowns of the period.

- tests per month, with positives and refusals;
- test compliance by worker (the person's assigned worker) for the period;
- status composition at each month's end;
- assistance by kind for the period (people, records, money) and people helped per month;
- the consolidation rate at each month's end.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from uuid import UUID

from app.indicators.compute import Figure, Frame, consolidation_rate, consolidation_rates
from app.indicators.data import Dataset
from app.indicators.period import ONE_DAY, Period, Scope, trailing_months
from app.rules.schedule import ScheduleKind
from models.enums import AssistanceKind, PersonStatus, TestResult
from models.text import Text

UNASSIGNED = Text("未分配专干", "no worker assigned")


@dataclass(frozen=True)
class MonthTests:
    month: str  # 2026-10
    taken: int  # negative or positive
    positive: int
    refused: int


@dataclass(frozen=True)
class WorkerCompliance:
    worker_id: UUID | None
    worker: str  # display name or login; "" when no worker is assigned (show UNASSIGNED)
    met: int
    due: int
    person_ids: tuple[UUID, ...]

    @property
    def value(self) -> float | None:
        return self.met / self.due if self.due else None


@dataclass(frozen=True)
class StatusMonth:
    month: str
    counts: dict[PersonStatus, int]


@dataclass(frozen=True)
class AssistanceKindRow:
    kind: AssistanceKind
    people: int
    records: int
    amount: Decimal  # yuan, where money was involved


@dataclass(frozen=True)
class AssistanceMonth:
    month: str
    people: dict[AssistanceKind, int]


@dataclass(frozen=True)
class ConsolidationMonth:
    month: str
    figure: Figure


@dataclass(frozen=True)
class Series:
    months: tuple[str, ...]
    tests: tuple[MonthTests, ...]
    compliance_by_worker: tuple[WorkerCompliance, ...]
    status: tuple[StatusMonth, ...]
    assistance_by_kind: tuple[AssistanceKindRow, ...]
    assistance_by_month: tuple[AssistanceMonth, ...]
    consolidation: tuple[ConsolidationMonth, ...]


def chart_months(data: Dataset, period: Period) -> list[Period]:
    """The twelve months ending with the period's last month (or this month, while the period runs)."""
    return months_to(data.today, period)


def months_to(today: date, period: Period) -> list[Period]:
    """chart_months() for a dataset of `today`."""
    return trailing_months(min(period.end, today), 12)


def first_day_needed(today: date, period: Period) -> date:
    """The earliest day whose assistance the period's figures and charts count (load_dataset reads none
    before it)."""
    return min(period.start, months_to(today, period)[0].start)


def _month_index(months: list[Period], today: date) -> Callable[[date], int | None]:
    """The position in `months` of a day's month (None outside them, or after today)."""
    index = {(m.start.year, m.start.month): i for i, m in enumerate(months)}

    def of(day: date) -> int | None:
        return None if day > today else index.get((day.year, day.month))

    return of


def _day_index(months: list[Period], today: date) -> dict[date, int]:
    """Each day of `months` up to today → its month's position: one lookup per fact instead of a call."""
    index = {}
    for i, m in enumerate(months):
        day = m.start
        while day <= m.end and day <= today:
            index[day] = i
            day += ONE_DAY
    return index


def tests_by_month(data: Dataset, months: list[Period], scope: Scope) -> list[MonthTests]:
    """One pass over the tests: taken (negative or positive), positive and refused, by month."""
    month_of = _day_index(months, data.today)
    taken, positive, refused = ([0] * len(months) for _ in range(3))
    if not month_of:
        return [MonthTests(m.code, 0, 0, 0) for m in months]
    first, last = min(month_of), max(month_of)
    for person in data.in_scope(scope):
        held = person.held_days(scope, first, last)
        if not held.spans:
            continue
        throughout = held.throughout  # most people: no need to ask about each test
        for t in person.facts.tests:
            i = month_of.get(t.on)
            if i is None or not (throughout or t.on in held):
                continue
            if t.result in (TestResult.NEGATIVE, TestResult.POSITIVE):
                taken[i] += 1
                positive[i] += t.result is TestResult.POSITIVE
            elif t.result is TestResult.REFUSED:
                refused[i] += 1
    return [MonthTests(m.code, taken[i], positive[i], refused[i]) for i, m in enumerate(months)]


def compliance_by_worker(frame: Frame) -> list[WorkerCompliance]:
    met: Counter[UUID | None] = Counter()
    due: Counter[UUID | None] = Counter()
    people: dict[UUID | None, set[UUID]] = defaultdict(set)
    for person in frame.people:
        for w in frame.due_windows(person, ScheduleKind.TEST):
            due[person.worker_id] += 1
            met[person.worker_id] += w.met_on is not None
            people[person.worker_id].add(person.id)
    rows = [
        WorkerCompliance(
            worker,
            frame.data.workers.get(worker, "") if worker else "",
            met[worker],
            due[worker],
            tuple(sorted(people[worker])),
        )
        for worker in due
    ]
    return sorted(rows, key=lambda r: (r.worker_id is None, r.worker))


def month_ends(data: Dataset, months: list[Period]) -> list[date]:
    """The day each month's figures stand at: its last day, or today while it runs."""
    return [min(m.end, data.today) for m in months]


def status_by_month(data: Dataset, months: list[Period], scope: Scope) -> list[StatusMonth]:
    """Each month's end: the records of the offices in scope by status (transferred-out ones included)."""
    days = month_ends(data, months)
    states = data.states(scope, days)  # shared with the consolidation rate
    # (day's position, (status, office)) → people, counted in C; the offices are looked at after.
    seen: Counter[tuple[int, tuple[PersonStatus, str]]] = Counter()
    for person in data.in_scope(scope):
        since = person.known_since
        if since is None:
            continue
        first = bisect_left(states.days, since)  # the days on or after the first the record speaks of
        seen.update(zip(range(first, len(states.days)), states.of[person.id][first:], strict=True))
    counts: list[Counter[PersonStatus]] = [Counter() for _ in states.days]
    for (i, (status, office)), n in seen.items():
        if scope.contains(office):
            counts[i][status] += n
    at = {day: counts[i] for i, day in enumerate(states.days)}
    return [
        StatusMonth(month.code, {s: at[day][s] for s in PersonStatus if at[day][s]})
        for month, day in zip(months, days, strict=True)
    ]


def assistance_by_kind(frame: Frame) -> list[AssistanceKindRow]:
    people: dict[AssistanceKind, set[UUID]] = defaultdict(set)
    records: Counter[AssistanceKind] = Counter()
    amount: dict[AssistanceKind, Decimal] = defaultdict(Decimal)
    for person in frame.people:
        for a in person.assistance:
            if frame.held_in_period(person, a.on):
                people[a.kind].add(person.id)
                records[a.kind] += 1
                amount[a.kind] += a.amount or Decimal(0)
    return [AssistanceKindRow(k, len(people[k]), records[k], amount[k]) for k in AssistanceKind]


def assistance_by_month(data: Dataset, months: list[Period], scope: Scope) -> list[AssistanceMonth]:
    month_of = _month_index(months, data.today)
    helped: list[dict[AssistanceKind, set[UUID]]] = [defaultdict(set) for _ in months]
    for person in data.in_scope(scope):
        for a in person.assistance:
            i = month_of(a.on)
            if i is not None and person.held(scope, a.on):
                helped[i][a.kind].add(person.id)
    return [AssistanceMonth(m.code, {k: len(v) for k, v in helped[i].items()}) for i, m in enumerate(months)]


def consolidation_by_month(data: Dataset, months: list[Period], scope: Scope) -> list[ConsolidationMonth]:
    """consolidation_rate() of each month (as at its end, or today), in one walk along each person."""
    days = month_ends(data, months)
    begun = [day for m, day in zip(months, days, strict=True) if day >= m.start]
    figures = dict(zip(begun, consolidation_rates(data, scope, begun), strict=True))
    return [
        # A month yet to begin counts nobody, as its Frame would.
        ConsolidationMonth(
            m.code, figures[day] if day >= m.start else consolidation_rate(Frame(data, m, scope))
        )
        for m, day in zip(months, days, strict=True)
    ]


def series(data: Dataset, period: Period, scope: Scope, frame: Frame | None = None) -> Series:
    frame = frame or Frame(data, period, scope)
    months = chart_months(data, period) if frame.as_of >= period.start else []
    return Series(
        months=tuple(m.code for m in months),
        tests=tuple(tests_by_month(data, months, scope)),
        compliance_by_worker=tuple(compliance_by_worker(frame)),
        status=tuple(status_by_month(data, months, scope)),
        assistance_by_kind=tuple(assistance_by_kind(frame)),
        assistance_by_month=tuple(assistance_by_month(data, months, scope)),
        consolidation=tuple(consolidation_by_month(data, months, scope)),
    )
