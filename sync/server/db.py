"""Where the server keeps its state: one database, PostgreSQL in production or a SQLite file for a trial.

Nothing that matters lives in a process, so several processes can serve one database. What must hold
under concurrent requests is the database's job:

- a write transaction on SQLite starts with ``BEGIN IMMEDIATE`` (writers queue on the file lock instead of
  failing half-way); on PostgreSQL, advisory locks serialise what must be serial (one device's pushes;
  the moment change-log cursors are handed out) and row locks the records a change touches;
- a write that loses a race (a unique key taken meanwhile, a deadlock, a lock wait that timed out) is run
  again from the start, a few times, before the request gets 503 "busy".
"""

from __future__ import annotations

import hashlib
import logging
import os
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session

log = logging.getLogger("rehabdesk.server")

T = TypeVar("T")

DEFAULT_SQLITE_NAME = "rehabdesk-server.db"
ENV_DATABASE = "REHABDESK_SERVER_DB"  # the database URL when --database-url is not given
WRITE_ATTEMPTS = 6
SQLITE_BUSY_MS = 30_000
# Advisory lock namespaces (the two-int4 form of pg_advisory_xact_lock: its key space is apart from the
# one-bigint form, so these cannot collide with anybody else's single-key locks).
LOCK_DEVICE = 0x5244  # "RD": (LOCK_DEVICE, hash of the device id) – one push per device at a time
LOCK_LOG = 0x5245  # (LOCK_LOG, 0) – change-log cursors are handed out in commit order
LOCK_MIGRATE = 0x5246  # (LOCK_MIGRATE, 0) – several processes starting at once migrate one at a time

RETRYABLE_SQLSTATES = {"40001", "40P01", "55P03", "57014"}  # serialization, deadlock, lock/statement timeout


class Busy(Exception):
    """A write kept losing races with other requests; the client should try again shortly."""


def utcnow() -> datetime:
    """Naive UTC: the same value on SQLite (which keeps no zone) and PostgreSQL."""
    return datetime.now(UTC).replace(tzinfo=None)


def normalize_url(url: str) -> str:
    """Accept the URLs people type: postgres:// and postgresql:// mean psycopg 3 here."""
    url = url.strip()
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def default_url() -> str:
    """$REHABDESK_SERVER_DB, else a SQLite file in the current directory (a trial needs nothing else)."""
    return os.environ.get(ENV_DATABASE) or f"sqlite:///{Path.cwd() / DEFAULT_SQLITE_NAME}"


def describe_url(url: str) -> str:
    """The URL without its password, for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # an unparsable URL is shown as given (it has no password part we could find)
        return url


class Storage:
    """The engine(s) for one database URL, and transactions over them."""

    def __init__(self, database_url: str) -> None:
        self.url = normalize_url(database_url)
        url = make_url(self.url)
        self.dialect = url.get_backend_name()
        if self.dialect == "sqlite":
            self.engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_MS / 1000})
            event.listen(self.engine, "connect", _sqlite_connect)
            event.listen(self.engine, "begin", _sqlite_begin)
            self._write_bind: Engine = self.engine.execution_options(rehabdesk_immediate=True)
            self._consistent_bind: Engine = self.engine
        elif self.dialect == "postgresql":
            self.engine = create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)
            self._write_bind = self.engine
            self._consistent_bind = self.engine.execution_options(isolation_level="REPEATABLE READ")
        else:
            raise ValueError(
                f"unsupported database: {self.dialect} (use postgresql+psycopg:// or sqlite:///)"
            )

    @property
    def is_postgres(self) -> bool:
        return self.dialect == "postgresql"

    def dispose(self) -> None:
        self.engine.dispose()

    @contextmanager
    def read(self, *, consistent: bool = False) -> Iterator[Session]:
        """A read-only transaction; ``consistent`` reads every statement from one snapshot."""
        bind = self._consistent_bind if consistent else self.engine
        with Session(bind, expire_on_commit=False, autoflush=False) as session, session.begin():
            yield session

    def write(self, work: Callable[[Session], T]) -> T:
        """Run ``work`` in one write transaction, again from the start when it loses a race."""
        for attempt in range(1, WRITE_ATTEMPTS + 1):
            try:
                with Session(self._write_bind, expire_on_commit=False) as session, session.begin():
                    return work(session)
            except (IntegrityError, OperationalError, DBAPIError) as exc:
                if not _retryable(exc) or attempt == WRITE_ATTEMPTS:
                    if _retryable(exc):
                        raise Busy() from exc
                    raise
                log.info("write lost a race (%s), attempt %d", type(exc.orig).__name__, attempt)
                time.sleep(random.uniform(0.005, 0.03) * attempt)
        raise AssertionError("unreachable")


def lock(session: Session, namespace: int, key: str = "") -> None:
    """Hold a transaction-scoped advisory lock (PostgreSQL; SQLite writers are serial already)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    number = int.from_bytes(hashlib.sha256(key.encode()).digest()[:4], "big", signed=True) if key else 0
    session.execute(text("SELECT pg_advisory_xact_lock(:ns, :key)"), {"ns": namespace, "key": number})


def _retryable(exc: DBAPIError) -> bool:
    if isinstance(exc, IntegrityError):
        return True  # a unique key taken by a concurrent request: run again and see it
    state = getattr(exc.orig, "sqlstate", None)
    if state in RETRYABLE_SQLSTATES:
        return True
    message = str(exc.orig).lower()
    return "database is locked" in message or "database is busy" in message


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself (see _sqlite_begin)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=FULL")  # an acknowledged push survives a power cut
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    immediate = connection.get_execution_options().get("rehabdesk_immediate", False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
