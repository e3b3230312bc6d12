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
from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, DateTime, Enum, Integer, LargeBinary, String, Text, Uuid
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
def read_fields(store: Store, entity: str, row: Any, names: list[str] | None = None) -> dict[str, Any]:
    """The named columns of ``row`` (all that travel when None) as plaintext JSON values."""
    cols = columns(entity)
    wanted = list(cols) if names is None else [n for n in names if n in cols]
    values: dict[str, Any] = {}
    for name in wanted:
        column = cols[name]
        raw = getattr(row, name)
        if is_sealed(column):
            if (entity, name) in SEALED_JSON:
                values[name] = store.open_json(entity, name, row.id, raw)
            else:
                values[name] = store.open(entity, name, row.id, raw)
        else:
            values[name] = to_wire(raw)
    return values


def to_wire(value: Any) -> Any:
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
