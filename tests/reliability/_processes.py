"""The processes the reliability tests kill: the zygote that forks writers and servers (see _writer.py),
and the sync server as a process of its own that a test can SIGKILL and start again on the same port.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from uuid import UUID

import pytest

from sync.server.db import Storage
from tests.sync.e2e.harness import LiveServer, free_port

HERE = Path(__file__).parent
START_TIMEOUT = 30.0
READY_TIMEOUT = 30.0

Key = tuple[str, UUID]


class Zygote:
    """The helper process that forks writers and servers (see _writer.py)."""

    def __init__(self, errors: Path) -> None:
        self.errors_path = errors
        self._errors = errors.open("w")
        self.proc = subprocess.Popen(
            [sys.executable, str(HERE / "_writer.py")],
            cwd=HERE,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._errors,
            text=True,
            bufsize=1,
        )

    def ask(self, timeout: float = 60.0, **request: Any) -> dict[str, int]:
        stdin, stdout = self.proc.stdin, self.proc.stdout
        assert stdin is not None and stdout is not None
        stdin.write(json.dumps(request) + "\n")
        stdin.flush()
        if not select.select([stdout], [], [], timeout)[0]:
            pytest.fail(f"the zygote did not answer {request['cmd']}: {self.errors()}")
        line = stdout.readline()
        if not line:
            pytest.fail(f"the zygote died: {self.errors()}")
        return json.loads(line)

    def errors(self) -> str:
        self._errors.flush()
        return self.errors_path.read_text(errors="replace")[-3000:]

    def close(self) -> None:
        stdin: IO[str] | None = self.proc.stdin
        if stdin is not None:
            stdin.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._errors.close()


class ServerProcess:
    """``rehabdesk-server serve`` on PostgreSQL (or SQLite), forked by the zygote, on one port for life.

    ``kill`` is a SIGKILL (nothing is flushed, no connection closed politely); ``start`` runs it again
    and waits until it answers. What the server holds is read straight from its database, with the
    same helpers as the in-thread ``LiveServer`` of the end-to-end tests.
    """

    def __init__(self, zygote: Zygote, database_url: str, log: Path) -> None:
        self.zygote = zygote
        self.database_url = database_url
        self.log = log
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.storage = Storage(database_url)
        self.pid: int | None = None
        self.starts = 0
        self.kills = 0

    def start(self) -> float:
        """Start it and wait until it answers; the seconds that took."""
        assert self.pid is None, "the server runs already"
        started = time.monotonic()
        argv = [
            "serve",
            "--database-url",
            self.database_url,
            "--port",
            str(self.port),
            "--log-level",
            "warning",
        ]
        self.pid = self.zygote.ask(cmd="serve", argv=argv, log=str(self.log))["pid"]
        self.starts += 1
        while time.monotonic() - started < START_TIMEOUT:
            try:
                with urllib.request.urlopen(f"{self.url}/v1/meta", timeout=1) as answer:
                    answer.read()
                return time.monotonic() - started
            except OSError:
                time.sleep(0.02)
        pytest.fail(f"the sync server did not answer within {START_TIMEOUT:.0f} s:\n{self.log_tail()}")

    def kill(self) -> None:
        if self.pid is None:
            return
        os.kill(self.pid, signal.SIGKILL)
        ended = self.zygote.ask(cmd="reap", pid=self.pid)
        self.pid = None
        self.kills += 1
        assert ended == {"signal": signal.SIGKILL}, (
            f"the server had ended by itself ({ended}):\n{self.log_tail()}"
        )

    def restart(self) -> None:
        self.kill()
        self.start()

    def stop(self) -> None:
        if self.pid is not None:
            self.kill()
            self.kills -= 1  # the end of the test, not a fault
        self.storage.dispose()

    def rss_kb(self) -> int:
        assert self.pid is not None
        status = Path(f"/proc/{self.pid}/status").read_text()
        return int(status.split("VmRSS:")[1].split()[0])

    def log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""

    # What IT does on the server, and what it holds: the end-to-end harness's helpers, on this database.
    office = LiveServer.office
    code = LiveServer.code
    records = LiveServer.records
    applied = LiveServer.applied
    logged_changes = LiveServer.logged_changes


@dataclass
class Report:
    """What a writer said before it was killed."""

    ready: bool = False
    committed: set[Key] = field(default_factory=set)
    in_flight: list[set[Key]] = field(default_factory=list)  # batches begun, commit not reported
    transactions: int = 0  # commits reported
    last_step: str = ""  # a syncing writer: the sync step it was in when killed ("" outside a sync)
    syncs: int = 0  # syncs that ran to their end

    @classmethod
    def read(cls, path: Path) -> Report:
        report = cls()
        batches: dict[str, set[Key]] = {}
        text = path.read_text("utf-8") if path.exists() else ""
        for line in text.splitlines(keepends=True):
            if not line.endswith("\n"):
                break  # cut off by the kill (cannot happen with one write a line, but do not guess)
            words = line.split()
            if words == ["READY"]:
                report.ready = True
            elif words[0] == "S":
                report.last_step = words[1] if words[-1] == "before" else ""
                report.syncs += words[1:] == ["done"]
            elif words == ["GAVE", "UP"]:
                raise AssertionError("the writer gave up waiting to be killed")
            elif words[0] == "T":
                batches[words[1]] = {(w.split(":")[0], UUID(w.split(":")[1])) for w in words[2:]}
            elif words[:2] == ["C", "batch"]:
                report.committed |= batches.pop(words[2])
                report.transactions += 1
            elif words[0] == "C":
                report.committed.add((words[1], UUID(words[2])))
                report.transactions += 1
            else:
                raise AssertionError(f"unexpected line from the writer: {line!r}")
        report.in_flight = list(batches.values())
        return report


def wait_until_ready(report: Path, zygote: Zygote, pid: int) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if report.exists() and report.read_text("utf-8").startswith("READY\n"):
            return
        time.sleep(0.002)
    os.kill(pid, signal.SIGKILL)
    zygote.ask(cmd="reap", pid=pid)
    pytest.fail(f"the writer did not open the store within {READY_TIMEOUT:.0f} s:\n{zygote.errors()}")


def wait_for_line(report: Path, wanted: set[str], after: int, seconds: float) -> tuple[str, int] | None:
    """The first line of ``report`` from byte ``after`` on that is one of ``wanted`` (and where the file
    then ended), or None when none came within ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        data = report.read_bytes()[after:] if report.exists() else b""
        text = data.decode("utf-8", errors="replace")
        for line in text.splitlines(keepends=True):
            if line.endswith("\n") and line.strip() in wanted:
                return line.strip(), after + len(data)
        time.sleep(0.002)
    return None
