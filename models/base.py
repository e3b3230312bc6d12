"""The declarative base and the column helpers every entity shares."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, Enum, LargeBinary, MetaData, Uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from models.ids import new_id

# Stable constraint names, so Alembic's batch mode on SQLite can find and alter them.
NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {uuid.UUID: Uuid(), datetime: DateTime(timezone=False)}  # noqa: RUF012


def id_column() -> Mapped[uuid.UUID]:
    return mapped_column(primary_key=True, default=new_id)


def sealed(*, nullable: bool = True) -> Any:
    """A column that holds a ciphertext: the app seals and opens it; the database only sees bytes.

    ``info["sealed"]`` lets the threat-model test list every sealed and every plain column.
    """
    return mapped_column(LargeBinary, nullable=nullable, info={"sealed": True})


def sealed_columns(entity: type[Base]) -> list[str]:
    return [c.name for c in entity.__table__.columns if c.info.get("sealed")]


def enum_type(enum_cls: type) -> Enum:
    """Store an enum by its stable code (not its Python name), as plain VARCHAR on every backend."""
    return Enum(
        enum_cls,
        native_enum=False,
        create_constraint=False,
        length=32,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )
