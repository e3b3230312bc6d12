"""The change log: written in commit order, pulled by scope, compacted below a floor.

Cursors must be handed out in the order transactions commit, or a pull could see cursor 101 (committed)
while 100 (still running) is invisible, move past it, and never see it. So a write collects its entries
and inserts them as its very last step, under one advisory lock held until commit (PostgreSQL; SQLite
writers are serial anyway). Everything slow happens before that lock; inside it is one COPY (an INSERT
on SQLite).
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session

from sync.protocol import PullResponse, ServerChange
from sync.server.bulk import JsonTexts, insert_rows
from sync.server.db import LOCK_LOG, lock, utcnow
from sync.server.problems import CURSOR_AHEAD, CURSOR_EXPIRED, AdminError, Refusal
from sync.server.schema import ChangeLogEntry, ServerSetting, audit
from sync.server.scope import clause, county_of, covers

MAX_PAGE = 1000
DEFAULT_PAGE = 500


# The change log's columns a write fills (the cursor is the table's own, taken in row order).
LOG_COLUMNS = (
    "kind", "entity", "entity_id", "op", "hlc", "office_code", "county", "person_id", "fields", "field_clocks",
    "origin_device", "created_at",
)  # fmt: skip


class LogWriter:
    """Collects a transaction's log entries; ``flush`` writes them last, in order, under the log lock.

    ``texts`` holds the JSON text of values encoded already (a change's fields, checked on arrival), so
    the log entry reuses it."""

    def __init__(self, texts: JsonTexts | None = None) -> None:
        self.pending: list[tuple[Any, ...]] = []  # rows in LOG_COLUMNS order, created_at left out
        self.texts = texts or JsonTexts()

    def add(
        self,
        kind: str,
        entity: str,
        entity_id: str,
        op: str,
        hlc: str,
        office_code: str,
        person_id: str | None,
        fields: dict[str, Any],
        origin_device: str,
        field_clocks: dict[str, str] | None = None,
    ) -> None:
        self.pending.append(
            (
                kind, entity, entity_id, op, hlc, office_code, county_of(office_code), person_id, fields,
                field_clocks, origin_device,
            )
        )  # fmt: skip

    def flush(self, session: Session) -> None:
        if not self.pending:
            return
        session.flush()  # everything else first: the lock is held only for the insert and the commit
        lock(session, LOCK_LOG)
        now = utcnow()
        # One COPY (PostgreSQL) or executemany: the rows go in list order, so cursors follow it.
        insert_rows(
            session, ChangeLogEntry.__table__, LOG_COLUMNS, [(*p, now) for p in self.pending], self.texts
        )
        self.pending.clear()


# ---- settings -------------------------------------------------------------------------------------------
def log_floor(session: Session) -> int:
    """Entries below this cursor may have been compacted away (0: nothing ever was)."""
    value = session.scalar(select(ServerSetting.value).where(ServerSetting.key == "log_floor"))
    return int(value) if value else 0


def log_head(session: Session) -> int:
    """The newest cursor: every entry up to it is committed and visible (see the module docstring)."""
    newest = session.scalar(select(func.max(ChangeLogEntry.cursor))) or 0
    return max(newest, log_floor(session) - 1, 0)


def check_cursor(session: Session, after: int) -> int:
    """The log head, or Refusal(cursor_expired) when the log can no longer serve a pull after ``after``."""
    floor = log_floor(session)
    head = log_head(session)
    if after < floor - 1:
        raise Refusal(CURSOR_EXPIRED, cursor=after, floor=floor)
    if after > head:
        raise Refusal(CURSOR_AHEAD, cursor=after, head=head)
    return head


# ---- pull -----------------------------------------------------------------------------------------------
def pull(session: Session, scope: str, after: int, limit: int) -> PullResponse:
    """The log after ``after`` in ``scope``, one page.

    The head is read first and the page is bounded by it: cursors are committed in order, so every entry
    up to the head is visible to the page query. When the page is the last one, the returned cursor is
    the head itself, so a device whose offices were quiet still moves on (and a later compaction does
    not strand it).
    """
    head = check_cursor(session, after)
    rows = list(
        session.scalars(
            select(ChangeLogEntry)
            .where(
                clause(scope, ChangeLogEntry.office_code, ChangeLogEntry.county),
                ChangeLogEntry.cursor > after,
                ChangeLogEntry.cursor <= head,
            )
            .order_by(ChangeLogEntry.cursor)
            .limit(limit + 1)
        )
    )
    more = len(rows) > limit
    rows = rows[:limit]
    cursor = rows[-1].cursor if more else head
    return PullResponse([server_change(r) for r in rows if visible(r, scope)], cursor, more)


def visible(entry: ChangeLogEntry, scope: str) -> bool:
    """A tombstone is news only to devices that lose the person: not to a county that sees both offices."""
    if entry.kind != "tombstone":
        return True
    destination = entry.fields.get("office_code")
    return not (isinstance(destination, str) and covers(scope, destination))


def server_change(entry: ChangeLogEntry) -> ServerChange:
    return ServerChange(
        cursor=entry.cursor,
        kind=entry.kind,  # type: ignore[arg-type]
        entity=entry.entity,
        id=entry.entity_id,
        op=entry.op,  # type: ignore[arg-type]
        hlc=entry.hlc,
        office_code=entry.office_code,
        person_id=entry.person_id,
        fields=entry.fields,
        origin_device=entry.origin_device,
        field_clocks=entry.field_clocks,
    )


def pull_everything(session: Session, scope: str, after: int) -> PullResponse:
    """Every page after ``after`` as one response (a "down" bundle for a device with no link)."""
    changes: list[ServerChange] = []
    cursor = after
    while True:
        page = pull(session, scope, cursor, MAX_PAGE)
        changes.extend(page.changes)
        cursor = page.cursor
        if not page.more:
            return PullResponse(changes, cursor, False)


# ---- compaction -----------------------------------------------------------------------------------------
def compact(session: Session, before: int, actor: str) -> int:
    """Delete the entries below ``before`` and raise the floor to it; returns how many went.

    A device whose cursor is below the new floor gets 410 cursor_expired and rebuilds from a snapshot.
    """
    lock(session, LOCK_LOG)
    floor = log_floor(session)
    head = log_head(session)
    if before > head + 1:
        raise AdminError(
            f"不能压缩到 {before}：日志目前只到 {head}。",
            f"Cannot compact up to {before}: the log only reaches {head}.",
        )
    if before <= floor:
        return 0
    deleted = session.execute(delete(ChangeLogEntry).where(ChangeLogEntry.cursor < before)).rowcount or 0
    setting = session.get(ServerSetting, "log_floor")
    if setting is None:
        session.add(ServerSetting(key="log_floor", value=str(before)))
    else:
        setting.value = str(before)
    audit(session, actor, "log_compacted", str(before), deleted=deleted, previous_floor=floor)
    return deleted


# ---- after a restore ------------------------------------------------------------------------------------
def reopen_after_restore(session: Session, actor: str, now_us: int | None = None) -> int:
    """The database was restored from a backup: start the log afresh, past every cursor handed out before.

    Devices that pulled after the backup was taken hold cursors the restored log never reached; new
    entries must not take those numbers again, or such a device would skip them. The next cursor is the
    time in microseconds (a sane clock makes it larger than any cursor handed out before: a log grows by
    far less than one entry a microsecond), and the floor moves there, so every device rebuilds from a
    snapshot (410 cursor_expired) and sends again the changes the backup lacks (``Meta.device_seq``).
    Returns the new floor.
    """
    lock(session, LOCK_LOG)
    previous = log_floor(session)
    head = log_head(session)
    floor = max(head + 1, now_us if now_us is not None else time.time_ns() // 1000)
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text("SELECT setval(pg_get_serial_sequence('change_log', 'cursor'), :last, true)"),
            {"last": floor - 1},
        )
    else:  # SQLite's AUTOINCREMENT: the next rowid is above the largest ever in sqlite_sequence
        moved = session.execute(
            text("UPDATE sqlite_sequence SET seq = :last WHERE name = 'change_log'"), {"last": floor - 1}
        ).rowcount
        if not moved:
            session.execute(
                text("INSERT INTO sqlite_sequence (name, seq) VALUES ('change_log', :last)"),
                {"last": floor - 1},
            )
    setting = session.get(ServerSetting, "log_floor")
    if setting is None:
        session.add(ServerSetting(key="log_floor", value=str(floor)))
    else:
        setting.value = str(floor)
    audit(session, actor, "log_reopened", str(floor), previous_floor=previous, previous_head=head)
    return floor
