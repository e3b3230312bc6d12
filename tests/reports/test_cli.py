"""`rehabdesk indicators` and `rehabdesk report` run as a user runs them: a real process, real files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from openpyxl import load_workbook

from app.store.unlock import open_store
from tests.conftest import WORKER, WORKER_PW
from tests.reports.conftest import pdf_fonts, pdf_text
from tests.reports.test_xlsx import audit_entries


def rehabdesk(store_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "REHABDESK_LANG": "zh_CN", "REHABDESK_USER": WORKER, "REHABDESK_PASSWORD": WORKER_PW}
    return subprocess.run(
        [sys.executable, "-m", "app", "--data-dir", str(store_dir), *args],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=180,
    )


def reopen(store_dir: Path):
    return open_store(store_dir, WORKER, WORKER_PW)


def test_indicators_json_prints_every_figure_with_its_parts_and_definition(store, store_dir, office):
    store.close()
    result = rehabdesk(store_dir, "indicators", "--period", "2026-05", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["period"], data["scope"], data["as_of"]) == ("2026-05", "640104001", "2026-05-31")
    figures = {f["key"]: f for f in data["figures"]}
    compliance = figures["test_compliance"]
    assert (compliance["numerator"], compliance["denominator"]) == (1, 3)
    assert compliance["value"] == round(1 / 3, 6)
    assert sorted(compliance["denominator_ids"]) == sorted(str(p) for p in office.values())
    assert compliance["numerator_ids"] == [str(office["zhang"])]
    assert figures["hair_coverage"]["value"] is None  # nobody due: None, not a division by zero
    for f in data["figures"]:
        assert f["definition"]["zh_CN"] and f["definition"]["en"] and "numerator" in f and "denominator" in f
    assert data["series"]["months"][-1] == "2026-05"


def test_indicators_as_text_and_for_the_county(store, store_dir, office):
    store.close()
    result = rehabdesk(store_dir, "indicators", "--period", "2026-05", "--scope", "640104")
    assert result.returncode == 0, result.stderr
    assert "检测率\t33.33%\t1/3 个检测周期" in result.stdout
    assert "640104 2026年5月" in result.stdout


def test_a_bad_period_or_scope_is_one_sentence(store, store_dir):
    store.close()
    result = rehabdesk(store_dir, "indicators", "--period", "2026-13")
    assert result.returncode == 1 and "2026-Q4" in result.stderr and "Traceback" not in result.stderr
    result = rehabdesk(store_dir, "report", "--period", "2026-05", "--scope", "650101", "--out", "x.xlsx")
    assert result.returncode == 1 and "650101" in result.stderr and "Traceback" not in result.stderr


def test_report_xlsx_from_the_command_line_is_audited(store, store_dir, office, tmp_path):
    store.close()
    out = tmp_path / "月报.xlsx"
    result = rehabdesk(store_dir, "report", "--period", "2026-05", "--format", "xlsx", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "审计" in result.stderr
    rows = {row[0].value: row for row in load_workbook(out)["指标"].iter_rows()}
    assert (rows["检测率"][1].value, rows["检测率"][2].value) == (1, 3)
    again = reopen(store_dir)
    try:
        assert [d["format"] for _, d in audit_entries(again, "report.export")] == ["xlsx"]
        assert audit_entries(again, "report.full_names") == []
    finally:
        again.close()


def test_report_pdf_with_full_names_from_the_command_line(store, store_dir, office, tmp_path):
    store.close()
    out = tmp_path / "report.pdf"
    result = rehabdesk(store_dir, "report", "--period", "2026-05", "--out", str(out), "--full-names")
    assert result.returncode == 0, result.stderr
    assert "完整姓名" in result.stderr  # the warning that the file holds sensitive data
    assert any("CJK" in f[0] and f[-5] == "yes" for f in pdf_fonts(out))
    assert "张三丰" in pdf_text(out)
    again = reopen(store_dir)
    try:
        ((_, details),) = audit_entries(again, "report.full_names")
        assert details["format"] == "pdf" and len(details["persons"]) == 3
    finally:
        again.close()
