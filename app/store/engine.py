"""The SQLite engine, made only after unlock, with the pragmas the store relies on."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event

PRAGMAS = (
    "PRAGMA journal_mode=WAL",  # readers never block the writer; a crash leaves a consistent file
    "PRAGMA synchronous=FULL",  # a committed record survives a power cut, not only a crash
    "PRAGMA foreign_keys=ON",
    "PRAGMA secure_delete=ON",  # freed pages are zeroed, so deleted ciphertext and index pages do not linger
    "PRAGMA temp_store=MEMORY",  # sorts and temp tables never touch the disk
    "PRAGMA busy_timeout=10000",  # a CLI command and the app may write at once: wait, do not fail
)


def make_engine(path: Path) -> Engine:
    engine = create_engine(f"sqlite:///{path}", future=True)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite's implicit BEGIN is deferred and
        # cannot take the write lock up front).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in PRAGMAS:
            cursor.execute(pragma)
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # A write transaction takes the lock at BEGIN, so the sequence numbers it reads (outbox, audit)
        # cannot be taken by another writer before it commits.
        immediate = conn.get_execution_options().get("sqlite_immediate", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine
