"""The command line, run as a user runs it: a real process, real files, messages on stderr."""

from __future__ import annotations

import csv
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ADMIN, ADMIN_PW, WORKER, WORKER_PW, make_id


def run(*args: str, password: str | None = WORKER_PW, user: str | None = WORKER, **env: str):
    """The command as a worker runs it (the administrator does not read people's files), unless told."""
    environment = {**os.environ, "REHABDESK_LANG": "zh_CN", **env}
    environment.pop("REHABDESK_PASSWORD", None)
    if password is not None:
        environment["REHABDESK_PASSWORD"] = password
    if user is not None:
        environment["REHABDESK_USER"] = user
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        capture_output=True,
        text=True,
        env=environment,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )


def assert_clean_error(result, code: int, *words: str) -> None:
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    assert len(result.stderr.strip().splitlines()) >= 1
    for word in words:
        assert word in result.stderr


def test_version():
    result = run("--version", password=None, user=None)
    assert result.returncode == 0 and result.stdout.startswith("RehabDesk ")


def test_init_prints_the_recovery_key_once_and_the_store_opens(tmp_path):
    result = run(
        "--data-dir",
        str(tmp_path / "s"),
        "init",
        "--office",
        "640104001",
        "--office-name",
        "胜利街道",
        "--admin",
        "boss",
        "--suite",
        "sm4",
        password=ADMIN_PW,
    )
    assert result.returncode == 0, result.stderr
    key = result.stdout.strip().splitlines()[-1]
    assert len(key.split("-")) == 8
    listed = run("--data-dir", str(tmp_path / "s"), "users", "list", "--json", user="boss", password=ADMIN_PW)
    assert listed.returncode == 0 and [u["login"] for u in json.loads(listed.stdout)] == ["boss"]


def test_wrong_password_is_one_sentence_without_traceback(store_dir):
    result = run("--data-dir", str(store_dir), "person", "list", password="wrong-password")
    assert_clean_error(result, 4, "用户名或密码不正确")


def test_no_password_and_no_terminal_says_what_to_set(store_dir):
    result = run("--data-dir", str(store_dir), "person", "list", password=None)
    assert_clean_error(result, 1, "REHABDESK_PASSWORD")


def test_english_messages_when_asked(store_dir):
    result = run(
        "--data-dir", str(store_dir), "person", "list", password="wrong-password", REHABDESK_LANG="en"
    )
    assert_clean_error(result, 4, "password is not correct")


def write_csv(path: Path, rows: list[list[str]], encoding="utf-8-sig") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def test_import_dry_run_then_refusal_then_good_rows_only(store_dir, tmp_path):
    ledger = write_csv(
        tmp_path / "persons.csv",
        [
            ["姓名", "身份证号码", "联系电话", "措施", "决定日期", "报到日期"],
            ["张三", make_id(seq=1), "17000000001", "社区戒毒", "2026/1/5", "2026年1月10日"],
            [
                "李四",
                make_id(seq=3)[:-1] + "0" if make_id(seq=3)[-1] != "0" else make_id(seq=3)[:-1] + "1",
                "",
                "社区康复",
                "2026-02-01",
                "",
            ],
            ["王五", make_id(seq=5), "", "社区康复", "46054", ""],
        ],
    )
    base = ("--data-dir", str(store_dir))
    dry = run(*base, "import", "persons", str(ledger), "--dry-run")
    assert dry.returncode == 1 and "第3行" in dry.stderr and "1 行有问题" in dry.stdout
    assert json.loads(run(*base, "person", "list", "--json").stdout) == []

    refused = run(*base, "import", "persons", str(ledger))
    assert_clean_error(refused, 1, "未导入任何数据")
    assert json.loads(run(*base, "person", "list", "--json").stdout) == []

    partial = run(*base, "import", "persons", str(ledger), "--good-rows-only")
    assert partial.returncode == 0, partial.stderr
    people = json.loads(run(*base, "person", "list", "--json").stdout)
    assert sorted(p["name"] for p in people) == ["张三", "王五"]
    zhang = next(p for p in people if p["name"] == "张三")
    assert zhang["status"] == "in_treatment" and zhang["measure"] == "community_treatment"

    tests = write_csv(
        tmp_path / "tests.csv",
        [
            ["身份证号码", "姓名", "检测日期", "检测结果", "检测方式"],
            [make_id(seq=1), "张三", "2026-03-01", "阴性", "尿检"],
            [make_id(seq=7), "无此人", "2026-03-01", "阴性", "尿检"],
        ],
        encoding="gbk",
    )
    result = run(*base, "import", "tests", str(tests), "--good-rows-only")
    assert result.returncode == 0 and "尚未登记" in result.stderr
    shown = json.loads(run(*base, "person", "show", zhang["record_no"], "--json").stdout)
    assert [f["kind"] for f in shown["facts"]] == ["drug_test"]


def test_export_writes_a_ledger_the_importer_reads_back(store_dir, tmp_path):
    base = ("--data-dir", str(store_dir))
    ledger = write_csv(
        tmp_path / "in.csv",
        [
            ["姓名", "身份证号码", "居住地"],
            ["张三", make_id(seq=1), "和平路 8 号"],
        ],
    )
    assert run(*base, "import", "persons", str(ledger)).returncode == 0
    for suffix in ("csv", "xlsx"):
        out = tmp_path / f"out.{suffix}"
        result = run(*base, "export", "persons", "--out", str(out))
        assert result.returncode == 0 and "审计" in result.stderr
        other = tmp_path / f"other-{suffix}"
        run("--data-dir", str(other), "init", "--office", "640104002", "--office-name", "x", "--admin", ADMIN)
        as_admin = {"user": ADMIN, "password": WORKER_PW}  # init took the password from the environment
        assert run("--data-dir", str(other), "users", "add", WORKER, **as_admin).returncode == 0
        assert run("--data-dir", str(other), "import", "persons", str(out)).returncode == 0
        (person,) = json.loads(run("--data-dir", str(other), "person", "list", "--json").stdout)
        assert person["name"] == "张三" and person["id_number"] == make_id(seq=1)
    bad = run(*base, "export", "persons", "--out", str(tmp_path / "x.pdf"))
    assert_clean_error(bad, 1, ".xlsx")


def test_a_broken_ledger_is_explained(store_dir, tmp_path):
    fake = tmp_path / "ledger.xlsx"
    fake.write_text("this is not a spreadsheet")
    result = run("--data-dir", str(store_dir), "import", "persons", str(fake))
    assert_clean_error(result, 1)


def test_audit_verify_finds_a_tampered_entry(store_dir, tmp_path):
    base = ("--data-dir", str(store_dir))
    ok = run(*base, "audit", "verify")
    assert ok.returncode == 0 and "完整" in ok.stdout
    connection = sqlite3.connect(store_dir / "rehabdesk.db")
    with connection:
        connection.execute("UPDATE audit_entry SET action = 'x' WHERE seq = 1")
    connection.close()
    broken = run(*base, "audit", "verify")
    assert_clean_error(broken, 1, "第 1 条")


def test_users_add_passwd_and_reset_with_the_recovery_key(store_dir, recovery_key):
    base = ("--data-dir", str(store_dir))
    added = run(*base, "users", "add", "zhao", "--role", "supervisor", user=ADMIN, password=ADMIN_PW)
    assert added.returncode == 0, added.stderr
    listed = json.loads(run(*base, "users", "list", "--json").stdout)
    assert {u["login"]: u["role"] for u in listed}["zhao"] == "supervisor"
    refused = run(*base, "users", "add", "qian", password=WORKER_PW, user=WORKER)
    assert_clean_error(refused, 4, "管理员")
    changed = run(
        *base, "users", "passwd", password=WORKER_PW, user=WORKER, REHABDESK_NEW_PASSWORD="new-pass-123"
    )
    assert changed.returncode == 0, changed.stderr
    assert run(*base, "person", "list", password="new-pass-123", user=WORKER).returncode == 0
    reset = run(
        *base,
        "users",
        "reset",
        WORKER,
        REHABDESK_RECOVERY_KEY=recovery_key,
        REHABDESK_NEW_PASSWORD="after-reset-1",
    )
    assert reset.returncode == 0, reset.stderr
    assert run(*base, "person", "list", password="after-reset-1", user=WORKER).returncode == 0


@pytest.mark.parametrize("args", [["person", "show", "640104001-2026-09999"], ["users", "passwd", "nobody"]])
def test_not_found_is_a_sentence(store_dir, args):
    result = run("--data-dir", str(store_dir), *args, REHABDESK_NEW_PASSWORD="whatever-123")
    assert result.returncode in (3, 4) and "Traceback" not in result.stderr and result.stderr.strip()


def test_selftest_passes():
    result = run("selftest", password=None, user=None)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "自检全部通过" in result.stdout


def test_every_help_text_has_chinese():
    import argparse

    from app.cli import build_parser
    from app.cli_help import HELP_ZH

    texts: list[str] = []

    def walk(parser: argparse.ArgumentParser) -> None:
        for action in parser._actions:
            if action.help and action.help != argparse.SUPPRESS:
                texts.append(action.help)
            if isinstance(action, argparse._SubParsersAction):
                texts.extend(choice.help for choice in action._choices_actions)
                for sub in action.choices.values():
                    walk(sub)

    walk(build_parser())
    assert len(texts) > 40
    assert [t for t in texts if t not in HELP_ZH] == []
    shown = run("--help", password=None, user=None)
    assert "启动桌面程序" in shown.stdout
