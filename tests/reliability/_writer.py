"""The writer process of the killed-writer tests, the sync server process, and the zygote that forks both.

Importing the app (or the server) costs seconds; a fresh interpreter per round would spend the test's
time there. So ``python _writer.py`` imports both once (opening nothing: no SQLite or PostgreSQL
connection, no thread exists when it forks) and serves one JSON command a line on stdin, answering one
JSON line on stdout:

    {"cmd": "run", "root": ..., "report": ..., "seed": ..., "round": ..., "sync": bool}  ->  {"pid": N}
    {"cmd": "serve", "argv": [...], "log": ...}  ->  {"pid": N}
    {"cmd": "reap", "pid": N}  ->  {"signal": S} or {"exit": code}

"serve" forks a process that runs ``rehabdesk-server`` with ``argv`` (``serve --database-url … --port
…``): the real server, minus the interpreter's start-up. A forked writer opens the store as the app does
(``open_store``) and writes until it is killed, printing to its report file, each line flushed:

    READY                          the store is open
    C <table> <id>                 a single-record service call returned: the record is committed
    T <n> <table>:<id> ...         inside batch transaction n, just before its commit
    C batch <n>                    batch n's commit returned

With "sync", it also syncs (``sync.client.flow``, as ``rehabdesk sync --once`` does) after every few
writes, and says where each sync stands:

    S <step> before|after          a step of the sync flow (meta, push, ack, pull, apply, ...)
    S done | S failed <code>       how the sync ended (a server that is down is "failed network")
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import random
import signal
import sys
import time
import traceback
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from _store_checks import LOGIN, PASSWORD, birth_of_round, person_input

import sync.server.app  # noqa: F401  (imported here once, so a forked server starts in a blink)
from app.services import facts, persons
from app.services.inputs import DrugTestInput, VisitInput, WorkGroupMemberInput
from app.store.store import Store
from app.store.unlock import open_store
from models.enums import TestResult, VisitKind, WorkGroupRole
from sync.client.errors import SyncError
from sync.client.flow import run_flow, sync_flow
from sync.client.transport import Transport
from sync.server import cli as server_cli

GIVE_UP_SECONDS = 30  # a writer nobody kills (the test died) stops by itself
PR_SET_PDEATHSIG = 1
SYNC_TIMEOUT = 3.0  # seconds a sync request may take (a killed server answers nothing)


def write_until_killed(root: Path, report: Path, seed: int, round_no: int, sync: bool = False) -> None:
    rng = random.Random(seed)
    out = open(report, "a", encoding="utf-8")  # noqa: SIM115 (lives until the process is killed)

    def say(line: str) -> None:
        out.write(line + "\n")
        out.flush()  # one write(2) a line: in the file before the next record starts

    store = open_store(root, LOGIN, PASSWORD)
    people = [p.id for p in persons.summaries(store)]
    say("READY")
    born = birth_of_round(round_no)
    registered = 0
    batch = 0
    writes_until_sync = rng.randint(1, 4)
    deadline = time.monotonic() + GIVE_UP_SECONDS
    while time.monotonic() < deadline:
        if sync:
            writes_until_sync -= 1
            if writes_until_sync <= 0:
                sync_once(store, say)
                writes_until_sync = rng.randint(1, 4)
                people = [p.id for p in persons.summaries(store)]  # the sync may have brought more
        on = date(2024, 1, 1) + timedelta(days=rng.randrange(300))
        roll = rng.random()
        if roll < 0.35:
            visit = VisitInput(rng.choice(people), on, rng.choice(list(VisitKind)), summary="例行走访" * 20)
            say(f"C visit {facts.record(store, visit).created[0]}")
        elif roll < 0.7:
            test = DrugTestInput(
                rng.choice(people), on, result=rng.choice(list(TestResult)), notes="现场尿检"
            )
            say(f"C drug_test {facts.record(store, test).created[0]}")
        else:
            # A larger transaction: maybe a new person (with a work-group member), then several facts.
            batch += 1
            written: list[str] = []
            with store.write() as tx:
                if rng.random() < 0.5:
                    registered += 1
                    new = person_input(born, registered)
                    new.work_group = [WorkGroupMemberInput(WorkGroupRole.FAMILY, "家属甲")]
                    person_id = persons.add(tx, new)
                    written.append(f"person:{person_id}")
                    people.append(person_id)
                for _ in range(rng.randint(2, 8)):
                    visit = VisitInput(rng.choice(people), on, VisitKind.HOME, summary="批量录入" * 50)
                    written.append(f"visit:{facts.add(tx, visit)}")
                say(f"T {batch} {' '.join(written)}")
            say(f"C batch {batch}")
    say("GAVE UP")


def sync_once(store: Store, say: Any) -> None:
    def hook(step: str, when: str) -> None:
        say(f"S {step} {when}")

    try:
        run_flow(store, sync_flow(Transport, timeout=SYNC_TIMEOUT), hook)
    except SyncError as error:
        say(f"S failed {error.kind if error.code == 'network' else error.code}")
    else:
        say("S done")


def run_server(argv: list[str], log: Path) -> int:
    """``rehabdesk-server`` with ``argv``, its output in ``log``, detached from the zygote's pipes."""
    with contextlib.suppress(OSError, AttributeError):  # Linux: die with the zygote, never linger
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    sys.stdin = open(0, closefd=False)  # noqa: SIM115
    sys.stdout = open(1, "w", closefd=False)  # noqa: SIM115
    sys.stderr = open(2, "w", closefd=False)  # noqa: SIM115
    return server_cli.main(argv)


def serve() -> None:
    for line in sys.stdin:
        request = json.loads(line)
        if request["cmd"] == "run":
            sys.stdout.flush()
            pid = os.fork()
            if pid == 0:
                code = 0
                try:
                    write_until_killed(
                        Path(request["root"]),
                        Path(request["report"]),
                        request["seed"],
                        request["round"],
                        request.get("sync", False),
                    )
                except BaseException:
                    traceback.print_exc()
                    code = 1
                finally:
                    sys.stderr.flush()
                    os._exit(code or 3)
            answer: dict[str, int] = {"pid": pid}
        elif request["cmd"] == "serve":
            sys.stdout.flush()
            pid = os.fork()
            if pid == 0:
                code = 0
                try:
                    code = run_server(request["argv"], Path(request["log"]))
                except BaseException:
                    traceback.print_exc()
                    code = 1
                finally:
                    sys.stderr.flush()
                    os._exit(code)
            answer = {"pid": pid}
        elif request["cmd"] == "reap":
            _, status = os.waitpid(request["pid"], 0)
            if os.WIFSIGNALED(status):
                answer = {"signal": os.WTERMSIG(status)}
            else:
                answer = {"exit": os.waitstatus_to_exitcode(status)}
        else:
            return
        print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    serve()
