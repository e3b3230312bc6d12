"""The rules over a whole office: every task for every person, and one person after a new fact.

"First time after unlock" is what a user meets every day: the persons' facts come from the kept rules
views (app.services.caseload_reader). "Nothing kept" is the first unlock after the upgrade that brought
them, when every fact is read from the tables once.
"""

from __future__ import annotations

import sqlite3
import statistics
import time
from pathlib import Path

from app.services import caseload, persons
from app.services.facts import record
from app.services.inputs import VisitInput
from app.store.unlock import open_store
from bench.office import TODAY, WORKER, demo_office
from bench.report import Row
from models.enums import VisitKind


def run(root: Path, sizes: list[int]) -> list[Row]:
    rows: list[Row] = []
    for size in sizes:
        data_dir, _, facts = demo_office(root, size)
        rows += measure(data_dir, size, facts)
    return rows


def first_reading(data_dir: Path) -> float:
    """Seconds for every task of the office, the first thing after unlock."""
    store = open_store(data_dir, *WORKER, today=lambda: TODAY)
    try:
        start = time.perf_counter()
        caseload.caseload(store)
        return time.perf_counter() - start
    finally:
        store.close()


def measure(data_dir: Path, size: int, facts: int) -> list[Row]:
    # Nothing kept, as on the first unlock after the upgrade that brought the rules views: every fact
    # is read from the tables (and the views are kept for the next time).
    with sqlite3.connect(data_dir / "rehabdesk.db") as db:
        db.execute("DELETE FROM rules_view")
    nothing_kept = first_reading(data_dir)
    store = open_store(data_dir, *WORKER, today=lambda: TODAY)
    try:
        start = time.perf_counter()
        reviews = caseload.caseload(store)
        cold = time.perf_counter() - start
        start = time.perf_counter()
        caseload.caseload(store)
        warm = time.perf_counter() - start
        someone = persons.summaries(store)[0].id
        timings = []
        for _ in range(20):
            record(store, VisitInput(person_id=someone, visited_on=TODAY, kind=VisitKind.PHONE))
            start = time.perf_counter()
            caseload.person_review(store, someone)
            timings.append(time.perf_counter() - start)
    finally:
        store.close()
    tasks = sum(len(r.tasks) for r in reviews.values())
    label = f"{size:,} persons, {facts:,} facts"
    return [
        Row(
            f"all tasks, first time after unlock ({label}; {tasks:,} tasks)",
            cold,
            "s",
            "<= 2 s",
            metric="all tasks",
            persons=size,
            facts=facts,
        ),
        Row(
            f"all tasks, first time with nothing kept (first unlock after the upgrade; {label})",
            nothing_kept,
            "s",
        ),
        Row(f"all tasks, facts cached ({label})", warm, "s", "<= 2 s"),
        Row(
            f"one person's tasks after a new fact ({label}, median)",
            statistics.median(timings) * 1000,
            "ms",
            "<= 5 ms",
        ),
    ]
