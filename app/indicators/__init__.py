"""Indicators for supervisors (DOMAIN.md's table): pure functions over a Dataset, read from the store once.

    from app.indicators import for_store, to_json
    ind = for_store(store, "2026-10", "640104")   # a county: every office whose code starts with it
    ind.figure("test_compliance").value           # windows met ÷ windows due, None when none were due

The semantics (transfers, suspensions, empty periods) are in docs/indicators.md.
"""

from app.indicators.compute import Figure, FigureKind, Frame
from app.indicators.data import AssistanceFact, Dataset, PersonRecord
from app.indicators.period import Period, Scope
from app.indicators.summary import Indicators, compute, for_store, percent, prepare, to_json

__all__ = [
    "AssistanceFact",
    "Dataset",
    "Figure",
    "FigureKind",
    "Frame",
    "Indicators",
    "Period",
    "PersonRecord",
    "Scope",
    "compute",
    "for_store",
    "percent",
    "prepare",
    "to_json",
]
