"""Unlock, one month's indicators and the monthly report, on the demo offices of the run.

Each figure is the first call after the store is opened, as a user meets it: unlock (the worker's
calibrated key and the in-memory index, the median of three), then as the supervisor the month's
indicators (app/indicators, what the Indicators page and ``rehabdesk indicators`` compute) and the report
written to a file as the page's export does it (app/reports: build, XLSX or PDF, the audited write; PDF
drawn by ui/reports_pdf.py), of the figures on screen, which it reuses (app.indicators.summary.computed).
Then the XLSX report on its own, in a store just opened, as ``rehabdesk report`` makes it.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from app.indicators import for_store
from app.reports import export_report
from app.store.unlock import open_store
from bench.office import PERIOD, SUPERVISOR, TODAY, WORKER, demo_office
from bench.report import Row


def run(root: Path, sizes: list[int]) -> list[Row]:
    rows: list[Row] = []
    for size in sizes:
        data_dir, _, facts = demo_office(root, size)
        rows += measure(data_dir, size, facts)
    return rows


def measure(data_dir: Path, size: int, facts: int) -> list[Row]:
    from ui.reports_pdf import report_pdf  # Qt draws the PDF; the core never imports it

    unlocks = []
    for _ in range(3):
        start = time.perf_counter()
        store = open_store(data_dir, *WORKER, today=lambda: TODAY)
        unlocks.append(time.perf_counter() - start)
        store.close()

    store = open_store(data_dir, *SUPERVISOR, today=lambda: TODAY)
    try:
        start = time.perf_counter()
        for_store(store, PERIOD)
        indicators_s = time.perf_counter() - start
        written: dict[str, float] = {}
        with tempfile.TemporaryDirectory(prefix="rehabdesk-report-") as out:
            for fmt in ("xlsx", "pdf"):
                start = time.perf_counter()
                export_report(store, PERIOD, Path(out) / f"report.{fmt}", pdf=report_pdf)
                written[fmt] = time.perf_counter() - start
    finally:
        store.close()

    store = open_store(data_dir, *SUPERVISOR, today=lambda: TODAY)
    try:
        with tempfile.TemporaryDirectory(prefix="rehabdesk-report-") as out:
            start = time.perf_counter()
            export_report(store, PERIOD, Path(out) / "report.xlsx")
            alone_s = time.perf_counter() - start
    finally:
        store.close()

    label = f"{size:,} persons, {facts:,} facts"
    return [
        Row(
            f"unlock ({label}; calibrated key + index, median of 3)",
            statistics.median(unlocks) * 1000,
            "ms",
            "<= 1000 ms",
            metric="unlock",
            persons=size,
            facts=facts,
        ),
        Row(
            f"indicators for one month ({label})",
            indicators_s,
            "s",
            "<= 2 s",
            metric="indicators, one month",
            persons=size,
            facts=facts,
        ),
        Row(
            f"monthly report as XLSX ({label})",
            written["xlsx"],
            "s",
            "<= 5 s",
            metric="XLSX report",
            persons=size,
            facts=facts,
        ),
        Row(
            f"monthly report as XLSX on its own ({label}; rehabdesk report, nothing worked out before)",
            alone_s,
            "s",
            "<= 5 s",
            metric="XLSX report on its own",
            persons=size,
            facts=facts,
        ),
        Row(
            f"monthly report as PDF ({label})",
            written["pdf"],
            "s",
            "<= 5 s",
            metric="PDF report",
            persons=size,
            facts=facts,
        ),
    ]
