"""The audit viewer's service: filters, roles, paging over a large log, export (itself audited) and a
tampered chain found."""

from __future__ import annotations

import csv
import sqlite3
import time as clock
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import insert, select

from app.errors import Refused, UserError
from app.services import audit_log, persons, users
from app.services.audit_log import AuditFilter
from app.services.inputs import PersonInput, VisitInput
from app.store.unlock import open_store
from models import AuditEntry
from models.enums import Role, VisitKind
from tests.conftest import ADMIN, ADMIN_PW, TODAY, WORKER, make_id

BOSS, BOSS_PW = "boss", "boss-password-1"


def at(day: date, hour: int = 10) -> datetime:
    """A local time on ``day`` as the store keeps it (naive UTC)."""
    from datetime import UTC

    return datetime(day.year, day.month, day.day, hour).astimezone(UTC).replace(tzinfo=None)


@pytest.fixture
def office(store, admin_store, monkeypatch):
    """Two people; the worker registers and visits them on three days, the supervisor opens one file."""
    users.add(admin_store, BOSS, Role.SUPERVISOR, BOSS_PW)
    days = iter([date(2026, 6, 1), date(2026, 6, 1), date(2026, 6, 10), date(2026, 6, 20)])
    now = {"value": at(date(2026, 5, 31))}
    monkeypatch.setattr("app.store.store.utcnow", lambda: now["value"])

    def on(day: date) -> None:
        now["value"] = at(day)

    on(next(days))
    zhang = persons.register(store, PersonInput(name="张三", id_number=make_id(seq=11))).created[0]
    on(next(days))
    li = persons.register(store, PersonInput(name="李四", id_number=make_id(seq=13))).created[0]
    on(next(days))
    from app.services import facts

    facts.record(store, VisitInput(person_id=zhang, visited_on=date(2026, 6, 10), kind=VisitKind.HOME))
    on(next(days))
    supervisor = open_store(store.data_dir.root, BOSS, BOSS_PW, today=lambda: TODAY)
    persons.open_file(supervisor, li)
    yield {"zhang": zhang, "li": li, "supervisor": supervisor, "admin": admin_store, "worker": store}
    supervisor.close()


def actions_of(page) -> list[str]:
    return [r.action for r in page.rows]


def test_a_worker_may_not_read_or_export_the_audit(office, tmp_path):
    worker = office["worker"]
    for attempt in (
        lambda: audit_log.query(worker, AuditFilter()),
        lambda: list(audit_log.entries(worker, AuditFilter())),
        lambda: audit_log.export(worker, AuditFilter(), tmp_path / "audit.csv"),
    ):
        with pytest.raises(Refused) as refused:
            attempt()
        assert refused.value.render("zh_CN") == "审计日志只有审核人员和管理员可以查看或导出。"
        assert "supervisors and administrators" in refused.value.render("en")
    assert not (tmp_path / "audit.csv").exists()


def test_supervisors_and_administrators_read_the_whole_log_newest_first(office):
    for reader in (office["supervisor"], office["admin"]):
        page = audit_log.query(reader, AuditFilter())
        seqs = [r.seq for r in page.rows]
        assert seqs == sorted(seqs, reverse=True) and page.total == len(seqs)
        assert actions_of(page)[0] == "person.open" and actions_of(page)[-1] == "store.init"


def test_filter_by_user_action_and_dates(office):
    reader = office["supervisor"]
    mine = audit_log.query(reader, AuditFilter(user=WORKER))
    assert actions_of(mine) == ["visit.record", "person.register", "person.register"]
    assert {r.user for r in mine.rows} == {WORKER}
    assert actions_of(audit_log.query(reader, AuditFilter(action="person.open"))) == ["person.open"]
    group = audit_log.query(reader, AuditFilter(action="person"))  # a group: person.*
    assert actions_of(group) == ["person.open", "person.register", "person.register"]
    june = audit_log.query(reader, AuditFilter(start=date(2026, 6, 10), end=date(2026, 6, 10)))
    assert actions_of(june) == ["visit.record"]  # the end day counts whole; the day after does not
    since = audit_log.query(reader, AuditFilter(user=WORKER, start=date(2026, 6, 2)))
    assert actions_of(since) == ["visit.record"]
    with pytest.raises(Refused) as unknown:
        audit_log.query(reader, AuditFilter(user="nobody"))
    assert "nobody" in unknown.value.render("zh_CN")
    with pytest.raises(Refused) as reversed_:
        audit_log.query(reader, AuditFilter(start=date(2026, 6, 20), end=date(2026, 6, 1)))
    assert "2026-06-20" in reversed_.value.render("zh_CN")


def test_filter_by_person_record_number_or_name(office):
    supervisor, admin = office["supervisor"], office["admin"]
    zhang_no = persons.summaries(supervisor, [office["zhang"]])[0].record_no
    by_number = audit_log.query(admin, AuditFilter(person=zhang_no))
    assert actions_of(by_number) == ["visit.record", "person.register"]
    assert {r.record_no for r in by_number.rows} == {zhang_no}
    assert audit_log.query(admin, AuditFilter(person="640104001-2099")).total == 0  # no such record
    by_name = audit_log.query(supervisor, AuditFilter(person="李四"))
    assert actions_of(by_name) == ["person.open", "person.register"]
    by_initials = audit_log.query(supervisor, AuditFilter(person="ls"))
    assert actions_of(by_initials) == actions_of(by_name)
    # The administrator reads the log by record number, but does not look people up by name.
    with pytest.raises(Refused) as refused:
        audit_log.query(admin, AuditFilter(person="李四"))
    assert "档案号" in refused.value.render("zh_CN")


def test_rows_say_what_happened_in_words_without_values(office):
    supervisor = office["supervisor"]
    persons.update_profile(office["worker"], office["zhang"], phone="17000000001", notes="备注")
    (row,) = audit_log.query(supervisor, AuditFilter(action="person.update")).rows
    assert row.action_label.render("zh_CN") == "修改人员信息"
    assert row.details_text("zh_CN") == "字段：备注、联系电话"  # the blind index is not a field anyone knows
    assert row.details_text("en") == "fields: notes, phone"
    assert "17000000001" not in row.details_text("zh_CN")
    (visit,) = audit_log.query(supervisor, AuditFilter(action="visit.record")).rows
    assert visit.action_label.render("zh_CN").endswith("：录入")
    assert audit_log.describe_action("export.persons").render("zh_CN") == "导出台账：人员"
    assert audit_log.describe_action("something.new").render("en") == "something.new"


def test_a_page_at_a_time_over_a_large_log(office):
    """100,000 entries: a page and its count come back quickly; only the page's details are opened."""
    reader = office["admin"]
    with reader.write() as tx:
        first = (tx.session.scalar(select(AuditEntry.seq).order_by(AuditEntry.seq.desc()).limit(1)) or 0) + 1
        tx.session.execute(
            insert(AuditEntry),
            [
                {"seq": first + i, "at": at(date(2026, 6, 25)), "action": "person.open", "digest": b"\0" * 32}
                for i in range(100_000)
            ],
        )
    started = clock.perf_counter()
    page = audit_log.query(reader, AuditFilter(action="person.open"), offset=200, limit=200)
    second = audit_log.query(reader, AuditFilter(user=WORKER), limit=200)
    took = clock.perf_counter() - started
    assert page.total == 100_001 and len(page.rows) == 200 and page.rows[0].seq == first + 100_000 - 1 - 200
    assert second.total == 3
    assert took < 2.0, f"two filtered pages of a 100,000-entry log took {took:.2f} s"


def test_export_writes_the_filtered_entries_and_is_audited(office, tmp_path):
    reader = office["supervisor"]
    out = tmp_path / "audit.csv"
    written = audit_log.export(reader, AuditFilter(user=WORKER), out, lang="zh_CN")
    assert written == 3
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["序号", "时间", "用户", "操作", "操作代码", "档案号", "记录类型", "记录编号", "详情"]
    assert [r[4] for r in rows[1:]] == ["visit.record", "person.register", "person.register"]
    assert {r[2] for r in rows[1:]} == {WORKER}
    assert "张三" not in out.read_text(encoding="utf-8-sig")  # record numbers, never names
    (entry,) = audit_log.query(reader, AuditFilter(action="audit.export")).rows
    assert entry.user == BOSS
    assert entry.details == {"rows": 3, "format": ".csv", "user": WORKER}

    xlsx = tmp_path / "audit.xlsx"
    assert audit_log.export(office["admin"], AuditFilter(action="person"), xlsx, lang="en") == 3
    sheet = load_workbook(xlsx).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][:4] == ["entry", "time", "user", "action"] and sheet["A1"].font.bold
    assert [v[4] for v in values[1:]] == ["person.open", "person.register", "person.register"]
    with pytest.raises(UserError):
        audit_log.export(reader, AuditFilter(), tmp_path / "audit.pdf")
    assert audit_log.verify(reader).ok  # the exports' own entries joined the chain properly


def test_a_tampered_entry_is_found(office, store_dir: Path):
    reader = office["admin"]
    check = audit_log.verify(reader)
    assert check.ok and check.entries >= 7
    connection = sqlite3.connect(store_dir / "rehabdesk.db")
    with connection:
        connection.execute("UPDATE audit_entry SET action = 'person.register' WHERE action = 'visit.record'")
    connection.close()
    broken = audit_log.verify(reader)
    (visit,) = audit_log.query(
        reader, AuditFilter(user=WORKER, start=date(2026, 6, 10), end=date(2026, 6, 10))
    ).rows
    assert not broken.ok and broken.broken_at == visit.seq


def test_a_mistyped_date_is_a_sentence():
    with pytest.raises(UserError) as bad:
        audit_log.parse_day("2026-13-01")
    assert "YYYY-MM-DD" in bad.value.render("zh_CN")
    assert audit_log.parse_day("2026-06-30") == date(2026, 6, 30) and audit_log.parse_day(None) is None


def test_the_admin_reads_the_log_but_not_files(office):
    admin = open_store(office["admin"].data_dir.root, ADMIN, ADMIN_PW, today=lambda: TODAY)
    try:
        assert audit_log.query(admin, AuditFilter()).total > 0
        with pytest.raises(Refused):
            persons.summaries(admin)
    finally:
        admin.close()
