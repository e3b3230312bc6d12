"""A fresh, migrated PostgreSQL database for the sync server's tests, dropped afterwards.

PostgreSQL must be reachable at $REHABDESK_TEST_PG (default postgres@127.0.0.1:5432). When it is not,
the tests that need it FAIL and say why (never skip): a missing database is not a reason to pass.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from sync.server import migrate
from sync.server.db import Storage, describe_url, normalize_url

PG_ADMIN_URL = normalize_url(
    os.environ.get("REHABDESK_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
)


@contextmanager
def migrated_database(prefix: str, needed_by: str) -> Iterator[str]:
    """The URL of a new database ``<prefix>_<random>`` at the server's schema; ``needed_by`` names the
    tests in the failure message."""
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5})
    name = f"{prefix}_{secrets.token_hex(6)}"
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
            f"PostgreSQL is not reachable at {describe_url(PG_ADMIN_URL)} ({unreachable}). {needed_by} run on "
            "it: start PostgreSQL, or set REHABDESK_TEST_PG to the URL of a server where this user may create "
            "databases.",
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
