"""The writer process of the killed-writer test, and the zygote that forks it.

Importing the app costs seconds; a fresh interpreter per round would spend the test's time there. So
``python _writer.py`` imports the app once (opening nothing: no SQLite connection, no thread exists
when it forks) and serves one JSON command a line on stdin, answering one JSON line on stdout:

    {"cmd": "run", "root": ..., "report": ..., "seed": ..., "round": ...}  ->  {"pid": N}
    {"cmd": "reap", "pid": N}  ->  {"signal": S} or {"exit": code}

A forked writer opens the store as the app does (``open_store``) and writes until it is killed,
printing to its report file, each line flushed:

    READY                          the store is open
    C <table> <id>                 a single-record service call returned: the record is committed
    T <n> <table>:<id> ...         inside batch transaction n, just before its commit
    C batch <n>                    batch n's commit returned
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
import traceback
from datetime import date, timedelta
from pathlib import Path

from _store_checks import LOGIN, PASSWORD, birth_of_round, person_input

from app.services import facts, persons
from app.services.inputs import DrugTestInput, VisitInput, WorkGroupMemberInput
from app.store.unlock import open_store
from models.enums import TestResult, VisitKind, WorkGroupRole

GIVE_UP_SECONDS = 30  # a writer nobody kills (the test died) stops by itself


def write_until_killed(root: Path, report: Path, seed: int, round_no: int) -> None:
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
    deadline = time.monotonic() + GIVE_UP_SECONDS
    while time.monotonic() < deadline:
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
                        Path(request["root"]), Path(request["report"]), request["seed"], request["round"]
                    )
                except BaseException:
                    traceback.print_exc()
                    code = 1
                finally:
                    sys.stderr.flush()
                    os._exit(code or 3)
            answer: dict[str, int] = {"pid": pid}
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
