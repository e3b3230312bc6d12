"""The conflict queue (supervisors): a person's field that two computers changed while apart, every value
with who made it and when, for a supervisor to pick one or type another.

The decision itself is the server's to record (``sync.client.flow.resolve_flow``, which asks
``require_supervisor`` first): it comes back to every computer in scope, this one included, with the
next pull, which applies the value and closes the conflict here. So nothing here writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import parse_hlc
from app.errors import Refused
from app.services import persons
from app.services.sync_status import ConflictView, open_conflicts
from app.store.store import Store
from models import AuditEntry, OutboxChange, SyncState, User
from models.enums import Drug, Gender, PersonStatus, RiskColour, Role
from models.labels import field_label
from models.sync import STATE_ROW
from models.text import Message, Text
from models.values import ValueRuleError, normalise_phone, require

SUPERVISORS_ONLY = Text("只有审核人员可以处理同步冲突。", "Only a supervisor can resolve sync conflicts.")
NOT_SENT = Text(
    "连不上同步服务器（{detail}），这个决定没有送出，冲突仍然待处理。请检查网络后再选一次。",
    "The sync server cannot be reached ({detail}), so the decision was not sent and the conflict is still "
    "open. Check the network and choose again.",
)
NOT_TYPABLE = Text(
    "“{field}”只能从两台电脑的值中选择一个，不能另填。",
    "“{field}” can only be one of the values the computers hold; it cannot be typed.",
)
EMPTY = Text("（空）", "(empty)")

# Fields a supervisor may type a value of their own for (the others are codes, dates or lists: pick one).
TYPABLE = ("name", "phone", "household_address", "residence_address", "notes")
ENUMS: dict[str, Any] = {"gender": Gender, "risk_colour": RiskColour, "status": PersonStatus}
STATUS_LABEL = Text("人员状态", "status")
OFFICE_LABEL = Text("所属办公室", "office")


@dataclass(frozen=True)
class ConflictChoice:
    """One of the values in dispute."""

    value: Any  # as the server holds it: sent back unchanged when chosen
    shown: str  # the value in words
    at: datetime | None  # when it was made (from its clock), UTC
    device: str  # the server's id of the computer that made it
    here: bool  # made on this computer
    user: str | None  # who made it, when this computer knows (its own changes)
    in_force: bool  # the newest value: the one the file shows until a supervisor decides


@dataclass(frozen=True)
class ConflictItem:
    id: str
    person_id: UUID | None
    record_no: str | None
    name: str
    field: str
    field_label: Message
    choices: tuple[ConflictChoice, ...]
    typable: bool  # a supervisor may type another value
    received_at: datetime


def require_supervisor(store: Store) -> None:
    if store.actor is None or store.actor.role is not Role.SUPERVISOR:
        raise Refused(SUPERVISORS_ONLY())


def queue(store: Store) -> list[ConflictItem]:
    """The open conflicts, oldest first, each value opened and said in words."""
    require_supervisor(store)
    views = open_conflicts(store)
    ids = [v.person_id for v in views if v.person_id is not None]
    names = {pid: named.name for pid, named in persons.names(store, ids).items()}
    with store.read() as session:
        state = session.get(SyncState, STATE_ROW)
        our_device = state.device_id if state else None
        logins = dict(session.execute(select(User.id, User.login)).all())
        return [
            ConflictItem(
                id=view.id,
                person_id=view.person_id,
                record_no=view.record_no,
                name=names.get(view.person_id, "") if view.person_id else "",
                field=view.field,
                field_label=label_of(view.field),
                choices=_choices(store, session, view, our_device, logins),
                typable=view.field in TYPABLE,
                received_at=view.received_at,
            )
            for view in views
        ]


def label_of(field: str) -> Message:
    if field == "status":
        return STATUS_LABEL()
    if field == "office_code":
        return OFFICE_LABEL()
    return field_label(field)()


def typed_value(field: str, text: str) -> str:
    """A value a supervisor typed for ``field``, checked as the profile form checks it."""
    if field not in TYPABLE:
        raise Refused(NOT_TYPABLE(field=label_of(field)))
    try:
        if field == "name":
            return require(text, "name", field_label("name"))
        if field == "phone":
            return normalise_phone(text) if text.strip() else ""
    except ValueRuleError as exc:
        raise Refused(exc.message, field) from None
    return text.strip()


def _choices(
    store: Store, session: Session, view: ConflictView, our_device: str | None, logins: dict[UUID, str]
) -> tuple[ConflictChoice, ...]:
    local_device = store.device_id[:16]
    newest = max((str(v.get("hlc", "")) for v in view.values), default="", key=_clock_key)
    authors = _local_authors(session, view.person_id, [str(v.get("hlc", "")) for v in view.values])
    choices = []
    for value in view.values:
        hlc = str(value.get("hlc", ""))
        device = str(value.get("device", ""))
        key = _clock_key(hlc)
        here = device == our_device or (key[2] == local_device and bool(hlc))
        choices.append(
            ConflictChoice(
                value=value.get("value"),
                shown=describe(view.field, value.get("value"), logins),
                at=datetime.fromtimestamp(key[0] / 1000, UTC).replace(tzinfo=None) if key[0] else None,
                device=device,
                here=here,
                user=authors.get(hlc),
                in_force=hlc == newest,
            )
        )
    return tuple(choices)


def _clock_key(hlc: str) -> tuple[int, int, str]:
    try:
        return parse_hlc(hlc)
    except ValueError:
        return (0, 0, "")


def _local_authors(session: Session, person_id: UUID | None, hlcs: list[str]) -> dict[str, str]:
    """Who made the values this computer made: the change's outbox row and its audit entry were written in
    one transaction, so they carry the same time."""
    if person_id is None:
        return {}
    found: dict[str, str] = {}
    rows = session.execute(
        select(OutboxChange.hlc, OutboxChange.created_at).where(
            OutboxChange.entity == "person", OutboxChange.entity_id == person_id, OutboxChange.hlc.in_(hlcs)
        )
    ).all()
    for hlc, created_at in rows:
        login = session.scalar(
            select(User.login)
            .join(AuditEntry, AuditEntry.user_id == User.id)
            .where(AuditEntry.person_id == person_id, AuditEntry.at == created_at)
            .limit(1)
        )
        if login:
            found[hlc] = login
    return found


def describe(field: str, value: Any, logins: dict[UUID, str]) -> str:
    """A disputed value in words: labels for codes, names for the assigned worker, lists joined."""
    if value is None or value == "" or value == []:
        return EMPTY.render()
    try:
        if field in ENUMS:
            return str(ENUMS[field](value).label.render())
        if field == "drug_types" and isinstance(value, list):
            return "、".join(Drug(v).label.render() for v in value)
        if field == "assigned_worker_id":
            return logins.get(UUID(str(value)), str(value)[:8])
    except ValueError:
        pass  # a code this version does not know: shown as it is
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)
