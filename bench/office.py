"""A demo office for benchmarks, made once per size and reused within the run."""

from __future__ import annotations

import json
import shutil
import time
from datetime import date
from functools import cache
from pathlib import Path

from app.crypto.kdf import FAST
from app.demo.load import create_demo_office
from app.demo.office import (
    ADMIN_LOGIN,
    ADMIN_PASSWORD,
    SUPERVISOR_LOGIN,
    SUPERVISOR_PASSWORD,
    WORKER_LOGINS,
    WORKER_PASSWORD,
)
from app.services import caseload, users
from app.store.unlock import open_store
from bench.report import Row

TODAY = date(2026, 6, 30)
PERIOD = "2026-06"  # the month that ends on TODAY: "one month's indicators"
WORKER = (WORKER_LOGINS[0], WORKER_PASSWORD)  # reads personal files (the administrator may not)
SUPERVISOR = (SUPERVISOR_LOGIN, SUPERVISOR_PASSWORD)  # indicators and reports


KEPT: Path | None = None  # python -m bench --offices DIR: offices made once, reused by later runs


@cache
def demo_office(root: Path, persons: int) -> tuple[Path, float, int]:
    """(data dir, seconds to make it, facts) — made through the services like real data.

    With KEPT set, the office is made there once (the 10,000-person one takes about half an hour) and
    each run works on a fresh copy of it, so no run sees another's writes.
    """
    target = root / f"office-{persons}"
    source = target if KEPT is None else KEPT / f"office-{persons}"
    made = source / "bench-office.json"
    if not made.exists():
        start = time.perf_counter()
        # A cheap key makes the office quickly; the logins the benchmarks use get a calibrated one below.
        summary = create_demo_office(source, persons=persons, seed=1, today=TODAY, kdf=FAST)
        calibrate_logins(source)
        made.write_text(json.dumps({"seconds": time.perf_counter() - start, "facts": summary.facts}))
    settle(source)
    if source != target:
        shutil.copytree(source, target)
    record = json.loads(made.read_text())
    return target, record["seconds"], record["facts"]


def settle(data_dir: Path) -> None:
    """As an office is after its first day: at the schema's head, the rules views kept (the first read
    of a caseload keeps them, app.services.caseload_reader), no upgrade backups to copy around."""
    store = open_store(data_dir, *WORKER, today=lambda: TODAY)
    try:
        caseload.person_facts(store)
    finally:
        store.close()
    shutil.rmtree(data_dir / "backups", ignore_errors=True)


def calibrate_logins(data_dir: Path) -> None:
    """Re-wrap the worker's and the supervisor's keys with the key derivation a real office calibrates
    (Argon2id at 0.25–0.5 s on this machine), so a timed unlock includes it as a user's does."""
    store = open_store(data_dir, ADMIN_LOGIN, ADMIN_PASSWORD, today=lambda: TODAY)
    try:
        for login, password in (WORKER, SUPERVISOR):
            users.set_password(store, login, password)
    finally:
        store.close()


def office_rows(root: Path, sizes: list[int]) -> list[Row]:
    """How long each office took to make through the services (every fact with its outbox and audit)."""
    rows = []
    for size in sizes:
        _, seconds, facts = demo_office(root, size)
        rows.append(
            Row(
                f"make the demo office through the services ({size:,} persons, {facts:,} facts)", seconds, "s"
            )
        )
    return rows
