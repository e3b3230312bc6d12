"""Every indicator and series for one period and scope, from a Dataset (pure) or from the store."""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from app import collector
from app.errors import UserError
from app.indicators.compute import Figure, FigureKind, Frame, all_figures
from app.indicators.data import Dataset
from app.indicators.load import load_dataset
from app.indicators.period import Period, Scope
from app.indicators.series import Series, first_day_needed, series
from app.services import caseload
from app.store.store import Changes, Store
from models.text import Text

PERIOD_NOT_STARTED = Text(
    "统计期间 {period} 尚未开始（今天是 {today}）。", "The period {period} has not begun (today is {today})."
)
SCOPE_HAS_NO_OFFICE = Text(
    "统计范围 {scope} 不包含本机数据中的任何乡镇（街道）（本机办公室代码为 {office}）。",
    "The scope {scope} holds no office in this data (this office's code is {office}).",
)


@dataclass(frozen=True)
class Indicators:
    period: Period
    scope: Scope
    as_of: date  # the figures stand as at the end of this day
    today: date
    figures: tuple[Figure, ...]
    series: Series

    def figure(self, key: str) -> Figure:
        return next(f for f in self.figures if f.key == key)


def compute(data: Dataset, period: Period, scope: Scope, *, frame: Frame | None = None) -> Indicators:
    """`frame`: Frame(data, period, scope) when the caller keeps it for more work (the report's lists)."""
    if data.assistance_since is not None and data.assistance_since > first_day_needed(data.today, period):
        raise ValueError(f"this dataset was read for a later period than {period.code}")
    frame = frame or Frame(data, period, scope)
    charts = series(data, period, scope, frame)  # first: its month ends include the period's own
    return Indicators(period, scope, frame.as_of, data.today, tuple(all_figures(frame)), charts)


def prepare(store: Store, period: str, scope: str | None = None) -> tuple[Dataset, Period, Scope]:
    """The store's data with the period and scope checked: the period must have begun, and the scope
    (the store's own office when None) must hold at least one office the data knows."""
    parsed = Period.parse(period)
    chosen = Scope.parse(scope) if scope and scope.strip() else Scope(store.office_code)
    today = store.today()
    if parsed.start > today:
        raise UserError(PERIOD_NOT_STARTED(period=parsed.code, today=today.isoformat()))
    # The period's figures and its chart's twelve months need no assistance from before either begins.
    data = load_dataset(store, assistance_since=first_day_needed(today, parsed))
    known = set(data.offices) | {store.office_code} | {p.office_code for p in data.people}
    if not any(chosen.contains(code) for code in known):
        raise UserError(SCOPE_HAS_NO_OFFICE(scope=chosen.code, office=store.office_code))
    return data, parsed, chosen


def for_store(store: Store, period: str, scope: str | None = None) -> Indicators:
    """Every indicator of the store's data for `period` ("2026-10", "2026-Q4", "2026") and `scope`."""
    return computed(store, period, scope)[2]


@dataclass
class _Kept:
    """The last indicators worked out from a store, with the dataset and frame they came from."""

    generation: int = 0  # how many writes the store has told of
    key: tuple[Any, ...] | None = None
    found: tuple[Dataset, Frame, Indicators] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)


_kept: weakref.WeakKeyDictionary[Store, _Kept] = weakref.WeakKeyDictionary()


def _kept_for(store: Store) -> _Kept:
    kept = _kept.get(store)
    if kept is None:
        kept = _kept[store] = _Kept()

        def forget(changes: Changes) -> None:  # any write may change a figure: work them out again
            kept.generation += 1
            kept.found = None

        store.listeners.append(forget)
    return kept


def computed(store: Store, period: str, scope: str | None = None) -> tuple[Dataset, Frame, Indicators]:
    """The indicators of `period` and `scope` (as for_store), with the dataset and the frame they were
    worked out in, for the report's lists. The last ones are kept until the store is written to, the day
    changes or the office's policy does: exporting the report of the figures on screen (the Indicators
    page's export) does not read and work out a county's figures a second time."""
    kept = _kept_for(store)
    with kept.lock:
        generation = kept.generation
        chosen = Scope.parse(scope) if scope and scope.strip() else Scope(store.office_code)
        key = (Period.parse(period), chosen, store.today(), caseload.policy_for(store))
        if kept.found is not None and kept.key == key:
            return kept.found
    with collector.paused():  # a county's figures make a million small objects, none of them cyclic
        data, parsed, chosen = prepare(store, period, scope)
        frame = Frame(data, parsed, chosen)
        found = (data, frame, compute(data, parsed, chosen, frame=frame))
        frame.release()  # kept: the report's lists need few timelines
    with kept.lock:
        if kept.generation == generation:  # nothing was written meanwhile
            kept.key, kept.found = key, found
    return found


def _text(text: Text) -> dict[str, str]:
    return {"zh_CN": text.zh, "en": text.en}


def figure_json(f: Figure) -> dict[str, Any]:
    return {
        "key": f.key,
        "kind": f.kind.value,
        "name": _text(f.name),
        "unit": _text(f.unit),
        "numerator": f.numerator,
        "denominator": f.denominator,
        "value": None if f.value is None else round(f.value, 6),
        "definition": _text(f.definition),
        "numerator_ids": [str(i) for i in f.numerator_ids],
        "denominator_ids": [str(i) for i in f.denominator_ids],
        "excluded_ids": [str(i) for i in f.excluded_ids],
        "parts": dict(f.parts),
    }


def to_json(ind: Indicators) -> dict[str, Any]:
    s = ind.series
    return {
        "period": ind.period.code,
        "period_start": ind.period.start.isoformat(),
        "period_end": ind.period.end.isoformat(),
        "scope": ind.scope.code,
        "as_of": ind.as_of.isoformat(),
        "figures": [figure_json(f) for f in ind.figures],
        "series": {
            "months": list(s.months),
            "tests": [vars(m) for m in s.tests],
            "compliance_by_worker": [
                {
                    "worker_id": str(w.worker_id) if w.worker_id else None,
                    "worker": w.worker,
                    "met": w.met,
                    "due": w.due,
                    "value": None if w.value is None else round(w.value, 6),
                }
                for w in s.compliance_by_worker
            ],
            "status": [
                {"month": m.month, "counts": {k.value: v for k, v in m.counts.items()}} for m in s.status
            ],
            "assistance_by_kind": [
                {"kind": r.kind.value, "people": r.people, "records": r.records, "amount": str(r.amount)}
                for r in s.assistance_by_kind
            ],
            "assistance_by_month": [
                {"month": m.month, "people": {k.value: v for k, v in m.people.items()}}
                for m in s.assistance_by_month
            ],
            "consolidation": [
                {
                    "month": c.month,
                    "numerator": c.figure.numerator,
                    "denominator": c.figure.denominator,
                    "value": None if c.figure.value is None else round(c.figure.value, 6),
                }
                for c in s.consolidation
            ],
        },
    }


def percent(value: float | None, kind: FigureKind = FigureKind.RATE) -> str:
    """A figure's value as people read it: 66.67%, a plain count, or "—" when it cannot be computed."""
    if value is None:
        return "—"
    if kind is FigureKind.COUNT:
        return str(int(value))
    return f"{value * 100:.2f}%"
