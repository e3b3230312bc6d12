"""Shared setup of the reliability tests: the zygote that forks writers and servers, and PostgreSQL.

The sync server's reliability tests run on PostgreSQL, as in production: a fresh database per test at
$REHABDESK_TEST_PG (default postgres@127.0.0.1:5432), dropped afterwards. When it is not reachable the
tests fail and say so: a missing database is not a reason to pass.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")

from _processes import ServerProcess, Zygote  # noqa: E402

from tests.postgres import migrated_database  # noqa: E402


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh, migrated PostgreSQL database for one test."""
    with migrated_database("rehabdesk_rel", "The reliability tests of the sync server") as url:
        yield url


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
