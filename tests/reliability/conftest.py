"""Shared setup of the reliability tests: the zygote that forks writers and servers, and PostgreSQL.

The sync server's reliability tests run on PostgreSQL, as in production: a fresh database per test at
$REHABDESK_TEST_PG (default postgres@127.0.0.1:5432), dropped afterwards. When it is not reachable the
tests fail and say so: a missing database is not a reason to pass.
"""

from __future__ import annotations

import os
import secrets
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")

from _processes import ServerProcess, Zygote  # noqa: E402

from sync.server import migrate  # noqa: E402
from sync.server.db import Storage, describe_url, normalize_url  # noqa: E402

PG_ADMIN_URL = normalize_url(
    os.environ.get("REHABDESK_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
)


def _admin() -> object:
    return create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5})


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh, migrated PostgreSQL database for one test."""
    admin = _admin()
    name = f"rehabdesk_rel_{secrets.token_hex(6)}"
    try:
        with admin.connect() as connection:  # type: ignore[attr-defined]
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # any reason at all: say which, and fail (not skip)
        admin.dispose()  # type: ignore[attr-defined]
        pytest.fail(
            f"PostgreSQL is not reachable at {describe_url(PG_ADMIN_URL)} ({type(exc).__name__}). The "
            "reliability tests of the sync server run on it: start PostgreSQL, or set REHABDESK_TEST_PG "
            "to a server where this user may create databases.",
            pytrace=False,
        )
    url = make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    storage = Storage(url)
    migrate.upgrade(storage)
    storage.dispose()
    try:
        yield url
    finally:
        with admin.connect() as connection:  # type: ignore[attr-defined]
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()  # type: ignore[attr-defined]


@pytest.fixture(scope="session")
def zygote(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Zygote]:
    made = Zygote(tmp_path_factory.mktemp("zygote") / "stderr.txt")
    yield made
    made.close()


@pytest.fixture
def server_process(zygote: Zygote, pg_url: str, tmp_path: Path) -> Iterator[ServerProcess]:
    """The sync server on a fresh PostgreSQL database, running; killed at the end of the test."""
    server = ServerProcess(zygote, pg_url, tmp_path / "server.log")
    server.start()
    yield server
    server.stop()
