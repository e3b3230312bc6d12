"""Reading the audit chain: who did what to which record and when, filtered, a page at a time; checking
the chain; exporting what a filter found (the export is itself audited).

Supervisors and administrators read the audit; workers do not. The entries name records by number,
never by a person's name, so an administrator (who by privacy default reads no files) can read them
too; only finding a person by name is left to those who read files. ``details`` is the one sealed
column: it is opened for the rows shown or exported, never for the whole log, so a page of a log of
100,000 entries costs one indexed query and a count.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from app.audit import ChainCheck, verify_chain
from app.errors import Refused, UserError
from app.files import write_atomically
from app.services.exports import CANNOT_WRITE, UNSUPPORTED_FORMAT, _csv_bytes, _xlsx_bytes
from app.store.store import Store
from models import AuditEntry, Person, User
from models.enums import FactKind, Role
from models.labels import field_label
from models.text import Message, Text, current_language

PAGE_SIZE = 200
EXPORT_BATCH = 5000

AUDIT_READERS = (Role.SUPERVISOR, Role.ADMIN)
NOT_FOR_WORKERS = Text(
    "审计日志只有审核人员和管理员可以查看或导出。",
    "Only supervisors and administrators can read or export the audit log.",
)
NO_NAME_SEARCH = Text(
    "管理员账号不按姓名查找人员，请按档案号筛选（例如 640104001-2026-00012）。",
    "The administrator account does not look people up by name; filter by record number (e.g. "
    "640104001-2026-00012).",
)
CHAIN_INTACT = Text(
    "审计链完整：共 {entries} 条记录，校验通过。", "The audit chain is intact: {entries} entries verified."
)
CHAIN_BROKEN = Text(
    "审计链在第 {seq} 条记录处断裂：该记录或其前一条已被改动或删除。请联系信息技术人员，从备份恢复。",
    "The audit chain is broken at entry {seq}: it or the entry before it was altered or removed. Contact IT "
    "staff and restore from a backup.",
)
EXPORTED = Text(
    "已导出 {rows} 条审计记录到 {path}。此次导出已记入审计日志。",
    "Exported {rows} audit entries to {path}. The export was audited.",
)
UNKNOWN_USER = Text("没有名为 {login} 的用户。", "There is no user named {login}.")
DATES_REVERSED = Text(
    "开始日期 {start} 晚于结束日期 {end}，请调换后再试。",
    "The start date {start} is after the end date {end}; swap them.",
)
BAD_DATE = Text(
    "日期“{value}”无效，请按 YYYY-MM-DD 格式填写，例如 2026-06-30。",
    "“{value}” is not a date: write YYYY-MM-DD, e.g. 2026-06-30.",
)

# What each action means, for people (the log keeps the codes). Facts' actions are made from their kinds.
ACTIONS: dict[str, Text] = {
    "store.init": Text("建立办公室", "office set up"),
    "store.provision": Text("按配置文件建立办公室", "office provisioned"),
    "user.add": Text("添加用户", "user added"),
    "user.password": Text("修改密码", "password changed"),
    "user.password_recovery": Text("用恢复密钥重设密码", "password reset with the recovery key"),
    "user.deactivate": Text("停用用户", "user deactivated"),
    "person.register": Text("登记人员", "person registered"),
    "person.update": Text("修改人员信息", "profile changed"),
    "person.open": Text("查看档案", "file opened"),
    "person.status": Text("变更人员状态", "status changed"),
    "measure.order": Text("录入决定书", "measure ordered"),
    "measure.report": Text("登记报到", "report for a measure"),
    "review.signed_off": Text("审核签字", "signed off"),
    "review.returned": Text("退回更正", "returned for correction"),
    "report.export": Text("导出月报", "report exported"),
    "report.full_names": Text("月报显示完整姓名", "report with full names"),
    "audit.export": Text("导出审计日志", "audit log exported"),
    "sync.enroll": Text("登记到同步服务器", "enrolled with the sync server"),
    "sync.push": Text("同步：发送", "sync: sent"),
    "sync.pull": Text("同步：接收", "sync: received"),
    "sync.snapshot_begin": Text("同步：开始重建", "sync: rebuild started"),
    "sync.snapshot": Text("同步：重建", "sync: rebuilt"),
    "sync.renumber": Text("同步：档案号重编", "sync: record renumbered"),
    "sync.transferred_out": Text("同步：人员转出", "sync: person transferred out"),
    "sync.revoked": Text("同步权限被撤销", "sync access withdrawn"),
    "sync.retry_rejected": Text("重新发送被拒绝的修改", "refused changes sent again"),
    "sync.export_bundle": Text("导出同步数据包", "sync bundle exported"),
    "sync.import_bundle": Text("导入同步数据包", "sync bundle imported"),
}
LEDGERS = {
    "persons": Text("人员", "persons"),
    "visits": Text("走访", "visits"),
    "tests": Text("检测", "tests"),
    "assistance": Text("帮扶", "assistance"),
}
FACT_VERBS = {
    "record": Text("{kind}：录入", "{kind}: recorded"),
    "correct": Text("{kind}：更正", "{kind}: corrected"),
    "void": Text("{kind}：作废", "{kind}: voided"),
}
IMPORT = Text("导入台账：{ledger}", "ledger imported: {ledger}")
EXPORT = Text("导出台账：{ledger}", "ledger exported: {ledger}")
DETAIL_KEYS: dict[str, Text] = {
    "fields": Text("字段", "fields"),
    "rows": Text("行数", "rows"),
    "format": Text("格式", "format"),
    "file_type": Text("文件类型", "file type"),
    "role": Text("角色", "role"),
    "people": Text("人数", "people"),
    "full_names": Text("完整姓名", "full names"),
    "changes": Text("变更数", "changes"),
    "applied": Text("已应用", "applied"),
    "parked": Text("暂存", "parked"),
    "conflicts": Text("冲突", "conflicts"),
    "suite": Text("加密套件", "cipher suite"),
    "user": Text("用户", "user"),
    "action": Text("操作", "action"),
    "from": Text("起始日期", "from"),
    "to": Text("截止日期", "until"),
    "person": Text("档案号", "record"),
    "by_name": Text("按姓名筛选", "filtered by name"),
}
YES = Text("是", "true")
NO = Text("否", "false")
EXPORT_HEADERS = (
    Text("序号", "entry"),
    Text("时间", "time"),
    Text("用户", "user"),
    Text("操作", "action"),
    Text("操作代码", "action code"),
    Text("档案号", "record"),
    Text("记录类型", "kind of record"),
    Text("记录编号", "record id"),
    Text("详情", "details"),
)


@dataclass(frozen=True)
class AuditFilter:
    """What to look for; every part is optional. Dates are the office's local calendar days, inclusive."""

    user: str | None = None  # a login
    person: str = ""  # a record number (or part of one), or a name for those who read files
    action: str | None = None  # an action code ("person.open") or its group ("person")
    start: date | None = None
    end: date | None = None


@dataclass(frozen=True)
class AuditRow:
    seq: int
    at: datetime  # UTC, as stored
    user: str | None  # login; None for the store's own work
    action: str
    entity: str | None
    entity_id: UUID | None
    person_id: UUID | None
    record_no: str | None
    details: dict[str, Any] | None

    @property
    def action_label(self) -> Message:
        return describe_action(self.action)

    def details_text(self, lang: str | None = None) -> str:
        return describe_details(self.details, lang)


@dataclass(frozen=True)
class AuditPage:
    rows: tuple[AuditRow, ...]
    total: int  # entries matching the filter, all pages
    offset: int
    limit: int


# ---- roles -----------------------------------------------------------------------------------------------
def require_audit_reader(store: Store) -> None:
    if store.actor is None or store.actor.role not in AUDIT_READERS:
        raise Refused(NOT_FOR_WORKERS())


# ---- checking the chain ------------------------------------------------------------------------------------
def verify(store: Store) -> ChainCheck:
    with store.read() as session:
        return verify_chain(session, store.keyring_suite, store.sealer.audit_key)


def chain_message(check: ChainCheck) -> Message:
    return CHAIN_INTACT(entries=check.entries) if check.ok else CHAIN_BROKEN(seq=check.broken_at)


# ---- reading -----------------------------------------------------------------------------------------------
def query(store: Store, wanted: AuditFilter, offset: int = 0, limit: int = PAGE_SIZE) -> AuditPage:
    """One page of the entries ``wanted`` matches, newest first, with how many match in all."""
    require_audit_reader(store)
    with store.read() as session:
        conditions = _conditions(store, session, wanted)
        if conditions is None:
            return AuditPage((), 0, offset, limit)
        total = session.scalar(select(func.count()).select_from(AuditEntry).where(*conditions)) or 0
        entries = session.scalars(
            select(AuditEntry)
            .where(*conditions)
            .order_by(AuditEntry.seq.desc())
            .offset(max(0, offset))
            .limit(max(1, limit))
        ).all()
        rows = _rows(store, session, entries)
    return AuditPage(tuple(rows), total, offset, limit)


def entries(store: Store, wanted: AuditFilter) -> Iterator[AuditRow]:
    """Every entry ``wanted`` matches, newest first, read in batches (for exports and the CLI)."""
    require_audit_reader(store)
    before: int | None = None
    while True:
        with store.read() as session:
            conditions = _conditions(store, session, wanted)
            if conditions is None:
                return
            if before is not None:
                conditions.append(AuditEntry.seq < before)
            batch = session.scalars(
                select(AuditEntry).where(*conditions).order_by(AuditEntry.seq.desc()).limit(EXPORT_BATCH)
            ).all()
            rows = _rows(store, session, batch)
        yield from rows
        if len(batch) < EXPORT_BATCH:
            return
        before = batch[-1].seq


def users(store: Store) -> list[str]:
    """The logins that may appear in the log, for a filter's choices."""
    require_audit_reader(store)
    with store.read() as session:
        return list(session.scalars(select(User.login).order_by(User.login)))


def actions(store: Store) -> list[str]:
    """The action codes the log holds, for a filter's choices."""
    require_audit_reader(store)
    with store.read() as session:
        return sorted(session.scalars(select(AuditEntry.action).distinct()))


def _conditions(store: Store, session: Session, wanted: AuditFilter) -> list[ColumnElement[bool]] | None:
    """The SQL conditions of a filter; None when it can match nothing (an unknown record number)."""
    conditions: list[ColumnElement[bool]] = []
    if wanted.user:
        user_id = session.scalar(select(User.id).where(User.login == wanted.user.strip()))
        if user_id is None:
            raise Refused(UNKNOWN_USER(login=wanted.user.strip()))
        conditions.append(AuditEntry.user_id == user_id)
    if wanted.action:
        code = wanted.action.strip()
        conditions.append(or_(AuditEntry.action == code, AuditEntry.action.like(code + ".%")))
    if wanted.start and wanted.end and wanted.start > wanted.end:
        raise Refused(DATES_REVERSED(start=wanted.start.isoformat(), end=wanted.end.isoformat()))
    if wanted.start:
        conditions.append(AuditEntry.at >= _utc_midnight(wanted.start))
    if wanted.end:
        conditions.append(AuditEntry.at < _utc_midnight(wanted.end + timedelta(days=1)))
    if wanted.person.strip():
        people = _people(store, session, wanted.person.strip())
        if not people:
            return None
        conditions.append(AuditEntry.person_id.in_(people))
    return conditions


RECORD_NO = re.compile(r"[\d-]+")


def _people(store: Store, session: Session, text: str) -> list[UUID]:
    if RECORD_NO.fullmatch(text):
        exact = list(session.scalars(select(Person.id).where(Person.record_no == text)))
        if exact:
            return exact
        return list(session.scalars(select(Person.id).where(Person.record_no.like(f"%{text}%")).limit(500)))
    # A name (or pinyin, initials): only someone who reads files may look a person up by name.
    if store.actor is not None and store.actor.role is Role.ADMIN:
        raise Refused(NO_NAME_SEARCH())
    return store.index.search(text, 500)


def _utc_midnight(day: date) -> datetime:
    """The start of a local calendar day, as the stored (naive UTC) time."""
    return datetime.combine(day, time()).astimezone(UTC).replace(tzinfo=None)


def _rows(store: Store, session: Session, found: Any) -> list[AuditRow]:
    logins = dict(session.execute(select(User.id, User.login)).all())
    person_ids = {e.person_id for e in found if e.person_id is not None}
    numbers: dict[UUID, str] = {}
    if person_ids:
        numbers = dict(
            session.execute(select(Person.id, Person.record_no).where(Person.id.in_(person_ids))).all()
        )
    return [
        AuditRow(
            seq=e.seq,
            at=e.at,
            user=logins.get(e.user_id) if e.user_id else None,
            action=e.action,
            entity=e.entity,
            entity_id=e.entity_id,
            person_id=e.person_id,
            record_no=numbers.get(e.person_id) if e.person_id else None,
            details=store.open_json("audit_entry", "details", str(e.seq), e.details) if e.details else None,
        )
        for e in found
    ]


# ---- words -------------------------------------------------------------------------------------------------
def describe_action(action: str) -> Message:
    known = ACTIONS.get(action)
    if known is not None:
        return known()
    group, _, verb = action.partition(".")
    if group in ("import", "export") and verb in LEDGERS:
        return (IMPORT if group == "import" else EXPORT)(ledger=LEDGERS[verb]())
    kinds = {k.value: k for k in FactKind}
    if group in kinds and verb in FACT_VERBS:
        return FACT_VERBS[verb](kind=kinds[group].label())
    return Text(_literal(action), _literal(action))()


def describe_details(details: dict[str, Any] | None, lang: str | None = None) -> str:
    """What an entry's details say, in words: the names of changed fields, counts, formats (never values)."""
    if not details:
        return ""
    zh = (lang or current_language()) != "en"
    colon, separator, comma = ("：", "；", "、") if zh else (": ", "; ", ", ")  # Chinese: full-width marks
    parts = []
    for key, value in details.items():
        label = DETAIL_KEYS[key].render(lang) if key in DETAIL_KEYS else key
        if key == "fields" and isinstance(value, list):
            # Blind indexes change with their field; the field is what a person recognises.
            shown = comma.join(
                field_label(str(f)).render(lang) for f in value if not str(f).endswith("_blind")
            )
        elif isinstance(value, bool):
            shown = (YES if value else NO).render(lang)
        else:
            shown = str(value)
        parts.append(f"{label}{colon}{shown}")
    return separator.join(parts)


def _literal(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


def local_time(at: datetime) -> str:
    """A stored (naive UTC) time as the office's local time."""
    return at.replace(tzinfo=UTC).astimezone().strftime("%Y-%m-%d %H:%M:%S")


def parse_day(text: str | None) -> date | None:
    """A date typed on the command line, or a sentence saying how to write one."""
    if not text:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UserError(BAD_DATE(value=text)) from None


# ---- exporting ---------------------------------------------------------------------------------------------
def export(store: Store, wanted: AuditFilter, out: Path, lang: str | None = None) -> int:
    """Write the entries ``wanted`` matches to a CSV or XLSX file; the export is audited (the filter and
    the count, never the contents). Returns how many entries were written."""
    require_audit_reader(store)
    suffix = out.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise UserError(UNSUPPORTED_FORMAT())
    headers = [h.render(lang) for h in EXPORT_HEADERS]
    rows = [
        [
            r.seq,
            local_time(r.at),
            r.user or "",
            r.action_label.render(lang),
            r.action,
            r.record_no or "",
            r.entity or "",
            str(r.entity_id or ""),
            r.details_text(lang),
        ]
        for r in entries(store, wanted)
    ]
    data = _csv_bytes(headers, rows) if suffix == ".csv" else _xlsx_bytes("audit", headers, rows)
    try:
        write_atomically(out, data)
    except OSError as exc:
        raise UserError(CANNOT_WRITE(path=str(out), reason=exc.strerror or type(exc).__name__)) from None
    with store.write() as tx:
        tx.audit("audit.export", details={"rows": len(rows), "format": suffix, **_filter_details(wanted)})
    return len(rows)


def _filter_details(wanted: AuditFilter) -> dict[str, Any]:
    """The filter of an export, for its own audit entry (a typed name is not kept: it could be anyone's)."""
    details: dict[str, Any] = {}
    if wanted.user:
        details["user"] = wanted.user
    if wanted.action:
        details["action"] = wanted.action
    if wanted.start:
        details["from"] = wanted.start.isoformat()
    if wanted.end:
        details["to"] = wanted.end.isoformat()
    person = wanted.person.strip()
    if person and RECORD_NO.fullmatch(person):
        details["person"] = person
    elif person:
        details["by_name"] = True
    return details


def as_json(row: AuditRow, lang: str | None = None) -> dict[str, Any]:
    return {
        "seq": row.seq,
        "at": row.at.isoformat() + "Z",
        "user": row.user,
        "action": row.action,
        "action_label": row.action_label.render(lang),
        "entity": row.entity,
        "entity_id": str(row.entity_id) if row.entity_id else None,
        "person_id": str(row.person_id) if row.person_id else None,
        "record_no": row.record_no,
        "details": json.loads(json.dumps(row.details, default=str)) if row.details else None,
    }
