"""Input objects to JSON and back, guided by their type hints.

Sealed content is one JSON document; this is the single place that knows how enums, dates, decimals
and ids look inside it, so every fact kind reads and writes the same way.
"""

from __future__ import annotations

import dataclasses
import enum
import types
import typing
from collections.abc import Callable
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
    return _converter(hint)(value)


@cache
def _converter(hint: Any) -> Callable[[Any], Any]:
    """A function turning JSON into ``hint``'s type, worked out once per type (timelines read thousands)."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        inner = _converter(next(a for a in typing.get_args(hint) if a is not type(None)))
        return lambda value: None if value is None else inner(value)
    if origin is list:
        item = _converter(typing.get_args(hint)[0])
        return lambda value: None if value is None else [item(v) for v in value]
    if origin is dict:
        key_hint, item_hint = typing.get_args(hint)
        key, item = _converter(key_hint), _converter(item_hint)
        return lambda value: None if value is None else {key(k): item(v) for k, v in value.items()}
    if isinstance(hint, type):
        if issubclass(hint, enum.Enum) or hint in (Decimal, UUID):
            return lambda value: None if value is None else hint(value)
        if hint is date:
            return lambda value: None if value is None else date.fromisoformat(value)
        if dataclasses.is_dataclass(hint):
            return lambda value: None if value is None else build(hint, value)
    return lambda value: value


@cache
def _fields(cls: type) -> dict[str, Callable[[Any], Any]]:
    types_ = typing.get_type_hints(cls)
    return {f.name: _converter(types_[f.name]) for f in dataclasses.fields(cls)}


def build(cls: type, data: dict[str, Any]) -> Any:
    """An instance of the dataclass ``cls`` from JSON data; unknown keys (from newer versions) are kept out."""
    converters = _fields(cls)
    return cls(**{k: converters[k](v) for k, v in data.items() if k in converters})
