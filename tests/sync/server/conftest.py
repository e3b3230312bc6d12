"""The sync server's tests run on PostgreSQL and on SQLite: each test that takes ``server`` runs twice.

PostgreSQL: one fresh database per session (``rehabdesk_test_<random>``, dropped at the end), emptied
before each test. It must be reachable at $REHABDESK_TEST_PG (default postgres@127.0.0.1:5432); when
it is not, the PostgreSQL tests fail and say so: a missing database is not a reason to pass.
SQLite: a migrated template file, copied per test.
"""

from __future__ import annotations

import shutil
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

# FastAPI's TestClient still rides on httpx; starlette says so once per import. Not our concern here.
warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")

from fastapi.testclient import TestClient  # noqa: E402

from sync.server import create_app, migrate  # noqa: E402
from sync.server.db import Storage  # noqa: E402
from tests.postgres import migrated_database  # noqa: E402
from tests.sync.server.harness import Server, empty_postgres  # noqa: E402


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh, migrated PostgreSQL database for this test session."""
    with migrated_database("rehabdesk_test", "The sync server tests") as url:
        yield url


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "server.db"
    storage = Storage(f"sqlite:///{path}")
    migrate.upgrade(storage)
    storage.dispose()
    return path


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> str:
    """A migrated, empty database: a copy of the SQLite template, or the session's PostgreSQL emptied."""
    if request.param == "sqlite":
        target = tmp_path / "server.db"
        shutil.copyfile(sqlite_template, target)
        return f"sqlite:///{target}"
    url: str = request.getfixturevalue("postgres_url")
    empty_postgres(url)
    return url


@pytest.fixture
def server(database_url: str) -> Iterator[Server]:
    app = create_app(database_url)
    with TestClient(app) as client:
        yield Server(database_url, app, client, app.state.storage)


@pytest.fixture
def pg_server(postgres_url: str) -> Iterator[Server]:
    """PostgreSQL only: for what only a server with real concurrency can show."""
    empty_postgres(postgres_url)
    app = create_app(postgres_url)
    with TestClient(app) as client:
        yield Server(postgres_url, app, client, app.state.storage)
