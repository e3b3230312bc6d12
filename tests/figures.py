"""The reliability and hostile-input tests' figures: how many rounds, faults, records checked and lost.

A pytest plugin (loaded by tests/conftest.py). Each test hands its figures to the ``figures`` fixture;
at the end of the run they are printed as one table, and ``--reliability-report PATH`` writes them:
as JSON for a ``.json`` path, or into the figures block of a Markdown file (docs/reliability.md), so
the document is refreshed by one command. ``--reliability-rounds N`` (or $REHABDESK_RELIABILITY_ROUNDS)
runs every round-based test N rounds instead of its bounded CI default.
"""

from __future__ import annotations

import json
import os
import platform
import re
import sys
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

START = "<!-- reliability-figures:start -->"
END = "<!-- reliability-figures:end -->"


@dataclass
class Figure:
    test: str  # the short name the document uses
    rounds: int
    faults: dict[str, int]  # kind of fault → how many were injected
    checked: int  # records (or values, files, requests) checked afterwards
    lost: int  # records lost, or bad inputs that got through: 0 is the only passing value
    seconds: float
    notes: str = ""


@dataclass
class Figures:
    rounds_option: int | None
    entries: list[Figure] = field(default_factory=list)

    def rounds(self, default: int) -> int:
        """The rounds a round-based test runs: the option, else the environment, else its CI default."""
        if self.rounds_option:
            return self.rounds_option
        return int(os.environ.get("REHABDESK_RELIABILITY_ROUNDS", "0") or 0) or default

    def record(
        self,
        test: str,
        *,
        rounds: int,
        faults: dict[str, int],
        checked: int,
        lost: int,
        seconds: float,
        notes: str = "",
    ) -> None:
        self.entries.append(Figure(test, rounds, dict(faults), checked, lost, round(seconds, 1), notes))


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("reliability", "reliability harness (tests/reliability, tests/hostile)")
    group.addoption(
        "--reliability-rounds",
        type=int,
        default=None,
        metavar="N",
        help="rounds for every round-based reliability test (default: each test's bounded CI figure; "
        "also $REHABDESK_RELIABILITY_ROUNDS)",
    )
    group.addoption(
        "--reliability-report",
        default=None,
        metavar="PATH",
        help="write the figures: PATH.json as JSON, PATH.md into its figures block (docs/reliability.md)",
    )


_FIGURES_KEY = pytest.StashKey[Figures]()


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_FIGURES_KEY] = Figures(config.getoption("--reliability-rounds"))


@pytest.fixture(scope="session")
def figures(pytestconfig: pytest.Config) -> Figures:
    return pytestconfig.stash[_FIGURES_KEY]


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    collected = config.stash.get(_FIGURES_KEY, None)
    if collected is None or not collected.entries:
        return
    terminalreporter.section("reliability figures")
    for line in table(collected.entries):
        terminalreporter.write_line(line)
    target = config.getoption("--reliability-report")
    if target:
        write_report(Path(target), collected.entries, config)
        terminalreporter.write_line(f"figures written to {target}")


def table(entries: list[Figure]) -> list[str]:
    rows = [
        "| test | rounds | faults injected | checked | lost | seconds | notes |",
        "|---|---:|---|---:|---:|---:|---|",
    ]
    for e in sorted(entries, key=lambda e: e.test):
        faults = ", ".join(f"{kind} {n}" for kind, n in e.faults.items()) or "—"
        rows.append(
            f"| {e.test} | {e.rounds} | {faults} | {e.checked} | {e.lost} | {e.seconds} | {e.notes} |"
        )
    return rows


def machine() -> dict[str, Any]:
    return {
        "date": datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
    }


def write_report(path: Path, entries: list[Figure], config: pytest.Config) -> None:
    about = {**machine(), "command": "python -m pytest " + " ".join(config.invocation_params.args)}
    if path.suffix == ".json":
        path.write_text(
            json.dumps({**about, "figures": [asdict(e) for e in entries]}, ensure_ascii=False, indent=1)
            + "\n",
            encoding="utf-8",
        )
        return
    block = "\n".join(
        [
            START,
            f"Measured {about['date']} on {about['platform']}, {about['cpus']} CPUs, Python "
            f"{about['python']}, by `{about['command']}`.",
            "",
            *table(entries),
            END,
        ]
    )
    text = path.read_text(encoding="utf-8") if path.exists() else f"{START}\n{END}\n"
    if START not in text or END not in text:
        raise pytest.UsageError(f"{path} has no {START} … {END} block for the figures")
    path.write_text(
        re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _m: block, text, flags=re.S),
        encoding="utf-8",
    )
