"""Backup and restore as functions: the drill (backup, wreck, restore, everything back), tampering, other
offices, newer backups, crashes at every step of the swap, and a copy taken while the app writes."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import threading
import zipfile
from pathlib import Path

import pytest
from sqlalchemy.exc import DatabaseError

import app.maintenance.backup as backup_module
from app.crypto.kdf import FAST
from app.errors import Refused, Tampering, UserError
from app.maintenance.backup import (
    APP_RUNNING,
    BACKUP_NEWER,
    BACKUP_TAMPERED,
    JOURNAL,
    OTHER_OFFICE_BACKUP,
    RESTORE_FAILED,
    finish_interrupted_restore,
    make_backup,
    restore_backup,
    verify_backup,
)
from app.paths import DataDir
from app.services import persons
from app.services.inputs import PersonInput
from app.store import migrate
from app.store.backup import DATABASE, KEYRING, MANIFEST, TRAILER_PREFIX, seal_trailer, write_archive
from app.store.unlock import WRONG_PASSWORD, init_store, open_store, reset_password_with_recovery
from models import OutboxChange, Person
from tests.conftest import ADMIN, ADMIN_PW, OFFICE, TODAY, WORKER, WORKER_PW, make_id
from tests.maintenance.helpers import (
    FIXTURE_0001,
    FIXTURE_WORKER,
    FIXTURE_WORKER_PW,
    LATE,
    PERSON_A,
    add_late_person,
    chain_ok,
    populate,
    snapshot,
    tree_hashes,
)


def opened(root: Path, login: str = WORKER, password: str = WORKER_PW):
    return open_store(root, login, password, today=lambda: TODAY)


@pytest.fixture
def office(store_dir: Path, tmp_path: Path):
    """A populated office, its snapshot, a backup of it, and one more person added after the backup."""
    store = opened(store_dir)
    populate(store)
    before = snapshot(store)
    entries = chain_ok(store)
    archive = tmp_path / "office.rdbak"
    make_backup(store_dir, archive)
    add_late_person(store)
    store.close()
    return store_dir, archive, before, entries


def names(root: Path) -> set[str]:
    store = opened(root)
    try:
        return {p.name for p in persons.summaries(store)}
    finally:
        store.close()


# ---- what a backup holds ---------------------------------------------------------------------------------
def test_the_archive_holds_the_sealed_copy_the_key_file_and_a_manifest_with_checksums(office):
    store_dir, archive, _, _ = office
    manifest = verify_backup(archive)
    assert manifest.office_code == OFFICE and manifest.schema_revision == migrate.head_revision()
    assert manifest.reason == "manual" and manifest.app_version and manifest.created_at.endswith("Z")
    with zipfile.ZipFile(archive) as packed:
        assert set(packed.namelist()) == {MANIFEST, DATABASE, KEYRING}
        stored = json.loads(packed.read(MANIFEST))
        for name, meta in stored["members"].items():
            data = packed.read(name)
            assert hashlib.sha256(data).hexdigest() == meta["sha256"] and len(data) == meta["size"]
        assert packed.read(KEYRING) == (store_dir / KEYRING).read_bytes()
        database = packed.read(DATABASE)
    # The copy is as sealed as the store: no name, ID number or phone in it, in any encoding.
    for value in (PERSON_A["name"], PERSON_A["id"], PERSON_A["phone"], "走访二"):
        for encoding in ("utf-8", "gbk"):
            assert value.encode(encoding) not in database
            assert value.encode(encoding) not in archive.read_bytes()
    assert archive.read_bytes()[-78:].startswith(TRAILER_PREFIX)  # the whole-file checksum closes the file


def test_an_existing_file_is_never_overwritten(office):
    store_dir, archive, _, _ = office
    first = archive.read_bytes()
    with pytest.raises(UserError):
        make_backup(store_dir, archive)
    assert archive.read_bytes() == first


# ---- the drill -------------------------------------------------------------------------------------------
def _delete_database(root: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        (root / f"{DATABASE}{suffix}").unlink(missing_ok=True)


def _corrupt_database(root: Path) -> None:
    path = root / DATABASE
    data = bytearray(path.read_bytes())
    data[0:4096] = b"\xff" * 4096  # the header and the first page are gone
    path.write_bytes(bytes(data))


def _delete_key_file(root: Path) -> None:
    (root / KEYRING).unlink()


def _delete_everything(root: Path) -> None:
    shutil.rmtree(root)


@pytest.mark.parametrize(
    "wreck",
    [_delete_database, _corrupt_database, _delete_key_file, _delete_everything],
    ids=lambda f: f.__name__,
)
def test_drill_backup_wreck_restore_and_every_record_is_back(office, wreck):
    store_dir, archive, before, entries = office
    wreck(store_dir)
    # The wreck took: the store no longer opens (a corrupt file is not yet a UserError in unlock.py).
    with pytest.raises((UserError, DatabaseError)):
        opened(store_dir).close()

    result = restore_backup(store_dir, archive)
    assert result.manifest.office_code == OFFICE and not result.needs_upgrade

    store = opened(store_dir)
    try:
        after = snapshot(store)
        assert after == before  # persons, their files, every fact with its versions, users, outbox
        assert after["fact_count"] == before["fact_count"] > 0
        assert chain_ok(store) == entries
        assert LATE["name"] not in {p.name for p in after["people"]}
    finally:
        store.close()
    # Everyone can still sign in, and the recovery key still resets a password.
    opened(store_dir, ADMIN, ADMIN_PW).close()


def test_the_data_replaced_by_a_restore_is_kept_whole_and_opens(office, tmp_path):
    store_dir, archive, _, _ = office
    result = restore_backup(store_dir, archive)
    assert result.replaced is not None and result.replaced.parent == store_dir
    assert result.replaced.name.startswith("replaced-")
    assert {KEYRING, DATABASE} <= {p.name for p in result.replaced.iterdir()}
    elsewhere = tmp_path / "the-old-data"
    shutil.copytree(result.replaced, elsewhere)
    assert LATE["name"] in names(elsewhere)  # the change made after the backup is still there
    assert LATE["name"] not in names(store_dir)
    assert not list(store_dir.glob("restore-staging-*")) and not (store_dir / JOURNAL).exists()


def test_a_restored_backup_opens_only_with_a_password_or_the_recovery_key(office, recovery_key, tmp_path):
    _, archive, before, _ = office
    fresh = tmp_path / "new-pc"
    result = restore_backup(fresh, archive)
    assert result.replaced is None  # nothing was there to move aside
    with pytest.raises(Refused) as refused:
        opened(fresh, WORKER, "not-the-password")
    assert refused.value.render("zh_CN") == WRONG_PASSWORD.render("zh_CN")
    reset_password_with_recovery(fresh, recovery_key, WORKER, "after-reset-123")
    store = opened(fresh, WORKER, "after-reset-123")
    try:
        assert [p.name for p in persons.summaries(store)] == [p.name for p in before["people"]]
    finally:
        store.close()


# ---- refusals --------------------------------------------------------------------------------------------
def flip(path: Path, position: int) -> None:
    data = bytearray(path.read_bytes())
    data[position] ^= 0x01
    path.write_bytes(bytes(data))


def test_a_flipped_byte_anywhere_is_refused_and_nothing_changes(office, tmp_path):
    store_dir, archive, _, _ = office
    size = archive.stat().st_size
    hashes = tree_hashes(store_dir)
    with zipfile.ZipFile(archive) as packed:
        inside = [packed.getinfo(n).header_offset for n in packed.namelist()]
    positions = sorted(
        {0, 1, 10, 30, size // 2, size // 3, size - 1, size - 10, size - 70, size - 90, size - 200}
        | {o + d for o in inside for d in (0, 14, 40, 200)}
        | set(range(0, size, max(1, size // 12)))
    )
    positions = [p for p in positions if 0 <= p < size]
    assert len(positions) > 20
    for position in positions:
        damaged = tmp_path / f"damaged-{position}.rdbak"
        shutil.copyfile(archive, damaged)
        flip(damaged, position)
        with pytest.raises(Tampering) as refused:
            restore_backup(store_dir, damaged)
        message = refused.value.render("zh_CN")
        assert message == BACKUP_TAMPERED.render("zh_CN", path=str(damaged)), position
        assert "校验失败" in message and "failed its checksum" in refused.value.render("en")
    assert tree_hashes(store_dir) == hashes
    assert LATE["name"] in names(store_dir)


def repack(
    archive: Path, out: Path, *, manifest_changes: dict | None = None, member_changes: dict | None = None
):
    """A well-formed archive (valid trailer) whose contents were changed: only the member checks can tell."""
    with zipfile.ZipFile(archive) as packed:
        members = {n: packed.read(n) for n in packed.namelist()}
    manifest = json.loads(members[MANIFEST])
    manifest.update(manifest_changes or {})
    members[MANIFEST] = json.dumps(manifest).encode()
    members.update(member_changes or {})
    with zipfile.ZipFile(out, "w") as packed:
        packed.comment = TRAILER_PREFIX + b"0" * 64
        for name, data in members.items():
            packed.writestr(name, data)
    seal_trailer(out)
    return out


def test_a_member_that_does_not_match_its_checksum_is_refused(office, tmp_path):
    store_dir, archive, _, _ = office
    with zipfile.ZipFile(archive) as packed:
        database = bytearray(packed.read(DATABASE))
    database[len(database) // 2] ^= 0xFF
    forged = repack(archive, tmp_path / "forged.rdbak", member_changes={DATABASE: bytes(database)})
    hashes = tree_hashes(store_dir)
    with pytest.raises(Tampering) as refused:
        restore_backup(store_dir, forged)
    assert "校验失败" in refused.value.render("zh_CN")
    assert tree_hashes(store_dir) == hashes
    assert not list(store_dir.glob("restore-staging-*"))


def test_a_backup_newer_than_the_app_is_refused(office, tmp_path):
    store_dir, archive, _, _ = office
    newer = repack(archive, tmp_path / "newer.rdbak", manifest_changes={"schema_revision": "9999"})
    hashes = tree_hashes(store_dir)
    with pytest.raises(Refused) as refused:
        restore_backup(store_dir, newer)
    assert refused.value.render("zh_CN") == BACKUP_NEWER.render("zh_CN", revision="9999")
    assert tree_hashes(store_dir) == hashes


def test_another_offices_backup_is_refused_unless_forced(office, tmp_path):
    _, archive, _, _ = office
    other_root = tmp_path / "other"
    other, _ = init_store(
        other_root,
        office_code="640104002",
        office_name="另一街道",
        admin_login=ADMIN,
        admin_password=ADMIN_PW,
        kdf=FAST,
        today=lambda: TODAY,
    )
    other.close()
    hashes = tree_hashes(other_root)
    with pytest.raises(Refused) as refused:
        restore_backup(other_root, archive)
    assert refused.value.render("zh_CN") == OTHER_OFFICE_BACKUP.render(
        "zh_CN", backup_office=OFFICE, current_office="640104002"
    )
    assert tree_hashes(other_root) == hashes
    result = restore_backup(other_root, archive, force_other_office=True)
    assert (
        result.replaced is not None
        and json.loads((result.replaced / KEYRING).read_text())["office_code"] == "640104002"
    )
    assert PERSON_A["name"] in names(other_root)


def test_the_office_is_read_from_the_database_when_the_key_file_is_gone(office, tmp_path):
    """A wrecked key file must not turn the other-office check off while the database still says who it is."""
    store_dir, _, _, _ = office
    other_root = tmp_path / "other"
    other, _ = init_store(
        other_root,
        office_code="640104002",
        office_name="另一街道",
        admin_login=ADMIN,
        admin_password=ADMIN_PW,
        kdf=FAST,
        today=lambda: TODAY,
    )
    other.close()
    other_archive = tmp_path / "other.rdbak"
    make_backup(other_root, other_archive)
    (store_dir / KEYRING).unlink()
    hashes = tree_hashes(store_dir)
    with pytest.raises(Refused) as refused:
        restore_backup(store_dir, other_archive)
    assert "640104002" in refused.value.render("zh_CN") and OFFICE in refused.value.render("zh_CN")
    assert tree_hashes(store_dir) == hashes  # the database was read, not changed (no -wal left behind)


def test_a_restore_is_refused_while_the_app_has_the_store_open(office):
    store_dir, archive, _, _ = office
    store = opened(store_dir)
    try:
        with pytest.raises(Refused) as refused:
            restore_backup(store_dir, archive)
        assert refused.value.render("zh_CN") == APP_RUNNING.render("zh_CN")
        assert LATE["name"] in {p.name for p in persons.summaries(store)}
    finally:
        store.close()


def test_something_that_is_not_a_backup_is_refused(store_dir, tmp_path):
    for content in (b"", b"hello", b"SQLite format 3\x00" + b"\x00" * 200):
        bogus = tmp_path / "bogus.rdbak"
        bogus.write_bytes(content)
        with pytest.raises(UserError) as refused:
            restore_backup(store_dir, bogus)
        assert "不是工作台的备份文件" in refused.value.render("zh_CN")
    with pytest.raises(UserError) as missing:
        restore_backup(store_dir, tmp_path / "nowhere.rdbak")
    assert missing.value.exit_code == 3


# ---- crashes and failures during the swap ------------------------------------------------------------------
class Crash(BaseException):
    """The process dies here: no except or finally of the restore runs its clean-up for it."""


def count_moves(office_dir: Path, archive: Path, tmp_path: Path) -> int:
    trial = tmp_path / "trial"
    shutil.copytree(office_dir, trial)
    moves = []
    real = backup_module._move
    backup_module._move = lambda a, b: (moves.append((a, b)), real(a, b))  # type: ignore[assignment]
    try:
        restore_backup(trial, archive)
    finally:
        backup_module._move = real  # type: ignore[assignment]
    return len(moves)


def test_a_crash_at_any_step_of_the_swap_leaves_the_old_or_the_new_data(office, tmp_path, monkeypatch):
    store_dir, archive, before, entries = office
    pristine = tmp_path / "pristine"
    shutil.copytree(store_dir, pristine)
    total = count_moves(pristine, archive, tmp_path)
    assert total >= 4  # database and key file: each moved aside, then moved in
    real = backup_module._move
    for crash_at in range(total):
        root = tmp_path / f"crash-{crash_at}"
        shutil.copytree(pristine, root)
        done = []

        def move(a, b, crash_at=crash_at, done=done):
            if len(done) == crash_at:
                raise Crash
            done.append(a)
            real(a, b)

        monkeypatch.setattr(backup_module, "_move", move)
        with pytest.raises(Crash):
            restore_backup(root, archive)
        monkeypatch.setattr(backup_module, "_move", real)
        # Mid-swap the directory never looks like a new PC: the database or the key file is there.
        assert DataDir(root).exists() and (root / JOURNAL).exists()
        assert finish_interrupted_restore(root) is True
        assert not (root / JOURNAL).exists() and not list(root.glob("restore-staging-*"))
        store = opened(root)
        try:
            assert snapshot(store) == before and chain_ok(store) == entries
        finally:
            store.close()
        (replaced,) = root.glob("replaced-*")
        old = tmp_path / f"old-{crash_at}"
        shutil.copytree(replaced, old)
        assert LATE["name"] in names(old)


def test_a_crash_before_the_swap_leaves_the_old_data_untouched(office, monkeypatch):
    store_dir, archive, _, _ = office
    hashes = tree_hashes(store_dir)

    def die(*_args):
        raise Crash

    monkeypatch.setattr(backup_module, "_check_staged", die)
    with pytest.raises(Crash):
        restore_backup(store_dir, archive)
    monkeypatch.undo()
    assert finish_interrupted_restore(store_dir) is False
    assert tree_hashes(store_dir) == hashes
    assert LATE["name"] in names(store_dir)


@pytest.mark.parametrize("fail_at", [0, 1, 2, 3])
def test_a_failed_swap_is_undone(office, monkeypatch, fail_at):
    """Windows refuses to rename a file another program holds open: the restore then puts everything back."""
    store_dir, archive, _, _ = office
    hashes = tree_hashes(store_dir)
    real = backup_module._move
    done = []

    def move(a, b):
        if len(done) == fail_at and not getattr(move, "failed", False):
            move.failed = True  # type: ignore[attr-defined]
            raise PermissionError("in use")
        done.append(a)
        real(a, b)

    monkeypatch.setattr(backup_module, "_move", move)
    with pytest.raises(Refused) as refused:
        restore_backup(store_dir, archive)
    assert refused.value.render("zh_CN") == RESTORE_FAILED.render("zh_CN")
    assert tree_hashes(store_dir) == hashes
    assert not (store_dir / JOURNAL).exists()
    assert not list(store_dir.glob("restore-staging-*")) and not list(store_dir.glob("replaced-*"))
    monkeypatch.undo()
    assert LATE["name"] in names(store_dir)


# ---- a copy taken while the app writes ----------------------------------------------------------------------
def test_backups_taken_while_the_app_writes_are_consistent(store_dir, tmp_path):
    writer = opened(store_dir)
    stop = threading.Event()
    written = []

    def write_people():
        seq = 1
        while not stop.is_set() and seq < 400:
            persons.register(writer, PersonInput(name=f"并发{seq:03d}", id_number=make_id("19700101", seq)))
            written.append(seq)
            seq += 2

    thread = threading.Thread(target=write_people)
    thread.start()
    archives = []
    try:
        for n in range(5):
            while len(written) < 3 * (n + 1) and thread.is_alive():
                stop.wait(0.01)
            archives.append(make_backup(store_dir, tmp_path / f"live-{n}.rdbak"))
    finally:
        stop.set()
        thread.join()
        writer.close()
    counts = []
    for n in range(5):
        root = tmp_path / f"restored-{n}"
        restore_backup(root, tmp_path / f"live-{n}.rdbak")
        store = opened(root)
        try:
            chain_ok(store)
            with store.read() as session:
                people = session.query(Person).count()
                inserts = session.query(OutboxChange).filter_by(entity="person", op="insert").count()
            assert people == inserts  # every person came with its outbox change: no torn transaction
            counts.append(people)
        finally:
            store.close()
    assert counts == sorted(counts) and counts[-1] > counts[0]


# ---- an older backup -------------------------------------------------------------------------------------------
def test_an_older_backup_is_restored_and_migrated_at_the_next_open(tmp_path):
    old_office = tmp_path / "old-office"
    shutil.copytree(FIXTURE_0001, old_office)
    archive = tmp_path / "old.rdbak"
    manifest = write_archive(old_office, archive)
    assert manifest.schema_revision == "0001"
    target = tmp_path / "restored"
    result = restore_backup(target, archive)
    assert result.needs_upgrade
    connection = sqlite3.connect(target / DATABASE)
    assert connection.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
    connection.close()
    store = open_store(target, FIXTURE_WORKER, FIXTURE_WORKER_PW, today=lambda: TODAY)
    try:
        assert len(persons.summaries(store)) == 2
        chain_ok(store)
    finally:
        store.close()
    with sqlite3.connect(target / DATABASE) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone() == (
            migrate.head_revision(),
        )
    assert list((target / "backups").glob("before-upgrade-0001-*.rdbak"))
