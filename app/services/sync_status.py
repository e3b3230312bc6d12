"""What sync has done and what waits, said honestly: for the status bar, the Sync page and
``rehabdesk sync status``.

Nothing here talks to a server; it reads the outbox and the sync bookkeeping (``models.sync``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import func, select

from app.clock import format_hlc, parse_hlc
from app.store.store import Store
from models import (
    FACT_ENTITIES,
    Measure,
    OutboxChange,
    Person,
    Review,
    StatusEvent,
    SyncConflict,
    SyncParked,
    SyncState,
    WorkGroupMember,
)
from models.base import Base
from models.sync import STATE_ROW
from models.text import Message, Text
from sync.protocol import MAX_CLOCK_SKEW_MS

# Every entity that syncs, by its wire name.
ENTITY_MODELS: dict[str, type[Base]] = {
    "person": Person,
    "work_group_member": WorkGroupMember,
    "measure": Measure,
    "status_event": StatusEvent,
    "review": Review,
    **{kind.value: entity for kind, entity in FACT_ENTITIES.items()},  # type: ignore[dict-item]
}

ADVICE_OUT_OF_SCOPE = Text(
    "该记录不属于本机可以同步的办公室。记录仍保存在本机；请信息技术人员核对本机的登记范围，然后点击“重新发送被拒绝的修改”。",
    "This record belongs to an office this computer may not sync. It stays on this computer; ask IT staff to "
    "check the computer's enrolment, then choose “Send refused changes again”.",
)
ADVICE_INVALID = Text(
    "服务器认为该记录内容有误。记录仍保存在本机；请打开该人员档案核对并更正（更正会作为新的修改发送），如有疑问请联系审核人员。",
    "The server found this record invalid. It stays on this computer; open the person's file, check it and "
    "correct it (the correction is sent as a new change), or ask a supervisor.",
)
ADVICE_OTHER = Text(
    "记录仍保存在本机，没有丢失。请联系信息技术人员，说明拒绝代码“{code}”。",
    "The record stays on this computer and is not lost. Contact IT staff and quote the refusal code “{code}”.",
)
TAMPERED_LOCALLY = Text(
    "本机的这条记录未通过完整性校验，未发送。",
    "This record failed its integrity check here and was not sent.",
)
MISSING_LOCALLY = Text(
    "本机找不到这条修改对应的记录（可能被手工删除），未发送。",
    "The record this change belongs to is not on this computer (it may have been removed by hand); it was not sent.",
)
UNKNOWN_REASON = Text("服务器没有说明原因。", "The server gave no reason.")


@dataclass(frozen=True)
class RejectedChange:
    """A change the server refused: it stays here, shown with the server's reason and what to do."""

    seq: int
    entity: str
    entity_id: UUID
    person_id: UUID | None
    record_no: str | None
    op: str
    created_at: datetime
    rejected_at: datetime
    code: str
    reason: Message
    advice: Message


@dataclass(frozen=True)
class ConflictView:
    """Two offices changed one field of a person while apart: the values, for a supervisor to pick one.
    ``values`` are the server's: [{"value", "hlc", "device"}], oldest first; the newest is in force."""

    id: str
    person_id: UUID | None
    record_no: str | None
    field: str
    values: tuple[dict[str, Any], ...]
    received_at: datetime


@dataclass(frozen=True)
class SyncStatus:
    enrolled: bool
    server_url: str | None
    device_id: str | None
    scope: str | None
    role: str | None
    pending: int  # saved here, not yet confirmed by a server (refused ones not counted)
    rejected: tuple[RejectedChange, ...]
    parked: int  # pulled changes waiting for the record they belong to
    # Waiting changes stamped while this computer's clock ran fast, further ahead of the clock now than a
    # server takes (it takes them once its clock catches up), and when it takes the last of them.
    ahead: int
    ahead_until: datetime | None
    open_conflicts: int
    last_success_at: datetime | None
    last_attempt_at: datetime | None
    failing_since: datetime | None
    last_error_kind: str | None  # auth | network | other
    last_error_code: str | None
    last_error: Message | None
    revoked: bool
    rebuilding: bool  # a snapshot rebuild is under way

    def as_json(self, lang: str | None = None) -> dict[str, Any]:
        return {
            "enrolled": self.enrolled,
            "server_url": self.server_url,
            "device_id": self.device_id,
            "scope": self.scope,
            "role": self.role,
            "pending": self.pending,
            "rejected": [
                {
                    "seq": r.seq,
                    "entity": r.entity,
                    "entity_id": str(r.entity_id),
                    "person_id": str(r.person_id) if r.person_id else None,
                    "record_no": r.record_no,
                    "op": r.op,
                    "created_at": r.created_at.isoformat(),
                    "rejected_at": r.rejected_at.isoformat(),
                    "code": r.code,
                    "reason": r.reason.render(lang),
                    "advice": r.advice.render(lang),
                }
                for r in self.rejected
            ],
            "parked": self.parked,
            "ahead": self.ahead,
            "ahead_until": _iso(self.ahead_until),
            "open_conflicts": self.open_conflicts,
            "last_success_at": _iso(self.last_success_at),
            "last_attempt_at": _iso(self.last_attempt_at),
            "offline_since": _iso(self.failing_since) if self.last_error_kind == "network" else None,
            "failing_since": _iso(self.failing_since),
            "last_error": None
            if self.last_error is None
            else {
                "kind": self.last_error_kind,
                "code": self.last_error_code,
                "message": self.last_error.render(lang),
            },
            "revoked": self.revoked,
            "rebuilding": self.rebuilding,
        }


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat() + "Z"


def _ahead(session: Any, now_ms: int) -> tuple[int, datetime | None]:
    """Waiting changes stamped further ahead of ``now_ms`` than a server takes, and when (UTC) a server
    whose clock agrees with this one takes the last of them. Stamps sort as text (13 digits of ms)."""
    waiting = (OutboxChange.acked_at.is_(None), OutboxChange.rejected_at.is_(None))
    # A computer's stamps never go back, so the newest waiting change has the latest: when it is not
    # ahead, none is, and a year's outbox is not read for the common case.
    last = session.scalar(select(OutboxChange.hlc).where(*waiting).order_by(OutboxChange.seq.desc()).limit(1))
    latest_taken = format_hlc(now_ms + MAX_CLOCK_SKEW_MS, 0, "")
    if last is None or last <= latest_taken:
        return 0, None
    count = session.scalar(
        select(func.count()).select_from(OutboxChange).where(*waiting, OutboxChange.hlc > latest_taken)
    )
    taken_ms = parse_hlc(last)[0] - MAX_CLOCK_SKEW_MS
    return int(count or 0), datetime.fromtimestamp(taken_ms / 1000, UTC).replace(tzinfo=None)


def read_status(store: Store) -> SyncStatus:
    with store.read() as session:
        state = session.get(SyncState, STATE_ROW)
        pending = session.scalar(
            select(func.count())
            .select_from(OutboxChange)
            .where(OutboxChange.acked_at.is_(None), OutboxChange.rejected_at.is_(None))
        )
        # ">= the earliest time" rather than "is not null", ordered here rather than in SQL: so SQLite
        # reads the few refused changes from the unsent index instead of walking the whole outbox.
        refused = sorted(
            session.scalars(
                select(OutboxChange).where(
                    OutboxChange.acked_at.is_(None), OutboxChange.rejected_at >= datetime.min
                )
            ),
            key=lambda row: row.seq,
        )
        rejected = tuple(_rejected(store, session, row) for row in refused)
        parked = session.scalar(select(func.count()).select_from(SyncParked)) or 0
        ahead, ahead_until = _ahead(session, store.clock.wall_ms())
        conflicts = (
            session.scalar(
                select(func.count()).select_from(SyncConflict).where(SyncConflict.resolved_at.is_(None))
            )
            or 0
        )
        error = None
        if state is not None and state.last_error is not None:
            words = store.open_json("sync_state", "last_error", STATE_ROW, state.last_error) or {}
            error = _message(words)
        return SyncStatus(
            enrolled=state is not None,
            server_url=state.server_url if state else None,
            device_id=state.device_id if state else None,
            scope=state.scope if state else None,
            role=state.role if state else None,
            pending=pending or 0,
            rejected=rejected,
            parked=parked,
            ahead=ahead,
            ahead_until=ahead_until,
            open_conflicts=conflicts,
            last_success_at=state.last_success_at if state else None,
            last_attempt_at=state.last_attempt_at if state else None,
            failing_since=state.failing_since if state else None,
            last_error_kind=state.last_error_kind if state else None,
            last_error_code=state.last_error_code if state else None,
            last_error=error,
            revoked=bool(state and state.revoked_at),
            rebuilding=bool(state and state.snapshot_after is not None),
        )


def open_conflicts(store: Store) -> list[ConflictView]:
    """The conflicts waiting for a supervisor, oldest first (values opened: they are personal data)."""
    with store.read() as session:
        rows = session.scalars(
            select(SyncConflict).where(SyncConflict.resolved_at.is_(None)).order_by(SyncConflict.received_at)
        ).all()
        views = []
        for row in rows:
            detail = store.open_json("sync_conflict", "detail", row.id, row.detail) or {}
            person = session.get(Person, row.person_id) if row.person_id else None
            views.append(
                ConflictView(
                    id=row.id,
                    person_id=row.person_id,
                    record_no=person.record_no if person else None,
                    field=str(detail.get("field", "")),
                    values=tuple(v for v in detail.get("values", []) if isinstance(v, dict)),
                    received_at=row.received_at,
                )
            )
        return views


def has_unsent(store: Store) -> bool:
    """Whether any change waits to be sent (refused ones aside): cheap, for the scheduler's debounce."""
    with store.read() as session:
        first = session.scalar(
            select(OutboxChange.seq)
            .where(OutboxChange.acked_at.is_(None), OutboxChange.rejected_at.is_(None))
            .limit(1)
        )
        return first is not None


def retry_rejected(store: Store, seqs: list[int] | None = None) -> int:
    """Send refused changes again (after IT fixed what the server objected to); returns how many."""
    with store.write() as tx:
        query = select(OutboxChange).where(
            OutboxChange.acked_at.is_(None), OutboxChange.rejected_at.is_not(None)
        )
        if seqs is not None:
            query = query.where(OutboxChange.seq.in_(seqs))
        rows = tx.session.scalars(query).all()
        for row in rows:
            row.rejected_at = None
            row.reject_code = None
            row.reject_reason = None
        if rows:
            tx.audit("sync.retry_rejected", details={"changes": len(rows)})
            tx.changes.entities.update(row.entity for row in rows)
    return len(rows)


def person_of(session: Any, entity: str, entity_id: UUID) -> UUID | None:
    if entity == "person":
        return entity_id
    model = ENTITY_MODELS.get(entity)
    row = session.get(model, entity_id) if model is not None else None
    return getattr(row, "person_id", None)


def _rejected(store: Store, session: Any, row: OutboxChange) -> RejectedChange:
    assert row.rejected_at is not None
    code = row.reject_code or ""
    words = store.open_json("outbox_change", "reject_reason", str(row.seq), row.reject_reason) or {}
    person_id = person_of(session, row.entity, row.entity_id)
    person = session.get(Person, person_id) if person_id else None
    return RejectedChange(
        seq=row.seq,
        entity=row.entity,
        entity_id=row.entity_id,
        person_id=person_id,
        record_no=person.record_no if person else None,
        op=row.op,
        created_at=row.created_at,
        rejected_at=row.rejected_at,
        code=code,
        reason=_message(words) if words else UNKNOWN_REASON(),
        advice=advice_for(code),
    )


def advice_for(code: str) -> Message:
    if code == "out_of_scope":
        return ADVICE_OUT_OF_SCOPE()
    if code == "invalid":
        return ADVICE_INVALID()
    return ADVICE_OTHER(code=code or "?")


def _message(words: dict[str, str]) -> Message:
    """A message whose words came from elsewhere (the server), in both languages."""
    zh = words.get("zh") or words.get("en") or ""
    en = words.get("en") or words.get("zh") or ""
    return Text(_literal(zh), _literal(en))()


def _literal(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


def sealed_words(message: Message) -> str:
    """A message as stored (both languages, as JSON), for ``Tx.seal`` of a reason or an error."""
    return json.dumps({"zh": message.render("zh_CN"), "en": message.render("en")}, ensure_ascii=False)


def waiting_by_entity(store: Store) -> dict[str, int]:
    """Changes waiting to be sent, by kind of record (refused ones are listed apart)."""
    with store.read() as session:
        rows = session.execute(
            select(OutboxChange.entity, func.count())
            .where(OutboxChange.acked_at.is_(None), OutboxChange.rejected_at.is_(None))
            .group_by(OutboxChange.entity)
        ).all()
    return {entity: count for entity, count in rows}
