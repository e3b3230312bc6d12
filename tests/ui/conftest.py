"""GUI tests run a real window offscreen over a real (small, synthetic) demo office.

The demo office is made once per session and copied per test. Every database call must happen on the
op runner's worker thread: an engine hook records any statement run on the GUI thread, and the test
fails if there was one.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import event

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
from app.store.store import Store
from app.store.unlock import open_store
from ui.context import UiContext
from ui.errors import show_error
from ui.ops import OpRunner

DEMO_TODAY = date(2026, 6, 30)
DEMO_PERSONS = 30


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("demo") / "office"
    create_demo_office(root, persons=DEMO_PERSONS, seed=3, today=DEMO_TODAY, kdf=FAST)
    return root


@pytest.fixture
def demo_dir(demo_template: Path, tmp_path: Path) -> Path:
    target = tmp_path / "office"
    shutil.copytree(demo_template, target)
    return target


def watch_gui_thread(store: Store) -> list[str]:
    """Statements run on the GUI thread (there must be none)."""
    offenders: list[str] = []
    gui = threading.main_thread()

    @event.listens_for(store.engine, "before_cursor_execute")
    def _check(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        if threading.current_thread() is gui:
            offenders.append(statement.split("\n")[0][:80])

    return offenders


def logged_in(demo_dir: Path, login: str, password: str) -> Iterator[UiContext]:
    """``login`` logged in, the store on the runner, and a check that the GUI thread never queried it."""
    store = open_store(demo_dir, login, password, today=lambda: DEMO_TODAY)
    offenders = watch_gui_thread(store)
    runner = OpRunner(show_error)
    runner.attach(store)
    assert store.actor is not None
    yield UiContext(runner, demo_dir, store.actor, store.keyring.office_name, lambda: DEMO_TODAY)
    runner.shutdown()
    assert offenders == [], "database calls ran on the GUI thread"


@pytest.fixture
def ui_ctx(qapp, demo_dir: Path) -> Iterator[UiContext]:
    """A worker logged in."""
    yield from logged_in(demo_dir, WORKER_LOGINS[0], WORKER_PASSWORD)


@pytest.fixture
def supervisor_ctx(qapp, demo_dir: Path) -> Iterator[UiContext]:
    yield from logged_in(demo_dir, SUPERVISOR_LOGIN, SUPERVISOR_PASSWORD)


@pytest.fixture
def admin_ctx(qapp, demo_dir: Path) -> Iterator[UiContext]:
    yield from logged_in(demo_dir, ADMIN_LOGIN, ADMIN_PASSWORD)
