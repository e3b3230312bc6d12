"""The support bundle: useful without a password, with the audit check when one is given, and never a
personal value, a password, a key, a token or an enrolment code in it."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from app.crypto.kdf import FAST
from app.maintenance.diagnostics import scrub, write_bundle
from app.maintenance.provision import load_provisioning, provision
from app.store import migrate
from app.store.unlock import open_store
from tests.conftest import ADMIN, ADMIN_PW, TODAY, WORKER, WORKER_PW
from tests.maintenance.helpers import PERSON_A, PERSON_B, assert_clean_error, populate, run, tree_hashes

ENROL = "ENROL-SECRET-4242"
SECRET_URL = "https://it:hunter22@sync.example.cn/api?token=tok-SECRET-1#frag"


def read_bundle(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as bundle:
        return {name: bundle.read(name).decode("utf-8") for name in bundle.namelist()}


@pytest.fixture
def busy_office(store_dir: Path) -> Path:
    """An office with people, facts, a sync address and an enrolment code, and a log with a stray ID."""
    store = open_store(store_dir, WORKER, WORKER_PW, today=lambda: TODAY)
    populate(store)
    with store.write() as tx:
        from models import Setting

        tx.session.add(Setting(key="sync.server_url", value=SECRET_URL))
        sealed = store.sealer.seal("setting", "value", "sync.enrol_code", ENROL).hex()
        tx.session.add(Setting(key="sync.enrol_code", value=sealed))
    store.close()
    logs = store_dir / "logs"
    logs.mkdir(exist_ok=True)
    (logs / "rehabdesk.log.1").write_text(
        "2026-06-29 08:00:00,001 INFO rehabdesk: older line\n", encoding="utf-8"
    )
    (logs / "rehabdesk.log").write_text(
        "2026-06-30 09:00:00,001 INFO rehabdesk: command person refused: Refused\n"
        f"2026-06-30 09:00:01,002 ERROR rehabdesk: a bug quoted {PERSON_A['id']} and {PERSON_A['phone']}\n"
        f"2026-06-30 09:00:02,003 ERROR rehabdesk: and 170 0000 0021 and {PERSON_B['id'][:-1]}X\n",
        encoding="utf-8",
    )
    return store_dir


def secrets_of(root: Path, recovery_key: str) -> list[str]:
    keyring = json.loads((root / "keyring.json").read_text())
    wrapped = [slot["wrapped"] for slot in keyring["slots"].values()] + [keyring["mac"]]
    return [
        PERSON_A["name"],
        PERSON_A["id"],
        PERSON_A["phone"],
        PERSON_B["name"],
        PERSON_B["id"],
        PERSON_B["id"][:-1] + "X",
        "17000000012",
        "170 0000 0021",
        "测试市备份路",
        "走访二",
        ENROL,
        "hunter22",
        "tok-SECRET-1",
        ADMIN_PW,
        WORKER_PW,
        recovery_key,
        *wrapped,
    ]


def test_the_basic_bundle_needs_no_password_and_holds_no_secret(busy_office, recovery_key, tmp_path):
    out = tmp_path / "support.zip"
    before = tree_hashes(busy_office)
    result = run("--data-dir", str(busy_office), "diagnostics", "--out", str(out), password=None, user=None)
    assert result.returncode == 0, result.stderr
    assert "诊断包已写入" in result.stdout
    assert tree_hashes(busy_office) == before  # reading the store changed nothing, left no -wal behind

    files = read_bundle(out)
    assert set(files) == {"diagnostics.json", "diagnostics.txt", "log-tail.txt"}
    report = json.loads(files["diagnostics.json"])
    assert report["app"]["version"] and report["platform"]["python"] and report["platform"]["sqlite"]
    assert "PySide6-Essentials" in report["platform"]["libraries"] and "qt_runtime" in report["platform"]
    database = report["database"]
    assert database["schema_revision"] == migrate.head_revision() and database["integrity_check"] == ["ok"]
    assert database["row_counts"]["person"] == 2
    assert database["outbox"]["pending"] > 0 and database["outbox"]["pending_by_entity"]["person"] >= 2
    assert database["settings"]["sync.enrol_code"] == "(withheld)"
    assert database["settings"]["key_check"] == "(withheld)"
    assert database["settings"]["sync.server_url"] == "https://sync.example.cn/api"
    assert database["settings"]["office_code"] == "640104001"
    layout = {entry["name"]: entry for entry in report["layout"]}
    assert layout["rehabdesk.db"]["size"] > 0 and layout["keyring.json"]["size"] > 0 and "logs" in layout
    assert report["audit_chain"] == {"checked": False, "reason": "no password given"}
    assert report["keyring"]["office_code"] == "640104001" and report["problems"] == []

    tail = files["log-tail.txt"].splitlines()
    assert tail[0].endswith("older line") and "command person refused: Refused" in tail[1]
    assert tail[2].endswith("a bug quoted <ID-number removed> and <number removed>")
    assert tail[3].endswith("and <number removed> and <ID-number removed>")

    everything = out.read_bytes() + "".join(files.values()).encode("utf-8")
    for secret in secrets_of(busy_office, recovery_key):
        for encoding in ("utf-8", "gbk"):
            assert secret.encode(encoding) not in everything, secret


def test_with_a_password_the_audit_chain_is_checked(busy_office, tmp_path):
    out = tmp_path / "checked.zip"
    result = run("--data-dir", str(busy_office), "diagnostics", "--out", str(out))
    assert result.returncode == 0, result.stderr
    chain = json.loads(read_bundle(out)["diagnostics.json"])["audit_chain"]
    assert chain["checked"] and chain["key_matches_database"] and chain["broken_at"] is None
    assert chain["entries"] > 5


def test_a_broken_audit_chain_is_reported_and_the_exit_code_says_so(busy_office, tmp_path):
    import sqlite3

    connection = sqlite3.connect(busy_office / "rehabdesk.db")
    with connection:
        connection.execute("UPDATE audit_entry SET action = 'forged' WHERE seq = 3")
    connection.close()
    out = tmp_path / "broken.zip"
    result = run("--data-dir", str(busy_office), "diagnostics", "--out", str(out), REHABDESK_LANG="en")
    assert_clean_error(result, 1, "audit chain is broken at entry 3")
    report = json.loads(read_bundle(out)["diagnostics.json"])
    assert report["audit_chain"]["broken_at"] == 3 and report["problems"]


def test_a_wrong_password_still_writes_the_bundle_and_says_why_it_is_unchecked(busy_office, tmp_path):
    out = tmp_path / "unchecked.zip"
    result = run(
        "--data-dir", str(busy_office), "diagnostics", "--out", str(out), "--verify", password="nope-nope-1"
    )
    assert_clean_error(result, 4, "未检查审计链", "用户名或密码不正确")
    report = json.loads(read_bundle(out)["diagnostics.json"])
    assert report["audit_chain"]["checked"] is False and report["database"]["integrity_check"] == ["ok"]
    no_user = run("--data-dir", str(busy_office), "diagnostics", "--out", str(out), "--verify", user=None)
    assert_clean_error(no_user, 1, "--user")


def test_a_damaged_or_missing_store_still_gives_a_bundle(tmp_path, store_dir):
    empty = write_bundle(tmp_path / "no-office", tmp_path / "none.zip")
    assert empty.report["data_dir"]["store_present"] is False and empty.report["database"] == {
        "present": False
    }
    assert empty.problems == []
    (store_dir / "keyring.json").unlink()
    database = store_dir / "rehabdesk.db"
    data = bytearray(database.read_bytes())
    for page in range(2, len(data) // 4096):
        data[page * 4096 + 100 : page * 4096 + 400] = b"\x5a" * 300
    database.write_bytes(bytes(data))
    wrecked = write_bundle(store_dir, tmp_path / "wrecked.zip")
    rendered = [p.render("en") for p in wrecked.problems]
    assert "the key file is missing or damaged" in rendered
    assert any("integrity" in p or "cannot be read" in p for p in rendered)


def test_the_enrolment_code_of_a_provisioned_office_stays_out(tmp_path):
    source = tmp_path / "office.toml"
    source.write_text(
        '[office]\ncode = "640104003"\nname = "诊断街道"\n[admin]\nlogin = "boss"\n'
        f'[sync]\nserver_url = "https://sync.example.cn"\nenrol_code = "{ENROL}"\n',
        encoding="utf-8",
    )
    root = tmp_path / "data"
    provision(root, load_provisioning(source, environ={"REHABDESK_PASSWORD": "boss-password-1"}), kdf=FAST)
    bundle = write_bundle(root, tmp_path / "b.zip", login="boss", password="boss-password-1")
    assert bundle.report["audit_chain"]["checked"] is True and bundle.problems == []
    assert ENROL.encode() not in (tmp_path / "b.zip").read_bytes()
    assert ENROL not in json.dumps(bundle.report) and "boss-password-1" not in json.dumps(bundle.report)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("id 640104198807150111 end", "id <ID-number removed> end"),
        ("id 64010419880715011X.", "id <ID-number removed>."),
        ("tel 17000000011,", "tel <number removed>,"),
        ("tel +86 170-0000-0011", "tel <number removed>"),
        ("legacy 640104880715011 id", "legacy <number removed> id"),
        ("2026-06-30 09:00:01,002 seq 12345 size 4096", "2026-06-30 09:00:01,002 seq 12345 size 4096"),
    ],
)
def test_scrub(text, expected):
    assert scrub(text) == expected


def test_the_home_folder_name_is_not_in_the_bundle(monkeypatch, tmp_path):
    home = tmp_path / "Users" / "张三"
    monkeypatch.setenv("HOME", str(home))
    assert scrub(f"{home}/AppData/Local/RehabDesk") == "~/AppData/Local/RehabDesk"


def test_the_admin_can_run_it_from_python_too(busy_office, tmp_path):
    bundle = write_bundle(busy_office, tmp_path / "py.zip", login=ADMIN, password=ADMIN_PW)
    assert bundle.report["audit_chain"]["checked"] and bundle.verify_error is None
