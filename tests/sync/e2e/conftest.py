"""End-to-end: each test that takes ``server`` runs on PostgreSQL and on SQLite.

PostgreSQL must be reachable at $REHABDESK_TEST_PG (default postgres@127.0.0.1:5432): a fresh database
is made for the session and emptied before each test. If it is not reachable the PostgreSQL tests FAIL
and say why: a missing database is not a reason to pass.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")

from sync.server import migrate  # noqa: E402
from sync.server.db import Storage  # noqa: E402
from sync.server.schema import Base  # noqa: E402
from tests.postgres import migrated_database  # noqa: E402
from tests.sync.e2e.harness import Device, LiveServer  # noqa: E402

EMPTIED = [t.name for t in Base.metadata.sorted_tables if t.name != "server_setting"]


@pytest.fixture(scope="session")
def e2e_postgres() -> Iterator[str]:
    with migrated_database("rehabdesk_e2e", "The end-to-end sync tests") as url:
        yield url


def fresh_database(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'server.db'}"
        storage = Storage(url)
        migrate.upgrade(storage)
        storage.dispose()
        return url
    url = request.getfixturevalue("e2e_postgres")
    storage = Storage(url)
    try:
        storage.write(
            lambda s: (
                s.execute(text(f"TRUNCATE {', '.join(EMPTIED)} RESTART IDENTITY CASCADE")),
                s.execute(text("DELETE FROM server_setting WHERE key <> 'server_id'")),
            )
        )
    finally:
        storage.dispose()
    return url


@pytest.fixture(params=["postgresql", "sqlite"])
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[LiveServer]:
    live = LiveServer(fresh_database(request.param, request, tmp_path))
    yield live
    live.stop()


@pytest.fixture
def sqlite_server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[LiveServer]:
    live = LiveServer(fresh_database("sqlite", request, tmp_path))
    yield live
    live.stop()


@pytest.fixture
def make_device(tmp_path: Path) -> Iterator[object]:
    made: list[Device] = []

    def make(name: str, office: str, url: str, **kw: object) -> Device:
        device = Device(name, tmp_path / name, office, url, **kw)  # type: ignore[arg-type]
        made.append(device)
        return device

    yield make
    for device in made:
        device.close()
