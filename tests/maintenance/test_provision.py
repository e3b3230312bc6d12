"""Provisioning an office from a file: TOML and JSON read alike, every problem reported with its key in both
languages and nothing written, the password from the file or REHABDESK_PASSWORD and never printed, the
policy override copied, the sync address stored and the enrolment code sealed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

import app.maintenance.provision as provision_module
from app.crypto.kdf import FAST
from app.crypto.suites import Suite
from app.errors import Refused
from app.maintenance.provision import (
    ENROL_CODE_KEY,
    SERVER_URL_KEY,
    ProvisioningInvalid,
    load_provisioning,
    provision,
)
from app.services import caseload
from app.store.unlock import open_store
from models import AuditEntry, Setting
from tests.conftest import TODAY
from tests.maintenance.helpers import assert_clean_error, chain_ok, run

PASSWORD = "provisioned-admin-1"
ENROL = "ENROL-7Q3X-K9PD"

GOOD_TOML = """
format = 1

[office]
code = "640104001"
name = "胜利街道禁毒办"
suite = "sm4"

[admin]
login = "zhangadmin"

[policy]
file = "office-policy.toml"

[sync]
server_url = "https://sync.example.cn/rehab"
enrol_code = "ENROL-7Q3X-K9PD"
"""

OFFICE_POLICY = 'name = "胜利街道规则"\nedition = "2026.1"\n'


@pytest.fixture
def files(tmp_path: Path) -> Path:
    folder = tmp_path / "usb"
    folder.mkdir()
    (folder / "office.toml").write_text(GOOD_TOML, encoding="utf-8")
    (folder / "office-policy.toml").write_text(OFFICE_POLICY, encoding="utf-8")
    return folder


ENV = {"REHABDESK_PASSWORD": PASSWORD}


def test_toml_and_json_read_alike_and_gbk_from_notepad_too(files):
    from_toml = load_provisioning(files / "office.toml", environ=ENV)
    as_json = {
        "format": 1,
        "office": {"code": "640104001", "name": "胜利街道禁毒办", "suite": "sm4"},
        "admin": {"login": "zhangadmin"},
        "policy": {"file": "office-policy.toml"},
        "sync": {"server_url": "https://sync.example.cn/rehab", "enrol_code": ENROL},
    }
    (files / "office.json").write_text(json.dumps(as_json, ensure_ascii=False), encoding="utf-8")
    from_json = load_provisioning(files / "office.json", environ=ENV)
    (files / "office-gbk.toml").write_bytes(GOOD_TOML.encode("gbk"))
    from_gbk = load_provisioning(files / "office-gbk.toml", environ=ENV)
    for plan in (from_json, from_gbk):
        assert plan.office_name == from_toml.office_name == "胜利街道禁毒办"
        assert (plan.office_code, plan.suite, plan.admin_login) == ("640104001", Suite.SM4, "zhangadmin")
        assert plan.policy_text == OFFICE_POLICY.encode() and plan.enrol_code == ENROL
    assert from_toml.admin_password == PASSWORD and not from_toml.password_from_file
    # Secrets stay out of a printed or logged plan.
    assert PASSWORD not in repr(from_toml) and ENROL not in repr(from_toml)


def test_provisioning_sets_up_the_whole_office(files, tmp_path):
    root = tmp_path / "data"
    plan = load_provisioning(files / "office.toml", environ=ENV)
    done = provision(root, plan, kdf=FAST, today=lambda: TODAY)
    assert len(done.recovery_key.split("-")) == 8 and done.policy and done.sync
    assert (root / "policy.toml").read_bytes() == OFFICE_POLICY.encode()

    store = open_store(root, "zhangadmin", PASSWORD, today=lambda: TODAY)
    try:
        assert store.office_code == "640104001" and store.keyring.active_suite is Suite.SM4
        assert caseload.policy_for(store).name == "胜利街道规则"  # the override is the one the rules read
        with store.read() as session:
            url = session.get(Setting, SERVER_URL_KEY)
            code = session.get(Setting, ENROL_CODE_KEY)
            actions = session.scalars(select(AuditEntry.action)).all()
        assert url is not None and url.value == "https://sync.example.cn/rehab"
        assert code is not None and ENROL not in code.value
        assert store.sealer.open("setting", "value", ENROL_CODE_KEY, bytes.fromhex(code.value)) == ENROL
        assert "store.provision" in actions
        chain_ok(store)
    finally:
        store.close()
    for path in root.rglob("*"):
        if path.is_file():
            assert ENROL.encode() not in path.read_bytes() and PASSWORD.encode() not in path.read_bytes()


def test_every_problem_is_named_with_its_key_in_both_languages_and_nothing_is_written(files, tmp_path):
    bad = files / "bad.toml"
    bad.write_text(
        """
format = 2
colour = "red"

[office]
code = 640104001
suite = "des"
nmae = "typo"

[admin]
login = "张 三"
password = "short"

[policy]
file = "missing-policy.toml"

[sync]
server_url = "ftp://user:pw@sync.example.cn"
enrol_code = "has space"
""",
        encoding="utf-8",
    )
    root = tmp_path / "data"
    with pytest.raises(ProvisioningInvalid) as invalid:
        load_provisioning(bad, environ={})
    keys = [p.key for p in invalid.value.problems]
    expected = {
        "colour",
        "office.nmae",
        "format",
        "office.code",
        "office.name",
        "office.suite",
        "admin.login",
        "admin.password",
        "policy.file",
        "sync.server_url",
        "sync.enrol_code",
    }
    assert set(keys) == expected and len(keys) == len(expected)
    zh, en = invalid.value.render("zh_CN"), invalid.value.render("en")
    assert zh.startswith(f"配置文件 {bad} 有 11 处问题，未做任何更改") and "has 11 problem(s)" in en
    for key in expected:
        assert f"  - {key}: " in zh and f"  - {key}: " in en
    assert "缺少必填项" in zh and "This key is required" in en  # office.name
    assert "应为文本（用引号括起" in zh  # office.code written as a number
    assert "加密套件只能是 aes" in zh and "must be aes" in en
    assert "密码至少需要 8 个字符" in zh and "at least 8 characters" in en
    assert "short" not in zh and "short" not in en  # the password itself is never repeated
    assert not root.exists()


@pytest.mark.parametrize(
    ("url", "good"),
    [
        ("https://sync.example.cn", True),
        ("https://sync.example.cn:8443/rehab", True),
        ("http://127.0.0.1:8000", True),
        ("http://localhost:8000", True),
        ("http://sync.example.cn", False),  # credentials over a plain link: only for a trial on this PC
        ("https://", False),
        ("sync.example.cn", False),
        ("https://it:secret@sync.example.cn", False),
        ("https://sync.example.cn/a b", False),
    ],
)
def test_the_server_address(files, url, good):
    path = files / "url.toml"
    path.write_text(GOOD_TOML.replace("https://sync.example.cn/rehab", url), encoding="utf-8")
    if good:
        assert load_provisioning(path, environ=ENV).server_url == url
    else:
        with pytest.raises(ProvisioningInvalid) as invalid:
            load_provisioning(path, environ=ENV)
        assert [p.key for p in invalid.value.problems] == ["sync.server_url"]


def test_a_wrong_type_says_what_it_must_be(files):
    path = files / "types.toml"
    path.write_text('office = "x"\n[admin]\nlogin = 7\n', encoding="utf-8")
    with pytest.raises(ProvisioningInvalid) as invalid:
        load_provisioning(path, environ=ENV)
    rendered = {p.key: p.message.render("en") for p in invalid.value.problems}
    assert rendered["office"].startswith("Wrong type: it must be a table")
    assert rendered["admin.login"].startswith("Wrong type: it must be text")


def test_a_bad_policy_override_is_reported_with_its_file_and_line(files):
    (files / "office-policy.toml").write_text('name = "x"\n[tests]\nno_such_rule = 3\n', encoding="utf-8")
    with pytest.raises(ProvisioningInvalid) as invalid:
        load_provisioning(files / "office.toml", environ=ENV)
    (problem,) = invalid.value.problems
    assert problem.key == "policy.file"
    assert "office-policy.toml" in problem.render("zh_CN") and "3" in problem.render("en")


def test_a_syntax_error_names_the_line(files):
    broken = files / "broken.toml"
    broken.write_text('[office]\ncode = "640104001\nname = "x"\n', encoding="utf-8")
    with pytest.raises(ProvisioningInvalid) as invalid:
        load_provisioning(broken, environ=ENV)
    assert "第 2 行" in invalid.value.render("zh_CN") and "line 2" in invalid.value.render("en")
    broken_json = files / "broken.json"
    broken_json.write_text('{"office": {"code": "640104001",}}', encoding="utf-8")
    with pytest.raises(ProvisioningInvalid) as invalid:
        load_provisioning(broken_json, environ=ENV)
    assert "JSON" in invalid.value.render("en") and "line 1" in invalid.value.render("en")


def test_the_password_comes_from_the_file_or_the_environment(files):
    with pytest.raises(ProvisioningInvalid) as invalid:
        load_provisioning(files / "office.toml", environ={})
    (problem,) = invalid.value.problems
    assert problem.key == "admin.password" and "REHABDESK_PASSWORD" in problem.render("zh_CN")
    # The wizard asks for it itself.
    assert load_provisioning(files / "office.toml", environ={}, need_password=False).admin_password is None
    in_file = files / "with-password.toml"
    in_file.write_text(
        GOOD_TOML.replace('login = "zhangadmin"', 'login = "zhangadmin"\npassword = "from-the-file-1"')
    )
    plan = load_provisioning(in_file, environ=ENV)
    assert plan.admin_password == "from-the-file-1" and plan.password_from_file
    weak_env = {"REHABDESK_PASSWORD": "short"}
    with pytest.raises(ProvisioningInvalid) as invalid:
        load_provisioning(files / "office.toml", environ=weak_env)
    assert [p.key for p in invalid.value.problems] == ["REHABDESK_PASSWORD"]


def test_an_office_already_set_up_is_never_overwritten(files, store_dir):
    from tests.maintenance.helpers import tree_hashes

    hashes = tree_hashes(store_dir)
    plan = load_provisioning(files / "office.toml", environ=ENV)
    with pytest.raises(Refused):
        provision(store_dir, plan, kdf=FAST)
    assert tree_hashes(store_dir) == hashes


def test_a_failure_half_way_leaves_the_directory_empty(files, tmp_path, monkeypatch):
    def full_disk(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(provision_module, "write_atomically", full_disk)
    plan = load_provisioning(files / "office.toml", environ=ENV)
    root = tmp_path / "data"
    with pytest.raises(OSError):
        provision(root, plan, kdf=FAST)
    assert [p.name for p in root.iterdir()] == []


# ---- the command -----------------------------------------------------------------------------------------
def test_the_command_provisions_prints_the_recovery_key_once_and_never_the_password(files, tmp_path):
    root = tmp_path / "data"
    result = run(
        "--data-dir", str(root), "provision", str(files / "office.toml"), password=PASSWORD, user=None
    )
    assert result.returncode == 0, result.stderr
    assert PASSWORD not in result.stdout + result.stderr and ENROL not in result.stdout + result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[0] == "已建立办公室 640104001 胜利街道禁毒办，管理员 zhangadmin，加密套件 sm4-gcm。"
    recovery = lines[-1]
    assert len(recovery.split("-")) == 8 and result.stdout.count(recovery) == 1
    listed = run("--data-dir", str(root), "users", "list", "--json", password=PASSWORD, user="zhangadmin")
    assert listed.returncode == 0 and json.loads(listed.stdout)[0]["login"] == "zhangadmin"
    again = run(
        "--data-dir", str(root), "provision", str(files / "office.toml"), password=PASSWORD, user=None
    )
    assert_clean_error(again, 4, "已有一个办公室的数据")


def test_the_command_lists_problems_and_writes_nothing(files, tmp_path):
    bad = files / "bad.json"
    bad.write_text(json.dumps({"office": {"code": "12345", "name": ""}, "admin": {}}), encoding="utf-8")
    root = tmp_path / "data"
    result = run(
        "--data-dir", str(root), "provision", str(bad), password=None, user=None, REHABDESK_LANG="en"
    )
    assert_clean_error(
        result, 1, "has 4 problem(s)", "office.code:", "office.name:", "admin.login:", "admin.password:"
    )
    assert not root.exists()
    missing = run("--data-dir", str(root), "provision", str(files / "nowhere.toml"), password=None, user=None)
    assert_clean_error(missing, 3, "找不到配置文件")


def test_a_password_in_the_file_brings_a_warning(files, tmp_path):
    in_file = files / "with-password.toml"
    in_file.write_text(
        GOOD_TOML.replace('login = "zhangadmin"', 'login = "zhangadmin"\npassword = "from-the-file-1"')
    )
    result = run("--data-dir", str(tmp_path / "d"), "provision", str(in_file), password=None, user=None)
    assert result.returncode == 0, result.stderr
    assert "修改密码" in result.stderr and "from-the-file-1" not in result.stdout + result.stderr
