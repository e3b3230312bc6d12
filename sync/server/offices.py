"""Offices the server knows: devices are enrolled into one, a county supervisor's scope is its county."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync.server.db import utcnow
from sync.server.problems import AdminError
from sync.server.schema import Office, audit
from sync.server.scope import county_of, is_office_code


@dataclass(frozen=True)
class OfficeInfo:
    code: str
    name: str


def add(session: Session, code: str, name: str, actor: str) -> OfficeInfo:
    """Add an office, or rename it when it is there already."""
    if not is_office_code(code):
        raise AdminError(
            f"单位代码“{code}”无效：应为 9 位数字（6 位区县代码加 3 位乡镇代码）。",
            f"The office code “{code}” is not valid: it must be 9 digits (6 for the county, 3 for the township).",
        )
    name = name.strip()
    if not name or "\x00" in name:
        raise AdminError("单位名称不能为空。", "The office name must not be empty.")
    office = session.get(Office, code)
    if office is None:
        session.add(Office(code=code, name=name, county=county_of(code), created_at=utcnow()))
        audit(session, actor, "office_added", code, name=name)
    elif office.name != name:
        audit(session, actor, "office_renamed", code, old=office.name, name=name)
        office.name = name
    return OfficeInfo(code, name)


def list_all(session: Session) -> list[OfficeInfo]:
    return [OfficeInfo(o.code, o.name) for o in session.scalars(select(Office).order_by(Office.code))]
