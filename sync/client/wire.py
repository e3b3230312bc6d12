"""Rows and wire values: what a local row looks like in a ``Change`` and how a pulled value is stored.

On the wire every value is plaintext JSON (dates ISO, ids as strings, enums as their codes); sealed
columns are opened for the push and sealed again with this store's keys when pulled, so ciphertexts
never leave the computer they were made on. Values only this computer can compute (blind indexes, the
field clocks) never travel: they are recomputed on arrival.
"""

from __future__ import annotations

import enum
import functools
import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, DateTime, Enum, Integer, LargeBinary, String, Text, Uuid, type_coerce
from sqlalchemy.dialects import sqlite
from sqlalchemy.sql.schema import Column

from app.services.sync_status import ENTITY_MODELS
from app.store.store import Store, Tx
from models.base import Base
from sync import protocol

MODELS: dict[str, type[Base]] = ENTITY_MODELS
assert set(MODELS) == set(protocol.ENTITIES), "the wire's entities and the models differ"

# Sealed columns that hold a JSON document (the rest hold text).
SEALED_JSON = {
    ("person", "aliases"),
    ("person", "drug_types"),
    ("person", "gender"),
    ("person", "birth_date"),
    *((kind, "content") for kind in protocol.FACT_ENTITIES),
}
# Columns that never travel: keyed with this office's key, or this computer's own bookkeeping.
LOCAL_ONLY = {"id_blind", "phone_blind", "field_hlc"}
BLIND = {"id_number": ("id_blind", "id"), "phone": ("phone_blind", "phone")}


@functools.cache  # read for every field of every change; the tables never change while running
def columns(entity: str) -> dict[str, Column[Any]]:
    table = MODELS[entity].__table__
    return {c.name: c for c in table.columns if c.name not in LOCAL_ONLY}


def is_sealed(column: Column[Any]) -> bool:
    return bool(column.info.get("sealed"))


# ---- push: row → wire -----------------------------------------------------------------------------------
PLAIN, SEALED_TEXT, SEALED_DOC = 0, 1, 2
_SQLITE = sqlite.dialect()  # the store is SQLite: its stored text is what a raw read returns

# Column types a batch reads as the text SQLite stores (``raw_columns``) and turns into the wire's form
# directly, instead of making a UUID, a datetime or an enum member only to print it again.
RAW_TYPES = (Uuid, Date, DateTime, Enum)


@functools.cache
def _plan(entity: str) -> list[tuple[str, int, Any]]:
    """How each column that travels is read: (name, plain or sealed text or sealed JSON document, the
    plain value's converter to its wire form: from the typed value or from the stored text)."""
    return [
        (
            name,
            (SEALED_DOC if (entity, name) in SEALED_JSON else SEALED_TEXT) if is_sealed(column) else PLAIN,
            _converter(column),
        )
        for name, column in columns(entity).items()
    ]


def _converter(column: Column[Any]) -> Any:
    """None where the value is its own wire form (text, numbers, booleans)."""
    kind = column.type
    if isinstance(kind, Uuid):
        return uuid_text
    if isinstance(kind, String | Text | Integer | Boolean) and not isinstance(kind, Enum):
        return None
    if not isinstance(kind, RAW_TYPES):
        return to_wire
    typed = kind.dialect_impl(_SQLITE).result_processor(_SQLITE, None)  # a typed read of stored text

    def slow(stored: str) -> Any:
        return to_wire(typed(stored) if typed is not None else stored)

    if isinstance(kind, DateTime):
        return functools.partial(_datetime_text, slow=slow)
    if isinstance(kind, Date):
        return functools.partial(_date_text, slow=slow)
    codes = frozenset(kind.enums)  # stored by code (models.base.enum_type): the code is the wire form
    return functools.partial(_enum_text, codes=codes, slow=slow)


def _datetime_text(value: Any, slow: Any) -> Any:
    """``to_wire`` of a datetime, from the datetime or from SQLite's "YYYY-MM-DD HH:MM:SS.ffffff"."""
    if type(value) is not str:
        return to_wire(value)
    if len(value) == 26 and value[10] == " " and value[19] == "." and value[:4].isdigit():
        # isoformat(): a "T" between date and time, and no fraction when it is zero
        return f"{value[:10]}T{value[11:19]}" if value.endswith(".000000") else f"{value[:10]}T{value[11:]}"
    return slow(value)


def _date_text(value: Any, slow: Any) -> Any:
    """``to_wire`` of a date, from the date or from SQLite's "YYYY-MM-DD" (the same text)."""
    if type(value) is not str:
        return to_wire(value)
    if len(value) == 10 and value[4] == "-" and value[7] == "-" and value[:4].isdigit():
        return value
    return slow(value)


def _enum_text(value: Any, codes: frozenset[str], slow: Any) -> Any:
    """``to_wire`` of an enum member (its code), from the member or from the stored code."""
    if type(value) is not str:
        return to_wire(value)
    return value if value in codes else slow(value)  # not a code: the typed read's error, as before


@functools.cache
def raw_columns(entity: str) -> tuple[list[Any], dict[str, int]]:
    """The entity table's columns to SELECT for a batch (the ``RAW_TYPES`` columns as the text SQLite
    stores, the id among them: 32 hex digits), and each column's position in a row read with them."""
    table: Any = MODELS[entity].__table__
    chosen = [
        type_coerce(c, String).label(c.name) if isinstance(c.type, RAW_TYPES) else c for c in table.columns
    ]
    return chosen, {c.name: at for at, c in enumerate(table.columns)}


def read_fields(store: Store, entity: str, row: Any, names: list[str] | None = None) -> dict[str, Any]:
    """The named columns of ``row`` (all that travel when None) as plaintext JSON values."""
    values = tuple(getattr(row, name) for name in raw_columns(entity)[1])
    return FieldReader(store)(entity, values, names)


class FieldReader:
    """``read_fields`` for the records of a batch, given as rows in ``raw_columns`` order (UUIDs as
    objects, or as the 32 hex digits SQLite stores; a tuple a record, not a dict: a batch reads
    thousands). Each sealed column's opener is made once, not once a value (a push opens thousands);
    tampering comes out as ``Tampering``, as from ``Store.open``."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._plans: dict[str, list[tuple[str, int, int, Any]]] = {}
        # A batch names the same ids again and again (a person's id in each of their records, the
        # worker who recorded them): each id's text is made once.
        self._uuids: dict[Any, str] = {}

    def uuid(self, value: Any) -> str:
        """``uuid_text(value)``, remembered."""
        text = self._uuids.get(value)
        if text is None:
            text = self._uuids[value] = uuid_text(value)
        return text

    def __call__(self, entity: str, record: Sequence[Any], names: list[str] | None = None) -> dict[str, Any]:
        plan = self._plans.get(entity) or self._plan_for(entity)
        if names is not None:  # an update: the named columns, in the order named
            by_name = {step[0]: step for step in plan}
            plan = [by_name[n] for n in names if n in by_name]
        row_id = self.uuid(record[raw_columns(entity)[1]["id"]])  # sealed values are bound to it as text
        values: dict[str, Any] = {}
        for name, at, kind, read in plan:
            raw = record[at]
            if raw is None or read is None:  # None stays None; text and numbers are their own wire form
                values[name] = raw
            elif kind == PLAIN:
                values[name] = read(raw)
            elif kind == SEALED_TEXT:
                values[name] = read(row_id, raw)
            else:
                values[name] = protocol.loads(read(row_id, raw))
        return values

    def _plan_for(self, entity: str) -> list[tuple[str, int, int, Any]]:
        """``_plan``'s steps with each column's position in the row, and each sealed column's opener in
        place of its converter."""
        at = raw_columns(entity)[1]
        plan = [
            (
                name,
                at[name],
                kind,
                (self.uuid if convert is uuid_text else convert)
                if kind == PLAIN
                else self.store.opener(entity, name),
            )
            for name, kind, convert in _plan(entity)
        ]
        self._plans[entity] = plan
        return plan


def uuid_text(value: Any) -> str:
    """A UUID as text (hyphenated, lower case, as ``str(UUID)``), from a UUID or from SQLite's 32 hex
    digits (read as they are stored, a batch skips making thousands of UUID objects only to print them)."""
    if type(value) is str and len(value) == 32:
        v = value.lower()
        return f"{v[:8]}-{v[8:12]}-{v[12:16]}-{v[16:20]}-{v[20:]}"
    return str(value if isinstance(value, uuid.UUID) else uuid.UUID(value))


def to_wire(value: Any) -> Any:
    if type(value) is str:  # most values
        return value
    if isinstance(value, enum.Enum):  # its stable code
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    raise TypeError(f"no wire form for {type(value).__name__}")


# ---- pull: wire → row -----------------------------------------------------------------------------------
class BadValue(ValueError):
    """A pulled value that does not fit its column (the change is skipped and logged, never half-applied)."""


def stored_values(tx: Tx, entity: str, row_id: uuid.UUID, fields: dict[str, Any]) -> dict[str, Any]:
    """Column → value to store for the pulled ``fields``: sealed with this store's keys, typed, and with
    the blind indexes recomputed. Unknown and local-only fields are left out."""
    cols = columns(entity)
    values: dict[str, Any] = {}
    for name, value in fields.items():
        column = cols.get(name)
        if column is None or name == "id":
            continue
        if is_sealed(column):
            if value is None:
                values[name] = None
            elif (entity, name) in SEALED_JSON:
                values[name] = tx.seal_json(entity, name, row_id, value)
            else:
                values[name] = tx.seal(entity, name, row_id, str(value))
        else:
            values[name] = from_wire(column, value)
        if entity == "person" and name in BLIND:
            blind_column, kind = BLIND[name]
            values[blind_column] = tx.store.sealer.blind_index(kind, str(value)) if value else None
    return values


def from_wire(column: Column[Any], value: Any) -> Any:
    if value is None:
        return None
    kind = column.type
    try:
        if isinstance(kind, Uuid):
            return uuid.UUID(str(value))
        if isinstance(kind, DateTime):
            return datetime.fromisoformat(str(value)).replace(tzinfo=None)
        if isinstance(kind, Date):
            return date.fromisoformat(str(value)[:10])
        if isinstance(kind, Enum):
            enum_class = kind.enum_class
            return enum_class(value) if enum_class is not None else str(value)
        if isinstance(kind, Boolean):
            if not isinstance(value, bool):
                raise BadValue(column.name)
            return value
        if isinstance(kind, Integer):
            if isinstance(value, bool) or not isinstance(value, int):
                raise BadValue(column.name)
            return value
        if isinstance(kind, String | Text):
            return str(value)
        if isinstance(kind, LargeBinary):
            raise BadValue(column.name)
    except (ValueError, TypeError):
        raise BadValue(column.name) from None
    return value


def required_columns(entity: str) -> set[str]:
    """Columns an insert must carry (not nullable, no default)."""
    return {
        name
        for name, c in columns(entity).items()
        if not c.nullable and c.default is None and not c.primary_key
    }
