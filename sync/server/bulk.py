"""Many new rows at once: COPY on PostgreSQL, one executemany on SQLite.

A push of a few hundred changes writes a few hundred rows into each of three tables. Row by row through
the ORM (or even an executemany) that cost more than everything else the server does, so new rows go in
as one COPY a table: the rows stream to the server as the client library formats them, and they keep
their order (the change log's cursors are taken in it). A failed COPY fails the whole transaction as an
INSERT would, and comes out as the same SQLAlchemy error, so ``Storage.write`` runs it again when it lost
a race (a record made meanwhile by another device, a deadlock).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import JSON, Table, insert
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from sync.server.body import compact_json


class JsonTexts:
    """The JSON text of values, by identity: a change's fields are encoded once, when they are checked,
    and the same text goes into the record and into the change log."""

    def __init__(self) -> None:
        self._known: dict[int, tuple[Any, str]] = {}

    def remember(self, value: Any, text: str) -> None:
        self._known[id(value)] = (value, text)  # holding the value keeps its id from being reused

    def __call__(self, value: Any) -> str | None:
        if value is None:
            return None
        known = self._known.get(id(value))
        if known is not None and known[0] is value:
            return known[1]
        return compact_json(value)


def insert_rows(
    session: Session,
    table: Table,
    columns: Sequence[str],
    rows: list[tuple[Any, ...]],
    texts: JsonTexts | None = None,
) -> None:
    """Insert ``rows`` (tuples in ``columns`` order; JSON columns as Python values) into ``table``."""
    if not rows:
        return
    if session.get_bind().dialect.name != "postgresql":
        session.execute(insert(table), [dict(zip(columns, row, strict=True)) for row in rows])
        return
    encode = texts or JsonTexts()
    json_at = [i for i, name in enumerate(columns) if isinstance(table.c[name].type, JSON)]
    quoted = ", ".join(f'"{name}"' for name in columns)
    statement = f'COPY "{table.name}" ({quoted}) FROM STDIN'
    driver: Any = session.connection().connection.driver_connection
    with driver_errors(statement), driver.cursor() as cursor, cursor.copy(statement) as copy:
        if not json_at:
            for row in rows:
                copy.write_row(row)
            return
        for row in rows:
            values = list(row)
            for i in json_at:
                if values[i] is not None:  # most field_clocks and field_devices (facts have none)
                    values[i] = encode(values[i])
            copy.write_row(values)


@contextmanager
def driver_errors(statement: str = "") -> Iterator[None]:
    """The PostgreSQL driver's errors, used directly (COPY, pipeline mode), as the SQLAlchemy errors
    ``Storage.write`` knows: a unique key taken meanwhile, a deadlock or a lock timeout is a race to run
    again, not a 500."""
    import psycopg  # the PostgreSQL driver; a SQLite-only server never needs it

    try:
        yield
    except psycopg.Error as exc:
        raise DBAPIError.instance(statement, None, exc, psycopg.Error) from None
