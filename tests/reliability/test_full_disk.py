"""A full disk during a write: the user is told the disk is full, and nothing is half-written.

A child process lowers RLIMIT_FSIZE to a little above the largest database file, so the WAL cannot grow
(SIGXFSZ ignored: writes fail with EFBIG, as they would with ENOSPC on a full disk), and attempts writes
too large for it: many persons in one transaction (fails at COMMIT), one person with a note larger than
SQLite's page cache (fails mid-statement, when dirty pages spill to the WAL), and a ledger import, whose
rows each run in a savepoint (fails mid-statement inside a savepoint). After each it lifts the limit and
saves a small record in the same session. The parent then checks, without any limit, that the store
opens, passes SQLite's integrity check and the bookkeeping check, holds none of the attempted persons,
and still holds everything stored before. A CLI variant runs ``python -m app import`` under the limit.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from _full_disk_child import MARGIN, SCENARIOS, write_ledger
from _store_checks import LOGIN, PASSWORD, StoreCheck, check_store, id_number, new_office, person_input

from app.services import facts, persons
from app.services.inputs import DrugTestInput, VisitInput
from app.store.unlock import open_store
from models.enums import TestResult, VisitKind

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not hasattr(signal, "SIGXFSZ"), reason="RLIMIT_FSIZE is POSIX"),
]

HERE = Path(__file__).parent
BORN = date(1966, 6, 6)  # the people stored before the disk fills up
DISK_FULL_ZH = "已满"  # DISK_FULL ("磁盘空间已满") or, for an I/O error such as the simulated one, DISK_FAILED ("磁盘可能已满")
CHILD_TIMEOUT = 120


@dataclass
class Snapshot:
    """What the office holds, read through the services: list rows, and every fact, opened."""

    people: list[tuple[str, str, str]]
    facts: dict[str, list[tuple[str, Any]]]
    check: StoreCheck

    @classmethod
    def take(cls, root: Path) -> Snapshot:
        store = open_store(root, LOGIN, PASSWORD)
        try:
            rows = persons.summaries(store)
            return cls(
                people=[(p.record_no, p.name, p.id_number) for p in rows],
                facts={
                    p.record_no: [
                        (str(h.current.fact_id), h.current.data) for h in facts.history(store, p.id)
                    ]
                    for p in rows
                },
                check=check_store(store),
            )
        finally:
            store.close()


def earlier_office(root: Path) -> None:
    """An office with a little history: five persons, each with a visit and a drug test."""
    store = new_office(root)
    try:
        for seq in range(1, 6):
            person_id = persons.register(store, person_input(BORN, seq)).created[0]
            facts.record(store, VisitInput(person_id, date(2024, 3, seq), VisitKind.HOME, summary="入户走访"))
            facts.record(store, DrugTestInput(person_id, date(2024, 3, seq), result=TestResult.NEGATIVE))
    finally:
        store.close()


def assert_nothing_half_written(
    root: Path, before: Snapshot, attempted: list[str], saved: set[str]
) -> Snapshot:
    """The store after the failures: intact, the earlier data unchanged, only the small saves added."""
    after = Snapshot.take(root)
    assert after.check.ok, after.check.problems
    stored_ids = {idn for _, _, idn in after.people}
    assert stored_ids.isdisjoint(attempted), "a person from a failed write was stored"
    assert after.people == before.people, "the people list changed"
    for record_no, earlier in before.facts.items():
        now = dict(after.facts[record_no])
        assert all(now.get(fact_id) == data for fact_id, data in earlier), f"{record_no}'s facts changed"
    new_rows = {str(i) for _, i in after.check.rows - before.check.rows}
    assert new_rows == saved, "rows other than the small saves after each failure were added"
    return after


# ---- the service layer, in one child process ------------------------------------------------------------
@pytest.fixture(scope="module")
def full_disk_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("full-disk")
    root = folder / "office"
    earlier_office(root)
    ledger = folder / "persons-ledger.csv"
    write_ledger(ledger)
    before = Snapshot.take(root)
    child = subprocess.run(
        [sys.executable, str(HERE / "_full_disk_child.py"), str(root), str(ledger)],
        cwd=HERE,
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT,
    )
    results = {r["scenario"]: r for r in map(json.loads, child.stdout.splitlines())}
    for r in results.values():
        print(
            f"\n[full disk] {r['scenario']}: limit {r['limit']} B (files {r['files_before']}) -> "
            f"{r['outcome']} {r.get('error_type', '')}: {r.get('zh_CN', '')} | cause: {r.get('cause')} | "
            f"then {r['recovery_write']}"
        )
    return {"root": root, "before": before, "child": child, "results": results}


def test_the_child_exits_cleanly_without_a_traceback(full_disk_run: dict[str, Any]) -> None:
    child = full_disk_run["child"]
    assert child.returncode == 0, child.stderr[-3000:]
    assert "Traceback" not in child.stderr, child.stderr[-3000:]
    assert set(full_disk_run["results"]) == set(SCENARIOS), child.stderr[-3000:]


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_the_user_is_told_the_disk_is_full(full_disk_run: dict[str, Any], scenario: str) -> None:
    result = full_disk_run["results"].get(scenario)
    assert result is not None, full_disk_run["child"].stderr[-3000:]
    assert result["files_after"]["rehabdesk.db-wal"] <= result["limit"], "the limit did not hold"
    assert result["outcome"] == "user_error", result.get("traceback") or result
    assert result["error_type"] == "UserError"
    assert DISK_FULL_ZH in result["zh_CN"], (
        f"the user was told {result['zh_CN']!r} instead of that the disk is full (cause: {result['cause']})"
    )
    assert "full" in result["en"]
    # Once space is freed the same session saves again, without a restart.
    assert "visit" in result["recovery_write"], result["recovery_write"]


def test_afterwards_the_store_is_intact_and_holds_no_half_written_record(
    full_disk_run: dict[str, Any],
) -> None:
    results = full_disk_run["results"]
    assert set(results) == set(SCENARIOS), full_disk_run["child"].stderr[-3000:]
    attempted = [idn for r in results.values() for idn in r["attempted_ids"]]
    saved = {r["recovery_write"]["visit"] for r in results.values() if "visit" in r["recovery_write"]}
    after = assert_nothing_half_written(full_disk_run["root"], full_disk_run["before"], attempted, saved)
    print(
        f"\n[full disk] afterwards: integrity ok, {len(after.people)} persons and "
        f"{len(after.check.rows) - len(after.people) - len(saved)} other records as before plus {len(saved)} small saves, "
        f"{after.check.outbox} outbox changes, {after.check.audit} audit entries, chain verified; "
        f"{len(attempted)} attempted persons absent"
    )


# ---- the command line ------------------------------------------------------------------------------------
def test_cli_import_on_a_full_disk_says_so_and_changes_nothing(tmp_path: Path) -> None:
    root = tmp_path / "office"
    earlier_office(root)
    ledger = tmp_path / "persons-ledger.csv"
    write_ledger(ledger)
    before = Snapshot.take(root)
    limit = max(p.stat().st_size for p in root.glob("rehabdesk.db*")) + MARGIN

    def full_disk() -> None:  # runs in the child between fork and exec
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))

    env = dict(os.environ, REHABDESK_PASSWORD=PASSWORD, REHABDESK_LANG="zh_CN")
    env.pop("REHABDESK_DATA_DIR", None)
    child = subprocess.run(
        [
            sys.executable,
            "-m",
            "app",
            "import",
            "persons",
            str(ledger),
            "--data-dir",
            str(root),
            "--user",
            LOGIN,
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT,
        preexec_fn=full_disk,
    )
    print(
        f"\n[full disk] CLI import under a {limit} B limit: exit {child.returncode}: {child.stderr.strip()}"
    )
    assert "Traceback" not in child.stderr
    assert child.returncode == 1, child.stderr
    assert DISK_FULL_ZH in child.stderr, f"the user was told {child.stderr.strip()!r}"

    born, count = SCENARIOS["a ledger import, one savepoint a row"]
    assert_nothing_half_written(root, before, [id_number(born, seq) for seq in range(1, count + 1)], set())
