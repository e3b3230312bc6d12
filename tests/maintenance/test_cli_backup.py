"""``rehabdesk backup`` and ``rehabdesk restore`` as IT runs them: a real process, one sentence per outcome
on stdout or stderr, the exit codes scripts can test, never a traceback."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app.services import persons
from app.store.unlock import open_store
from tests.conftest import TODAY, WORKER, WORKER_PW
from tests.maintenance.helpers import LATE, add_late_person, assert_clean_error, populate, run, tree_hashes


@pytest.fixture
def office(store_dir: Path) -> Path:
    store = open_store(store_dir, WORKER, WORKER_PW, today=lambda: TODAY)
    populate(store)
    store.close()
    return store_dir


def without_logs(hashes: dict[str, str]) -> dict[str, str]:
    """A refusal writes one log line (its kind, nothing else); the data files are what must not change."""
    return {name: digest for name, digest in hashes.items() if not name.startswith("logs/")}


def people(root: Path) -> list[tuple[str, str, str]]:
    """Who is in the office (read in-process: the commands under test are backup and restore)."""
    store = open_store(root, WORKER, WORKER_PW, today=lambda: TODAY)
    try:
        return [(p.record_no, p.name, p.id_number) for p in persons.summaries(store)]
    finally:
        store.close()


def test_backup_then_restore_round_trip(office, tmp_path):
    before = people(office)
    out = tmp_path / "usb" / "office.rdbak"
    made = run("--data-dir", str(office), "backup", "--out", str(out), password=None, user=None)
    assert made.returncode == 0, made.stderr
    assert made.stdout.startswith(f"已备份到 {out}：办公室 640104001") and "恢复密钥" in made.stdout
    assert out.exists()

    store = open_store(office, WORKER, WORKER_PW, today=lambda: TODAY)
    add_late_person(store)
    store.close()
    assert LATE["name"] in {name for _, name, _ in people(office)}

    restored = run("--data-dir", str(office), "restore", str(out), password=None, user=None)
    assert restored.returncode == 0, restored.stderr
    lines = restored.stdout.strip().splitlines()
    assert lines[0].startswith("已从备份恢复办公室 640104001") and "原有数据已移到" in lines[1]
    assert people(office) == before


def test_backup_refusals(office, tmp_path):
    out = tmp_path / "exists.rdbak"
    out.write_bytes(b"something precious")
    refused = run("--data-dir", str(office), "backup", "--out", str(out), password=None, user=None)
    assert_clean_error(refused, 1, "已存在，未覆盖")
    assert out.read_bytes() == b"something precious"
    nothing = run(
        "--data-dir", str(tmp_path / "empty"), "backup", "--out", str(tmp_path / "x.rdbak"), user=None
    )
    assert_clean_error(nothing, 1, "没有找到工作台数据")
    (office / "keyring.json").unlink()
    no_key = run("--data-dir", str(office), "backup", "--out", str(tmp_path / "y.rdbak"), user=None)
    assert_clean_error(no_key, 5, "keyring.json")
    assert not (tmp_path / "y.rdbak").exists()


def test_restore_refusals_in_both_languages_and_nothing_changes(office, tmp_path):
    out = tmp_path / "office.rdbak"
    assert run("--data-dir", str(office), "backup", "--out", str(out), user=None).returncode == 0
    damaged = tmp_path / "damaged.rdbak"
    data = bytearray(out.read_bytes())
    data[len(data) // 2] ^= 0x10
    damaged.write_bytes(bytes(data))
    hashes = tree_hashes(office)

    tampered = run("--data-dir", str(office), "restore", str(damaged), user=None)
    assert_clean_error(tampered, 5, "校验失败", "当前数据未做任何更改")
    tampered_en = run("--data-dir", str(office), "restore", str(damaged), user=None, REHABDESK_LANG="en")
    assert_clean_error(tampered_en, 5, "failed its checksum", "Nothing was changed")
    missing = run("--data-dir", str(office), "restore", str(tmp_path / "nowhere.rdbak"), user=None)
    assert_clean_error(missing, 3, "找不到备份文件")

    other = tmp_path / "other"
    made = run(
        "--data-dir",
        str(other),
        "init",
        "--office",
        "640104002",
        "--office-name",
        "另一街道",
        "--admin",
        "boss",
    )
    assert made.returncode == 0, made.stderr
    other_hashes = tree_hashes(other)
    refused = run("--data-dir", str(other), "restore", str(out), user=None)
    assert_clean_error(refused, 4, "640104001", "640104002", "--force-other-office")
    assert without_logs(tree_hashes(other)) == without_logs(other_hashes)
    assert without_logs(tree_hashes(office)) == without_logs(hashes)
    forced = run("--data-dir", str(other), "restore", str(out), "--force-other-office", user=None)
    assert forced.returncode == 0, forced.stderr
    assert people(other) == people(office)


def test_restore_onto_a_new_pc(office, tmp_path):
    out = tmp_path / "office.rdbak"
    assert run("--data-dir", str(office), "backup", "--out", str(out), user=None).returncode == 0
    new_pc = tmp_path / "new-pc" / "RehabDesk"
    restored = run("--data-dir", str(new_pc), "restore", str(out), user=None)
    assert restored.returncode == 0, restored.stderr
    assert "原有数据已移到" not in restored.stdout  # there was nothing to move aside
    assert people(new_pc) == people(office)
    shutil.rmtree(new_pc)
