"""``rehabdesk audit list|export`` and the administrator, who reads the audit but not people's files."""

from __future__ import annotations

import csv
import json

from tests.cli.test_cli import assert_clean_error, run
from tests.conftest import ADMIN, ADMIN_PW, TODAY, WORKER, make_id

ADMIN_REFUSAL = "管理员账号不查看人员档案"


def as_admin(*args: str, **env: str):
    return run(*args, user=ADMIN, password=ADMIN_PW, **env)


def registered(store_dir, tmp_path) -> str:
    """One person imported by the worker; returns the record number."""
    ledger = tmp_path / "persons.csv"
    with ledger.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows([["姓名", "身份证号码"], ["张三", make_id(seq=1)]])
    base = ("--data-dir", str(store_dir))
    assert run(*base, "import", "persons", str(ledger)).returncode == 0
    (person,) = json.loads(run(*base, "person", "list", "--json").stdout)
    assert run(*base, "person", "show", person["record_no"], "--json").returncode == 0
    return str(person["record_no"])


def test_the_administrator_is_refused_every_command_that_prints_a_persons_data(store_dir, tmp_path):
    record_no = registered(store_dir, tmp_path)
    base = ("--data-dir", str(store_dir))
    out = tmp_path / "export.csv"
    for args in (
        ("person", "list"),
        ("person", "list", "--search", "张"),
        ("person", "show", record_no, "--json"),
        ("export", "persons", "--out", str(out)),
        ("tasks", "--date", TODAY.isoformat()),
        ("report", "--period", "2026-06", "--out", str(tmp_path / "report.xlsx")),
    ):
        result = as_admin(*base, *args)
        assert_clean_error(result, 4, ADMIN_REFUSAL, "禁毒专干或审核人员")
        assert "张三" not in result.stdout
    assert not out.exists() and not (tmp_path / "report.xlsx").exists()
    english = as_admin(*base, "person", "list", REHABDESK_LANG="en")
    assert_clean_error(english, 4, "does not read personal files")


def test_audit_list_filters_and_prints_json(store_dir, tmp_path):
    record_no = registered(store_dir, tmp_path)
    base = ("--data-dir", str(store_dir))
    opened = json.loads(as_admin(*base, "audit", "list", "--action", "person.open", "--json").stdout)
    assert [(e["user"], e["record_no"], e["action_label"]) for e in opened] == [
        (WORKER, record_no, "查看档案")
    ]
    mine = as_admin(*base, "audit", "list", "--by", WORKER, "--person", record_no)
    lines = mine.stdout.strip().splitlines()
    assert mine.returncode == 0 and len(lines) == 2  # registered by the import, then opened
    assert all(f"\t{WORKER}\t" in line and record_no in line for line in lines)
    assert "查看档案" in lines[0] and "登记人员" in lines[1]
    newest = as_admin(*base, "audit", "list", "--limit", "1")
    assert len(newest.stdout.strip().splitlines()) == 1 and "显示最新的 1 条" in newest.stderr
    assert as_admin(*base, "audit", "list", "--from", "2000-01-01", "--to", "2000-01-02").stdout == ""
    assert_clean_error(as_admin(*base, "audit", "list", "--from", "30/06/2026"), 1, "YYYY-MM-DD")
    assert_clean_error(run(*base, "audit", "list"), 4, "审核人员和管理员")


def test_audit_export_writes_the_filtered_entries_and_is_audited(store_dir, tmp_path):
    registered(store_dir, tmp_path)
    base = ("--data-dir", str(store_dir))
    out = tmp_path / "audit.csv"
    result = as_admin(*base, "audit", "export", "--by", WORKER, "--out", str(out))
    assert result.returncode == 0 and "已导出" in result.stderr and "审计" in result.stderr
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][:4] == ["序号", "时间", "用户", "操作"]
    assert [r[4] for r in rows[1:]] == ["person.open", "import.persons", "person.register"]
    (entry,) = json.loads(as_admin(*base, "audit", "list", "--action", "audit.export", "--json").stdout)
    assert entry["user"] == ADMIN and entry["details"] == {"rows": 3, "format": ".csv", "user": WORKER}
    assert as_admin(*base, "audit", "verify").returncode == 0
    refused = run(*base, "audit", "export", "--out", str(tmp_path / "mine.csv"))
    assert_clean_error(refused, 4, "审核人员和管理员")
    assert not (tmp_path / "mine.csv").exists()
