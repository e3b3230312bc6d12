"""GET /v1/snapshot: the current records of the scope, then the conflicts still open, paged by a stable key.

Sections, in order: "p" the people, "r" every other record, "c" the open conflicts; each paged by id.
People come first so that a device rebuilding from a snapshot has the person before what refers to it.
The page key is "<cursor>.<section>.<id>": ``cursor`` is the log head read when the first page was
served, carried through every page, so each page answers with the same cursor and the device pulls
from there afterwards. Anything that changed while the pages were read is at or after that cursor,
so the pull brings it (again, harmlessly, when a later page already had it).
"""

from __future__ import annotations

import re

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from sync.protocol import UPDATABLE, ServerChange, SnapshotPage
from sync.server.changelog import check_cursor, log_head
from sync.server.merge import conflict_fields
from sync.server.problems import BAD_SNAPSHOT_KEY, Refusal
from sync.server.schema import Conflict, Record
from sync.server.scope import clause

KEY_PATTERN = re.compile(r"^(\d{1,18})\.([prc])\.([0-9a-f-]{0,36})$")


def page(session: Session, scope: str, after: str | None, limit: int) -> SnapshotPage:
    if not after:
        cursor, section, last = log_head(session), "p", ""
    else:
        match = KEY_PATTERN.match(after)
        if match is None:
            raise Refusal(BAD_SNAPSHOT_KEY)
        cursor, section, last = int(match[1]), match[2], match[3]
        check_cursor(session, cursor)  # the log since the snapshot began must still be there
    if section == "c":
        return _conflicts(session, scope, cursor, last, limit)
    return _records(session, scope, cursor, section, last, limit)


def _records(session: Session, scope: str, cursor: int, section: str, last: str, limit: int) -> SnapshotPage:
    people = Record.entity == "person"
    rows = list(
        session.scalars(
            select(Record)
            .where(
                clause(scope, Record.office_code, Record.county),
                people if section == "p" else ~people,
                Record.id > last,
            )
            .order_by(Record.id)
            .limit(limit + 1)
        )
    )
    following: str | None
    if len(rows) > limit:
        rows = rows[:limit]
        following = f"{cursor}.{section}.{rows[-1].id}"
    elif section == "p":
        following = f"{cursor}.r."
    else:
        following = f"{cursor}.c." if _open_conflicts(session, scope) else None
    return SnapshotPage([_record_change(r, cursor) for r in rows], following, cursor)


def _record_change(record: Record, cursor: int) -> ServerChange:
    return ServerChange(
        cursor=cursor,
        kind="change",
        entity=record.entity,
        id=record.id,
        op="insert",
        hlc=record.hlc,
        office_code=record.office_code,
        person_id=record.person_id,
        fields=record.fields,
        origin_device="",
        field_clocks=dict(record.field_clocks or {}) if record.entity in UPDATABLE else None,
    )


def _open_conflicts(session: Session, scope: str) -> bool:
    return bool(session.scalar(select(_conflict_query(scope, "").exists())))


def _conflict_query(scope: str, last: str) -> Select[tuple[Conflict, Record]]:
    return (
        select(Conflict, Record)
        .join(Record, Record.id == Conflict.person_id)
        .where(
            Conflict.resolved_at.is_(None),
            clause(scope, Record.office_code, Record.county),
            Conflict.id > last,
        )
    )


def _conflicts(session: Session, scope: str, cursor: int, last: str, limit: int) -> SnapshotPage:
    rows = list(session.execute(_conflict_query(scope, last).order_by(Conflict.id).limit(limit + 1)))
    following = None
    if len(rows) > limit:
        rows = rows[:limit]
        following = f"{cursor}.c.{rows[-1][0].id}"
    records = [
        ServerChange(
            cursor=cursor,
            kind="conflict",
            entity="person",
            id=person.id,
            op="update",
            hlc=conflict.values[-1]["hlc"],
            office_code=person.office_code,
            person_id=person.id,
            fields=conflict_fields(conflict),
            origin_device="",
        )
        for conflict, person in rows
    ]
    return SnapshotPage(records, following, cursor)
