"""The SQLCipher reference: the app's own store, unsealed, in a whole-file encrypted SQLite database.

The store is set up by the app's code (init_store: migrations, the office, the administrator) in plain
SQLite, then moved into SQLCipher with ``sqlcipher_export`` (SQLCipher's documented way to encrypt an
existing database), and the store's engine is swapped for one on the encrypted file. From then on the
services run unchanged; only the engine below them differs.

The key is a raw 256-bit key (``PRAGMA key = "x'…'"``), as an app would pass the key it derived once at
unlock: with a passphrase SQLCipher would run its own PBKDF2 (256,000 rounds) on every new connection,
which is not what is being compared. SQLCipher's other settings are its defaults (4.x: AES-256-CBC per
4 KiB page with an HMAC-SHA512 per page).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import sqlcipher3.dbapi2 as sqlcipher
from sqlalchemy import Engine, create_engine, event

from app.store.engine import PRAGMAS

PLAIN_HEADER = b"SQLite format 3\x00"


def version() -> str:
    """SQLCipher's version and the SQLite it is built on, e.g. "4.12.0 community (SQLite 3.51.1)"."""
    connection = sqlcipher.connect(":memory:")
    try:
        (cipher,) = connection.execute("PRAGMA cipher_version").fetchone()
    finally:
        connection.close()
    return f"{cipher} (SQLite {sqlcipher.sqlite_version})"


def _key_pragma(key: bytes) -> str:
    return f"PRAGMA key = \"x'{key.hex()}'\""


def encrypt_database(path: Path, key: bytes) -> None:
    """Replace the plain SQLite database at ``path`` (closed, checkpointed) with a SQLCipher copy."""
    encrypted = path.with_name(path.name + ".sqlcipher")
    connection = sqlcipher.connect(str(path))
    try:
        connection.execute(f"ATTACH DATABASE ? AS encrypted KEY \"x'{key.hex()}'\"", (str(encrypted),))
        connection.execute("SELECT sqlcipher_export('encrypted')")
        connection.execute("DETACH DATABASE encrypted")
    finally:
        connection.close()
    for leftover in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)
    os.replace(encrypted, path)
    with path.open("rb") as handle:
        if handle.read(len(PLAIN_HEADER)) == PLAIN_HEADER:
            raise RuntimeError(
                "the SQLCipher copy is not encrypted: the reference would measure plain SQLite"
            )


def make_engine(path: Path, key: bytes) -> Engine:
    """The app's engine (app/store/engine.py: same pragmas, same BEGIN handling) on SQLCipher."""
    # module=: SQLAlchemy's pysqlite dialect over sqlcipher3, so its errors map like sqlite3's.
    engine = create_engine(f"sqlite:///{path}", module=sqlcipher, future=True)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(_key_pragma(key))  # must come before anything reads the file
        for pragma in PRAGMAS:
            cursor.execute(pragma)
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        immediate = conn.get_execution_options().get("sqlite_immediate", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine
