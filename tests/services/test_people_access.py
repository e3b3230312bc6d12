"""The administrator manages users, settings, backups, devices and the audit, and by privacy default reads
no one's file: every service that hands out a person's name or file refuses the administrator, with a
sentence that says whom to ask. Workers and supervisors read as before."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.errors import Refused
from app.reports import export_report
from app.services import exports, facts, persons, users
from app.services.inputs import PersonInput, VisitInput
from app.store.unlock import open_store
from models import AuditEntry
from models.enums import Role, VisitKind
from tests.conftest import TODAY, make_id

REFUSAL_ZH = "管理员账号不查看人员档案。管理员负责用户、设置、备份、设备和审计；查看或办理人员事务，请使用禁毒专干或审核人员账号登录。"


@pytest.fixture
def zhang(store):
    pid = persons.register(store, PersonInput(name="张三", id_number=make_id(), phone="17000000001")).created[
        0
    ]
    facts.record(store, VisitInput(person_id=pid, visited_on=TODAY, kind=VisitKind.HOME, summary="家访"))
    return pid


def audit_count(store) -> int:
    with store.read() as session:
        return session.scalar(select(func.count()).select_from(AuditEntry)) or 0


def test_the_administrator_is_refused_every_read_of_a_file(admin_store, zhang, tmp_path):
    before = audit_count(admin_store)
    out = tmp_path / "persons.csv"
    for read in (
        lambda: persons.summaries(admin_store),
        lambda: persons.summaries(admin_store, [zhang]),
        lambda: persons.search(admin_store, "张三"),
        lambda: persons.search(admin_store, make_id()),  # a whole ID number, found by its blind index
        lambda: persons.open_file(admin_store, zhang),
        lambda: persons.read_file(admin_store, zhang),
        lambda: facts.history(admin_store, zhang),
        lambda: exports.export_ledger(admin_store, "persons", out),
        lambda: exports.export_ledger(admin_store, "visits", out),
        lambda: export_report(admin_store, "2026-06", out.with_suffix(".xlsx")),  # its lists name people
    ):
        with pytest.raises(Refused) as refused:
            read()
        assert refused.value.render("zh_CN") == REFUSAL_ZH
        assert "does not read personal files" in refused.value.render("en")
    assert not out.exists() and not out.with_suffix(".xlsx").exists()
    assert audit_count(admin_store) == before  # a refused opening leaves no "opened" entry


def test_the_administrator_still_manages_users(admin_store, zhang):
    users.add(admin_store, "boss", Role.SUPERVISOR, "boss-password-1")
    assert {u.login for u in users.list_users(admin_store)} >= {"admin", "boss", "worker1"}


def test_workers_and_supervisors_read_files_as_before(store, admin_store, store_dir, zhang):
    assert [p.name for p in persons.search(store, "张三")] == ["张三"]
    assert persons.open_file(store, zhang).profile.phone == "17000000001"
    assert [h.current.data.summary for h in facts.history(store, zhang)] == ["家访"]
    users.add(admin_store, "boss", Role.SUPERVISOR, "boss-password-1")
    supervisor = open_store(store_dir, "boss", "boss-password-1", today=lambda: TODAY)
    try:
        assert persons.read_file(supervisor, zhang).profile.name == "张三"
        assert len(facts.history(supervisor, zhang)) == 1
    finally:
        supervisor.close()
