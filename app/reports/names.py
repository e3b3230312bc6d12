"""How a report names a person: by default the surname and the record number only (去标识化)."""

from __future__ import annotations

import re
from uuid import UUID

from app.services.caseload_reader import dashed
from app.services.people_access import require_file_reader
from app.store.store import Store
from models import Person

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def masked(name: str) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧***; a name in Latin letters → its initials (Zhang San → Z.S.)."""
    name = name.strip()
    if not name:
        return ""
    if _CJK.match(name):
        return name[0] + "*" * max(len(name) - 1, 1)
    words = [w for w in re.split(r"[\s·.\-]+", name) if w]
    return "".join(w[0].upper() + "." for w in words)


def shown(name: str, full_names: bool) -> str:
    return name.strip() if full_names else masked(name)


_CHUNK = 500  # ids per IN (...) list: well under SQLite's parameter limit


def record_names(store: Store, ids: list[UUID]) -> dict[UUID, tuple[str, str]]:
    """(record number, name) of these people of the store's office. Only the names are decrypted: a
    county's lists name thousands of people, and a person's whole summary costs four decryptions."""
    require_file_reader(store)
    open_name = store.opener(Person.__tablename__, "name")
    found: dict[UUID, tuple[str, str]] = {}
    with store.read() as session:
        cursor = session.connection().connection.driver_connection
        for i in range(0, len(ids), _CHUNK):
            chunk = [pid.hex for pid in ids[i : i + _CHUNK]]
            query = (
                f"SELECT id, record_no, name FROM {Person.__tablename__}"
                f" WHERE office_code = ? AND id IN ({','.join('?' * len(chunk))})"
            )
            for hex_id, record_no, sealed in cursor.execute(query, (store.office_code, *chunk)):
                name = open_name(dashed(hex_id), sealed) if sealed is not None else ""
                found[UUID(hex_id)] = (record_no, name or "")
    return found
