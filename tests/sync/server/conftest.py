"""The sync server's tests run on PostgreSQL and on SQLite: each test that takes ``server`` runs twice.

PostgreSQL: one fresh database per session (``rehabdesk_test_<random>``, dropped at the end), emptied
before each test. It must be reachable at $REHABDESK_TEST_PG (default postgres@127.0.0.1:5432); when
it is not, the PostgreSQL tests fail and say so: a missing database is not a reason to pass.
SQLite: a migrated template file, copied per test.
"""

from __future__ import annotations

import os
import secrets
import shutil
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

# FastAPI's TestClient still rides on httpx; starlette says so once per import. Not our concern here.
warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")

from fastapi.testclient import TestClient  # noqa: E402

from sync.server import create_app, migrate  # noqa: E402
from sync.server.db import Storage, describe_url, normalize_url  # noqa: E402
from tests.sync.server.harness import Server, empty_postgres  # noqa: E402

PG_ADMIN_URL = normalize_url(
    os.environ.get("REHABDESK_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh, migrated PostgreSQL database for this test session."""
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5})
    name = f"rehabdesk_test_{secrets.token_hex(6)}"
    unreachable = ""
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # any reason at all: say which, and fail (not skip) every PostgreSQL test
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()
        unreachable = f"{type(exc).__name__}: {reason[0] if reason else ''}"
    if unreachable:
        admin.dispose()
        pytest.fail(
            f"PostgreSQL is not reachable at {describe_url(PG_ADMIN_URL)} ({unreachable}). The sync server "
            "tests need it: start PostgreSQL, or set REHABDESK_TEST_PG to the URL of a server where this user "
            "may create databases.",
            pytrace=False,
        )
    url = make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    storage = Storage(url)
    migrate.upgrade(storage)
    storage.dispose()
    try:
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


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
