"""The app's writer and the sync server killed at random points, over many rounds: nothing confirmed is
lost, nothing is applied twice, and everyone ends up holding the same records.

Computer A is a process that records facts and syncs after every few writes (``sync.client.flow``, as
``rehabdesk sync --once`` does), reporting each record once its commit returned and each step of each
sync. The server is ``rehabdesk-server serve`` on PostgreSQL, a process of its own. Every round:
computer B (in this process, never killed) records something and syncs, so A has something to pull;
A starts; in most rounds the server is SIGKILLed just as A's push or pull is under way, and started
again; then A is SIGKILLed, at a random step of a sync or a random moment of writing. After each round
A's store passes the same checks as in the killed-writer test (SQLite's integrity check, the audit
chain, one outbox change and one audit entry per record, a gap-free outbox) and holds every record it
reported committed. At the end, with nothing killed, A and B sync until nothing waits, and then: the
server has taken each of A's outbox changes exactly once, its change log holds each change once, and
A, B and the server hold the same records.

REHABDESK_RELIABILITY_SEED replays a run; ``--reliability-rounds N`` lengthens it.
"""

from __future__ import annotations

import os
import random
import signal
import time
from argparse import Namespace
from collections import Counter
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from _processes import Key, Report, ServerProcess, Zygote, wait_for_line, wait_until_ready
from _store_checks import (
    ADMIN_LOGIN,
    ADMIN_PASSWORD,
    LOGIN,
    OFFICE,
    PASSWORD,
    check_store,
    new_office,
    person_input,
)

from app.services import persons, sync_status
from app.store.unlock import open_store
from sync.client import commands
from sync.client.flow import run_flow, sync_flow
from sync.client.transport import Transport
from tests.figures import Figures
from tests.sync.e2e.harness import SERVER_KEEPS, Device, differences

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not hasattr(os, "fork"), reason="the writer and the server are forked (POSIX)"),
]

SEED = int(os.environ.get("REHABDESK_RELIABILITY_SEED", "20250611"))
CI_ROUNDS = 8
BORN = date(1964, 4, 4)
SERVER_KILLED_DURING = ("push", "pull")  # the client's steps during which the server does the work
DEVICE_KILLED_DURING = ("build", "push", "ack", "pull", "apply", None)  # None: a random moment
STEP_WAIT = 10.0


def enrol(root: Path, server: ServerProcess) -> str:
    """IT enrols computer A (the administrator's login); its device id."""
    admin = open_store(root, ADMIN_LOGIN, ADMIN_PASSWORD)
    try:
        commands.enroll(admin, Namespace(server=server.url, code=server.code(OFFICE), timeout=5.0))
        from sync.client.state import read_credentials

        creds = read_credentials(admin)
        assert creds is not None
        return creds.device_id
    finally:
        admin.close()


def sync_until_quiet(root: Path, attempts: int = 6) -> int:
    """Sync A here until nothing waits; the changes still waiting after that."""
    store = open_store(root, LOGIN, PASSWORD)
    try:
        for _ in range(attempts):
            run_flow(store, sync_flow(Transport, timeout=10.0))
            pending = sync_status.read_status(store).pending
            if pending == 0:
                break
        return pending
    finally:
        store.close()


def records_of(root: Path) -> dict[tuple[str, str], dict[str, Any]]:
    """A's records as the end-to-end harness compares them (its Device.records over A's store)."""
    store = open_store(root, LOGIN, PASSWORD)
    try:
        return Device.records(SimpleNamespace(store=store, office=OFFICE))  # type: ignore[arg-type]
    finally:
        store.close()


def outbox_of(root: Path) -> list[tuple[int, bool, str | None]]:
    store = open_store(root, LOGIN, PASSWORD)
    try:
        return Device.outbox(SimpleNamespace(store=store))  # type: ignore[arg-type]
    finally:
        store.close()


def test_the_writer_and_the_server_killed_at_random_lose_nothing_and_apply_nothing_twice(
    tmp_path: Path, zygote: Zygote, server_process: ServerProcess, figures: Figures
) -> None:
    started = time.monotonic()
    rounds = figures.rounds(CI_ROUNDS)
    rng = random.Random(SEED)
    server = server_process
    root = tmp_path / "a"
    store = new_office(root)
    for seq in range(1, 4):
        persons.register(store, person_input(BORN, seq))
    store.close()
    device_a = enrol(root, server)
    b = Device("b", tmp_path / "b", OFFICE, server.url)
    b.enroll(server.url, server.code(OFFICE))

    from_b: set[Key] = set()  # records B made: they reach A by sync, without an outbox change there
    committed: set[Key] = set()
    lost: list[Key] = []
    server_kills: Counter = Counter()
    device_kills: Counter = Counter()
    restart_seconds: list[float] = []
    try:
        for round_no in range(1, rounds + 1):
            person = b.register(f"乙方{round_no:02d}", 301 + 2 * round_no)
            from_b |= {("person", person), ("visit", b.visit(person, f"乙方第{round_no}轮家访"))}
            assert b.try_sync(), f"round {round_no}: B could not sync with a healthy server"

            report_path = tmp_path / f"round-{round_no:02d}.txt"
            pid = zygote.ask(
                cmd="run",
                root=str(root),
                report=str(report_path),
                seed=rng.randrange(2**32),
                round=round_no,
                sync=True,
            )["pid"]
            wait_until_ready(report_path, zygote, pid)
            seen = 0
            if rng.random() < 0.75:
                step = SERVER_KILLED_DURING[sum(server_kills.values()) % len(SERVER_KILLED_DURING)]
                hit = wait_for_line(report_path, {f"S {step} before"}, seen, STEP_WAIT)
                assert hit, f"round {round_no}: A never began a {step}:\n{zygote.errors()}"
                seen = hit[1]
                time.sleep(rng.uniform(0, 0.03))  # the request is on its way, or the server is at it
                server.kill()
                server_kills[step] += 1
                restart_seconds.append(server.start())
            step = rng.choice(DEVICE_KILLED_DURING)
            if step is None:
                time.sleep(rng.uniform(0.05, 0.4))
            else:
                hit = wait_for_line(report_path, {f"S {step} before"}, seen, STEP_WAIT)
                assert hit, f"round {round_no}: A never began a {step}:\n{zygote.errors()}"
                time.sleep(rng.uniform(0, 0.01))
            os.kill(pid, signal.SIGKILL)
            ended = zygote.ask(cmd="reap", pid=pid)
            assert ended == {"signal": signal.SIGKILL}, (
                f"round {round_no}: A ended by itself:\n{zygote.errors()}"
            )
            report = Report.read(report_path)
            device_kills[report.last_step or "writing"] += 1

            store = open_store(root, LOGIN, PASSWORD)  # as the app opens it: recovery of the WAL happens here
            try:
                after = check_store(store, pulled=from_b)
            finally:
                store.close()
            assert after.ok, f"round {round_no} (seed {SEED}): {after.problems[:10]}"
            for batch in report.in_flight:
                assert batch & after.rows in (set(), batch), f"round {round_no}: a batch is half stored"
            committed |= report.committed
            lost = sorted(committed - after.rows, key=str)
            assert not lost, f"round {round_no} (seed {SEED}): reported committed but missing: {lost[:5]}"
    finally:
        b.close()

    if rounds >= 4:
        assert set(server_kills) == set(SERVER_KILLED_DURING), server_kills
    # Nothing killed any more: both sync until nothing waits, then everyone holds the same records.
    assert sync_until_quiet(root) == 0
    b.open()
    try:
        b.sync()
        assert sync_until_quiet(root) == 0
        held_by_a, held_by_b = records_of(root), b.records()
        outbox = outbox_of(root)
        assert [seq for seq, acked, reason in outbox if not acked or reason] == []
        assert server.applied(device_a) == [seq for seq, _, _ in outbox], (
            "the server did not take each change once"
        )
        assert server.applied(b.store_device_id) == [seq for seq, _, _ in b.outbox()]
        twice = [change for change, n in Counter(server.logged_changes()).items() if n > 1]
        assert twice == [], f"the server logged a change twice: {twice[:5]}"
        assert differences(held_by_a, held_by_b) == []
        assert differences(held_by_a, server.records(OFFICE), ignore=SERVER_KEEPS) == []
        missing = {key for key in committed if (key[0], str(key[1])) not in held_by_a}
        assert not missing, f"committed on A but not synced: {sorted(missing, key=str)[:5]}"
    finally:
        b.close()

    figures.record(
        "killed writer and server",
        rounds=rounds,
        faults={
            "server SIGKILL mid-push": server_kills["push"],
            "server SIGKILL mid-pull": server_kills["pull"],
            "writer SIGKILL": sum(device_kills.values()),
        },
        checked=len(held_by_a),
        lost=len(lost),
        seconds=time.monotonic() - started,
        notes="writer killed during: " + ", ".join(f"{k} {n}" for k, n in sorted(device_kills.items())),
    )
    print(
        f"\n[killed writer and server] seed {SEED}: {rounds} rounds; server SIGKILLed {sum(server_kills.values())} "
        f"times ({dict(server_kills)}), restarted in {max(restart_seconds, default=0):.2f} s at most; writer "
        f"SIGKILLed {sum(device_kills.values())} times, during {dict(device_kills)}; {len(committed)} records "
        f"reported committed, {len(held_by_a)} records on A, B and the server alike, {len(outbox)} outbox "
        f"changes each applied once; records lost: {len(lost)}; {time.monotonic() - started:.1f} s"
    )
