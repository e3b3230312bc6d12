"""After the demo and an import of known synthetic persons, no file in the data directory holds their
names, ID numbers, phones, addresses or note texts — in UTF-8 or in GBK."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

from app.demo.office import WORKER_LOGINS, WORKER_PASSWORD, iter_people

PERSONS = 25
SEED = 7


def cli(*args: str, user: str = WORKER_LOGINS[0], password: str = WORKER_PASSWORD, data_dir: Path):
    # A worker: the commands read and export people's files, which the administrator does not.
    env = {**os.environ, "REHABDESK_USER": user, "REHABDESK_PASSWORD": password}
    return subprocess.run(
        [sys.executable, "-m", "app", "--data-dir", str(data_dir), *args],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=300,
    )


def secrets_of_demo(today: date) -> set[str]:
    found: set[str] = set()
    for demo in iter_people(persons=PERSONS, seed=SEED, today=today):
        p = demo.person
        found |= {p.name, p.id_number, p.phone, p.household_address, p.residence_address, p.notes, *p.aliases}
        found |= {v.summary for v in demo.visits} | {v.needs for v in demo.visits}
    return {s for s in found if s and len(s) >= 2}


def test_no_personal_value_in_any_file_of_the_data_dir(tmp_path):
    data_dir = tmp_path / "office"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "app",
            "demo",
            "--data-dir",
            str(data_dir),
            "--persons",
            str(PERSONS),
            "--seed",
            str(SEED),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    known = {
        "name": "欧阳明月",
        "id": "640104198807150031",
        "phone": "17000009876",
        "address": "银川市兴庆区试验路 99 号",
        "notes": "测试隐私备注文字",
    }
    ledger = tmp_path / "known.csv"
    with ledger.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(
            [
                ["姓名", "身份证号码", "联系电话", "居住地", "备注"],
                [known["name"], known["id"], known["phone"], known["address"], known["notes"]],
            ]
        )
    assert cli("import", "persons", str(ledger), data_dir=data_dir).returncode == 0
    listed = json.loads(cli("person", "list", "--json", data_dir=data_dir).stdout)
    assert known["name"] in {p["name"] for p in listed}
    assert cli("person", "show", known["id"], "--json", data_dir=data_dir).returncode == 0
    assert cli("person", "list", password="wrong-password", data_dir=data_dir).returncode != 0
    assert cli("export", "persons", "--out", str(tmp_path / "export.xlsx"), data_dir=data_dir).returncode == 0

    secrets = secrets_of_demo(date.today()) | set(known.values())
    assert len(secrets) > 100
    files = [p for p in data_dir.rglob("*") if p.is_file()]
    assert {"rehabdesk.db", "keyring.json"} <= {p.name for p in files}
    assert any(p.suffix == ".log" for p in files)
    leaks = []
    for path in files:
        raw = path.read_bytes()
        for secret in secrets:
            for encoding in ("utf-8", "gbk"):
                try:
                    needle = secret.encode(encoding)
                except UnicodeEncodeError:
                    continue
                if needle in raw:
                    leaks.append(f"{path.name}: a value in {encoding}")
    assert leaks == []
    # The check can see plaintext where there is some: the export the user asked for holds it.
    exported = tmp_path / "export.csv"
    assert cli("export", "persons", "--out", str(exported), data_dir=data_dir).returncode == 0
    assert known["name"].encode("utf-8") in exported.read_bytes()
