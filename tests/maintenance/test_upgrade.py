"""Upgrades: a store kept from the oldest schema (revision 0001) opens with the current app, which backs it
up first and migrates it, with every record intact; a store from a newer app is refused and not touched.

The 0001 store is committed in tests/fixtures/store-0001/ (see tests/fixtures/make_store_0001.py):
synthetic office 640104001 "升级样本街道", users admin / fixture-admin-0001 and worker1 /
fixture-worker-0001, FAST key derivation, recovery key FIXTURE_RECOVERY in helpers.py.
"""

from __future__ import annotations

import shutil
import sqlite3
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from app.errors import Refused
from app.maintenance.backup import restore_backup, verify_backup
from app.services import facts, persons, users
from app.services.inputs import RiskFlagInput
from app.store import migrate
from app.store.backup import DATABASE, write_archive
from app.store.unlock import NEWER_STORE, open_store, reset_password_with_recovery
from models.enums import FactKind, MeasureKind, PersonStatus, RiskFlagKind, Role, VersionKind
from tests.conftest import ADMIN, ADMIN_PW, TODAY
from tests.maintenance.helpers import (
    FIXTURE_0001,
    FIXTURE_ADMIN,
    FIXTURE_ADMIN_PW,
    FIXTURE_RECOVERY,
    FIXTURE_WORKER,
    FIXTURE_WORKER_PW,
    assert_clean_error,
    chain_ok,
    run,
    tree_hashes,
)

FIXTURE_AUDIT_ENTRIES = 13  # what the generator's calls audited, store.init included


def revision(database: Path) -> str:
    connection = sqlite3.connect(database)
    try:
        return connection.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    finally:
        connection.close()


@pytest.fixture
def old_store(tmp_path: Path) -> Path:
    root = tmp_path / "office-0001"
    shutil.copytree(FIXTURE_0001, root)
    return root


def test_the_fixture_is_really_at_the_oldest_revision_and_unopened():
    # immutable: the committed file is read without a -wal or -shm ever being made beside it
    uri = f"{(FIXTURE_0001 / DATABASE).as_uri()}?mode=ro&immutable=1"
    connection = sqlite3.connect(uri, uri=True)
    try:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
    finally:
        connection.close()
    assert sorted(p.name for p in FIXTURE_0001.iterdir()) == ["keyring.json", "rehabdesk.db"]
    assert "0001" in migrate.known_revisions() and migrate.head_revision() != "0001"


def test_the_oldest_store_is_backed_up_then_migrated_with_every_record_intact(old_store):
    store = open_store(old_store, FIXTURE_WORKER, FIXTURE_WORKER_PW, today=lambda: TODAY)
    try:
        assert revision(old_store / DATABASE) == migrate.head_revision()
        people = {p.name: p for p in persons.summaries(store)}
        assert set(people) == {"样本甲", "样本乙"}
        a, b = people["样本甲"], people["样本乙"]
        assert a.id_number == "640104198807150111" and a.status is PersonStatus.IN_TREATMENT
        assert a.measure is MeasureKind.COMMUNITY_TREATMENT and b.measure is None

        file_a = persons.read_file(store, a.id)
        assert file_a.profile.phone == "17000000011" and file_a.profile.notes == "样本备注甲"
        assert file_a.profile.residence_address == "样本市试验路 1 号"
        assert [m.name for m in file_a.profile.work_group] == ["样本家属"]
        assert persons.read_file(store, b.id).profile.aliases == ["小乙"]

        history_a = {h.current.kind: [] for h in facts.history(store, a.id)}
        for h in facts.history(store, a.id):
            history_a[h.current.kind].append(h)
        visits = sorted(history_a[FactKind.VISIT], key=lambda h: h.current.occurred_on)
        assert [v.current.data.summary for v in visits] == ["样本走访一", "样本走访二"]
        corrected = visits[1]
        assert corrected.current.version == 2 and corrected.current.change_reason == "笔误"
        assert [e.data.summary for e in corrected.earlier] == ["写错的"]
        (test,) = history_a[FactKind.DRUG_TEST]
        assert test.current.data.kit_lot == "LOT-0001"

        history_b = facts.history(store, b.id)
        voided = next(h for h in history_b if h.current.kind is FactKind.VISIT)
        assert voided.voided and voided.current.version_kind is VersionKind.VOID
        assert voided.earlier[0].data.summary == "重复"
        help_ = next(h for h in history_b if h.current.kind is FactKind.ASSISTANCE)
        assert help_.current.data.amount == Decimal("500.00") and help_.current.data.details == "样本救助"

        assert {u.login: u.role for u in users.list_users(store)} == {
            FIXTURE_ADMIN: Role.ADMIN,
            FIXTURE_WORKER: Role.WORKER,
        }
        assert chain_ok(store) == FIXTURE_AUDIT_ENTRIES
        # The upgraded store takes the kinds of record the newer schema added.
        facts.record(store, RiskFlagInput(b.id, date(2026, 6, 1), RiskFlagKind.SELF_HARM))
        chain_ok(store)
    finally:
        store.close()

    (before_upgrade,) = (old_store / "backups").glob("before-upgrade-0001-*.rdbak")
    manifest = verify_backup(before_upgrade)
    assert manifest.schema_revision == "0001" and manifest.reason == "before-upgrade"


def test_the_pre_upgrade_backup_restores_the_store_as_it_was(old_store, tmp_path):
    open_store(old_store, FIXTURE_ADMIN, FIXTURE_ADMIN_PW, today=lambda: TODAY).close()
    (before_upgrade,) = (old_store / "backups").glob("before-upgrade-0001-*.rdbak")
    again = tmp_path / "again"
    result = restore_backup(again, before_upgrade)
    assert result.needs_upgrade and revision(again / DATABASE) == "0001"
    store = open_store(again, FIXTURE_WORKER, FIXTURE_WORKER_PW, today=lambda: TODAY)
    try:
        assert {p.name for p in persons.summaries(store)} == {"样本甲", "样本乙"}
        assert chain_ok(store) == FIXTURE_AUDIT_ENTRIES
    finally:
        store.close()


def test_the_documented_recovery_key_of_the_fixture_works(old_store):
    reset_password_with_recovery(old_store, FIXTURE_RECOVERY, FIXTURE_WORKER, "a-new-password-1")
    open_store(old_store, FIXTURE_WORKER, "a-new-password-1", today=lambda: TODAY).close()


def make_newer(store_dir: Path) -> None:
    connection = sqlite3.connect(store_dir / DATABASE)
    with connection:
        connection.execute("UPDATE alembic_version SET version_num = 'ffff9999'")
    connection.close()


def test_a_store_from_a_newer_app_is_refused_and_nothing_changes(store_dir):
    make_newer(store_dir)
    hashes = tree_hashes(store_dir)
    with pytest.raises(Refused) as refused:
        open_store(store_dir, ADMIN, ADMIN_PW, today=lambda: TODAY)
    assert refused.value.render("zh_CN") == NEWER_STORE.render("zh_CN")
    assert "newer version" in refused.value.render("en")
    assert tree_hashes(store_dir) == hashes  # same files, same bytes: no backup, no migration, no WAL left
    assert revision(store_dir / DATABASE) == "ffff9999"


def test_the_command_line_refuses_a_newer_store_in_one_sentence(store_dir):
    make_newer(store_dir)
    hashes = tree_hashes(store_dir)
    result = run("--data-dir", str(store_dir), "person", "list")
    assert_clean_error(result, 4, "更新版本", "数据未做任何更改")
    assert {k: v for k, v in tree_hashes(store_dir).items() if not k.startswith("logs/")} == hashes


def test_a_backup_of_a_newer_store_is_refused_on_restore(store_dir, tmp_path):
    make_newer(store_dir)
    archive = tmp_path / "newer.rdbak"
    write_archive(store_dir, archive)
    target = tmp_path / "target"
    with pytest.raises(Refused) as refused:
        restore_backup(target, archive)
    assert "ffff9999" in refused.value.render("zh_CN") and "更新版本" in refused.value.render("zh_CN")
    assert not target.exists()
