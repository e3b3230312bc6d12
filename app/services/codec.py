"""Input objects to JSON and back, guided by their type hints.

Sealed content is one JSON document; this is the single place that knows how enums, dates, decimals
and ids look inside it, so every fact kind reads and writes the same way.
"""

from __future__ import annotations

import dataclasses
import enum
import types
import typing
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any
from uuid import UUID


def to_json(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    if isinstance(value, dict):
        return {str(to_json(k)): to_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_json(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    return value


def from_json(hint: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(hint) if a is not type(None)]
        return from_json(inner[0], value)
    if origin is list:
        (item,) = typing.get_args(hint)
        return [from_json(item, v) for v in value]
    if origin is dict:
        key, item = typing.get_args(hint)
        return {from_json(key, k): from_json(item, v) for k, v in value.items()}
    if isinstance(hint, type):
        if issubclass(hint, enum.Enum):
            return hint(value)
        if hint is date:
            return date.fromisoformat(value)
        if hint in (Decimal, UUID):
            return hint(value)
        if dataclasses.is_dataclass(hint):
            return build(hint, value)
    return value


@cache
def hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def build(cls: type, data: dict[str, Any]) -> Any:
    """An instance of the dataclass ``cls`` from JSON data; unknown keys (from newer versions) are kept out."""
    types_ = hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}
    return cls(**{k: from_json(types_[k], v) for k, v in data.items() if k in names})
