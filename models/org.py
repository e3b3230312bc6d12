"""Offices and the people who use the app."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, enum_type, id_column, sealed
from models.enums import Role


class Office(Base):
    """A township office: GB/T 2260 county code (6 digits) plus a 3-digit township suffix."""

    __tablename__ = "office"

    code: Mapped[str] = mapped_column(String(9), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))

    @property
    def county_code(self) -> str:
        return self.code[:6]


class User(Base):
    __tablename__ = "app_user"

    id: Mapped[uuid.UUID] = id_column()
    office_code: Mapped[str] = mapped_column(ForeignKey("office.code"))
    login: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[bytes | None] = sealed()
    role: Mapped[Role] = mapped_column(enum_type(Role))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]
