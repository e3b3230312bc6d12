"""A writer process killed at random points, over many rounds, loses nothing it said was saved.

Each round a fresh writer process opens the store and records facts (single records, and batches that
may register a person) until the test kills it with SIGKILL at a random moment. The test then opens
the store as the app would and checks that SQLite's integrity check passes, that every record the
writer reported after its commit returned is there, that a batch caught mid-flight is there whole or
not at all, that each record has exactly one outbox change and one audit entry (and no outbox change or
audit entry lacks its record), that the outbox sequence has no gap, and that the audit chain verifies.

A process kill leaves the operating system's page cache intact, so this proves atomicity and recovery
after a crash of the app, not durability across a power cut (that is what synchronous=FULL is for).

REHABDESK_RELIABILITY_SEED replays a run; ``--reliability-rounds N`` (or REHABDESK_RELIABILITY_rounds)
lengthens it.
"""

from __future__ import annotations

import os
import random
import signal
import time
from datetime import date
from pathlib import Path

import pytest
from _processes import Key, Report, Zygote, wait_until_ready
from _store_checks import (
    FACT_TABLES,
    LOGIN,
    PASSWORD,
    StoreCheck,
    check_store,
    new_office,
    person_input,
)
from sqlalchemy import delete

from app.services import facts, persons
from app.services.inputs import VisitInput
from app.store.unlock import open_store
from models import AuditEntry, OutboxChange
from models.enums import VisitKind
from tests.figures import Figures

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not hasattr(os, "fork"), reason="the writer is forked from a zygote (POSIX)"),
]

SEED = int(os.environ.get("REHABDESK_RELIABILITY_SEED", "20250611"))
CI_ROUNDS = 16
KILL_AFTER = (0.050, 0.400)  # seconds after the writer said its store is open
KILL_WHILE_STARTING = (0.0, 0.050)  # seconds after the writer process was forked

BORN = date(1965, 5, 5)  # the people the office starts with


def reopen_and_check(root: Path) -> StoreCheck:
    store = open_store(root, LOGIN, PASSWORD)  # as the app opens it: recovery of the WAL happens here
    try:
        return check_store(store)
    finally:
        store.close()


def test_a_writer_killed_at_random_points_loses_no_committed_record(
    tmp_path: Path, zygote: Zygote, figures: Figures
) -> None:
    started = time.monotonic()
    rounds = figures.rounds(CI_ROUNDS)
    root = tmp_path / "office"
    store = new_office(root)
    for seq in range(1, 5):
        persons.register(store, person_input(BORN, seq))
    store.close()
    before = reopen_and_check(root)
    assert before.ok, before.problems

    rng = random.Random(SEED)
    stats = dict.fromkeys(
        ("kills", "before_ready", "reported", "transactions", "rolled_back", "unreported"), 0
    )
    lost: list[Key] = []
    for round_no in range(1, rounds + 1):
        report_path = tmp_path / f"round-{round_no:02d}.txt"
        # Most rounds kill while writing, a random time after the store is open; every fifth kills
        # a writer that is still starting (opening the store, reading the people list).
        while_starting = round_no % 5 == 0
        delay = rng.uniform(*(KILL_WHILE_STARTING if while_starting else KILL_AFTER))
        pid = zygote.ask(
            cmd="run", root=str(root), report=str(report_path), seed=rng.randrange(2**32), round=round_no
        )["pid"]
        if not while_starting:
            wait_until_ready(report_path, zygote, pid)
        time.sleep(delay)
        os.kill(pid, signal.SIGKILL)
        ended = zygote.ask(cmd="reap", pid=pid)
        assert ended == {"signal": signal.SIGKILL}, (
            f"round {round_no}: the writer ended by itself ({ended}) instead of being killed:\n{zygote.errors()}"
        )
        stats["kills"] += 1
        report = Report.read(report_path)
        stats["before_ready"] += not report.ready

        after = reopen_and_check(root)
        assert after.ok, f"round {round_no} (seed {SEED}): {after.problems[:10]}"
        lost += sorted(report.committed - after.rows, key=str)
        assert not lost, f"round {round_no} (seed {SEED}): reported committed but missing: {lost[:5]}"

        # The batch caught by the kill is all there or not there at all.
        committed_unreported = 0
        for batch in report.in_flight:
            present = batch & after.rows
            assert present in (set(), batch), (
                f"round {round_no}: a batch of {len(batch)} records is half stored ({len(present)})"
            )
            committed_unreported += bool(present)
            stats["rolled_back"] += not present
        # Anything else new must be the one single record whose commit returned as the kill came.
        # (Work-group members come with their person; the outbox check above accounts for them.)
        new_records = {key for key in after.rows - before.rows if key[0] != "work_group_member"}
        unexplained = new_records - report.committed - set().union(*report.in_flight)
        committed_unreported += bool(unexplained)
        assert len(unexplained) <= 1 and committed_unreported <= 1, (
            f"round {round_no}: records nobody reported: {sorted(unexplained, key=str)[:5]}"
        )
        assert before.rows <= after.rows, f"round {round_no}: earlier records vanished"
        stats["unreported"] += committed_unreported
        stats["reported"] += len(report.committed)
        stats["transactions"] += report.transactions
        before = after

    # Finally read everything back through the services: every sealed record still opens.
    store = open_store(root, LOGIN, PASSWORD)
    try:
        people = persons.summaries(store)
        opened = {
            (h.current.kind.value, h.current.fact_id) for p in people for h in facts.history(store, p.id)
        }
    finally:
        store.close()
    assert {p.id for p in people} == before.ids("person")
    assert opened == {key for key in before.rows if key[0] in FACT_TABLES}

    figures.record(
        "killed writer",
        rounds=rounds,
        faults={"SIGKILL": stats["kills"], "while opening the store": stats["before_ready"]},
        checked=len(before.rows),
        lost=len(lost),
        seconds=time.monotonic() - started,
    )
    print(
        f"\n[killed writer] seed {SEED}: {rounds} rounds, {stats['kills']} SIGKILLs "
        f"({stats['before_ready']} while opening the store), {stats['transactions']} commits reported "
        f"holding {stats['reported']} records, {len(before.rows)} records checked "
        f"({len(before.ids('person'))} persons), {before.outbox} outbox changes, {before.audit} audit entries; "
        f"in-flight batches rolled back whole: {stats['rolled_back']}, committed but unreported: "
        f"{stats['unreported']}; records lost: {len(lost)}; {time.monotonic() - started:.1f} s"
    )


# ---- the check itself must catch what it looks for ------------------------------------------------------
@pytest.mark.parametrize("damage", ["outbox", "audit"])
def test_the_check_notices_a_record_without_its_bookkeeping(tmp_path: Path, damage: str) -> None:
    store = new_office(tmp_path / "office")
    try:
        person_id = persons.register(store, person_input(BORN, 1)).created[0]
        visit_id = facts.record(store, VisitInput(person_id, BORN, VisitKind.HOME)).created[0]
        facts.record(store, VisitInput(person_id, BORN, VisitKind.PHONE))
        assert check_store(store).ok
        with store.engine.begin() as connection:
            if damage == "outbox":
                connection.execute(delete(OutboxChange).where(OutboxChange.entity_id == visit_id))
            else:
                connection.execute(delete(AuditEntry).where(AuditEntry.entity_id == visit_id))
        problems = check_store(store).problems
    finally:
        store.close()
    assert any(str(visit_id) in p for p in problems), problems
    expected = "outbox seq" if damage == "outbox" else "audit chain broken"
    assert any(p.startswith(expected) for p in problems), problems
