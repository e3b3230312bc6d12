"""A full disk during a backup: the backup fails with a clear sentence, leaves no archive behind (not even
a partial one that could pass for good), and the store is intact and backs up fine once there is room.

Three ways the disk fills up:
- ``rehabdesk backup`` under RLIMIT_FSIZE at several sizes below the database copy (SIGXFSZ ignored, so
  the write fails with EFBIG, as with ENOSPC): SQLite's online backup fails part-way through the copy;
- the app's daily backup under the same limit: the app opens all the same, the earlier daily backups
  stay, nothing half-made is kept;
- a real full file system (ENOSPC): a small tmpfs, as a nearly full USB stick, with room for the copy
  but not for the archive beside it, so the failure comes while packing. It needs the right to mount
  (root on Linux); elsewhere that case is skipped and says why.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from _store_checks import PASSWORD, new_office, person_input
from test_full_disk import Snapshot

from app.maintenance.backup import WRITE_FAILED, make_backup, verify_backup
from app.services import persons
from tests.figures import Figures

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not hasattr(signal, "SIGXFSZ"), reason="RLIMIT_FSIZE is POSIX"),
]

BORN = date(1967, 7, 7)
CHILD_TIMEOUT = 120
FRACTIONS = (0.02, 0.97)  # the file-size limit, as a share of the database copy: early, or nearly done
DAILY_BEFORE = datetime(2026, 6, 29, 8, 0).astimezone()
DAILY_NOW = DAILY_BEFORE + timedelta(days=1)
WRITE_FAILED_ZH = WRITE_FAILED.zh.split("{path}")[1][:12]  # "（磁盘已满、没有写权限…": the sentence's cause


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory, figures: Figures) -> Iterator[dict[str, Any]]:
    """An office of about 1.5 MB: persons whose notes are long (sealed, so they hardly compress).
    Once every test of this module has used it, what they injected and checked goes to the figures."""
    started = time.monotonic()
    root = tmp_path_factory.mktemp("backup-full-disk") / "office"
    store = new_office(root)
    try:
        for seq in range(1, 61):
            persons.register(store, person_input(BORN, seq, notes=secrets.token_hex(6000)))
    finally:
        store.close()
    # An earlier daily backup, made while there was room: it must survive every failure below.
    made = subprocess.run(
        [sys.executable, "-c", DAILY_CHILD, str(root), DAILY_BEFORE.isoformat()],
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT,
        env=_env(),
    )
    assert json.loads(made.stdout.splitlines()[-1])["made"], made.stderr
    tally: dict[str, Any] = {"checked": 0, "faults": {}}
    yield {"root": root, "before": Snapshot.take(root), "figures": tally}
    figures.record(
        "full disk during a backup",
        rounds=sum(tally["faults"].values()),
        faults=tally["faults"],
        checked=tally["checked"],
        lost=0,
        seconds=time.monotonic() - started,
    )


def _env() -> dict[str, str]:
    env = dict(os.environ, REHABDESK_PASSWORD=PASSWORD, REHABDESK_LANG="zh_CN")
    env.pop("REHABDESK_DATA_DIR", None)
    return env


def _limited(limit: int) -> Any:
    def full_disk() -> None:  # runs in the child between fork and exec
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))

    return full_disk


def backup_cli(root: Path, out: Path, limit: int | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app", "backup", "--out", str(out), "--data-dir", str(root)],
        env=_env(),
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT,
        preexec_fn=_limited(limit) if limit is not None else None,
    )


def assert_intact(office: dict[str, Any]) -> None:
    """The store as before: SQLite's and the bookkeeping checks pass, every record reads back alike."""
    after = Snapshot.take(office["root"])
    assert after.check.ok, after.check.problems
    assert after.people == office["before"].people
    assert after.facts == office["before"].facts
    assert after.check.rows == office["before"].check.rows
    office["figures"]["checked"] += len(after.check.rows)


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def _count(office: dict[str, Any], fault: str) -> None:
    faults = office["figures"]["faults"]
    faults[fault] = faults.get(fault, 0) + 1


# ---- rehabdesk backup under a file-size limit --------------------------------------------------------------
@pytest.mark.parametrize("fraction", FRACTIONS)
def test_a_backup_onto_a_full_disk_says_so_and_leaves_nothing(
    office: dict[str, Any], tmp_path: Path, fraction: float
) -> None:
    root = office["root"]
    limit = int((root / "rehabdesk.db").stat().st_size * fraction)
    target = tmp_path / "usb"
    target.mkdir()
    child = backup_cli(root, target / "office.rdbak", limit)
    _count(office, "RLIMIT_FSIZE during the copy")
    print(f"\n[full disk, backup] limit {limit} B: exit {child.returncode}: {child.stderr.strip()}")
    assert "Traceback" not in child.stderr
    assert child.returncode == 1, child.stderr
    assert WRITE_FAILED_ZH in child.stderr, f"the user was told {child.stderr.strip()!r}"
    assert "损坏" not in child.stderr, "a full disk was reported as a damaged database"
    assert leftovers(target) == [], "a partial archive or its work folder was left behind"
    assert_intact(office)


def test_once_there_is_room_the_same_backup_is_made_and_verifies(
    office: dict[str, Any], tmp_path: Path
) -> None:
    out = tmp_path / "office.rdbak"
    make_backup(office["root"], out)  # what the command runs, in this process
    manifest = verify_backup(out)
    assert manifest.office_code == "640104001"
    assert leftovers(tmp_path) == ["office.rdbak"]


# ---- the daily backup --------------------------------------------------------------------------------------
DAILY_CHILD = """
import json, logging, sys
from datetime import datetime
from pathlib import Path
from app.maintenance.backup import ensure_daily_backup
logging.basicConfig(stream=sys.stderr, level=logging.INFO)
made = ensure_daily_backup(Path(sys.argv[1]), datetime.fromisoformat(sys.argv[2]))
print(json.dumps({"made": str(made) if made else None}))
"""


def test_the_daily_backup_on_a_full_disk_keeps_the_earlier_ones_and_leaves_nothing(
    office: dict[str, Any],
) -> None:
    root = office["root"]
    backups = root / "backups"
    earlier = {p.name: p.read_bytes() for p in backups.iterdir()}
    assert list(earlier) == [f"daily-{DAILY_BEFORE:%Y%m%d}.rdbak"]
    limit = (root / "rehabdesk.db").stat().st_size // 2
    child = subprocess.run(
        [sys.executable, "-c", DAILY_CHILD, str(root), DAILY_NOW.isoformat()],
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT,
        env=_env(),
        preexec_fn=_limited(limit),
    )
    _count(office, "RLIMIT_FSIZE during the daily backup")
    assert child.returncode == 0, child.stderr  # a failed daily backup never stops the app
    assert json.loads(child.stdout.splitlines()[-1]) == {"made": None}
    assert "daily backup failed" in child.stderr
    assert "测试人员" not in child.stderr and "Traceback" not in child.stderr
    assert {p.name: p.read_bytes() for p in backups.iterdir()} == earlier, "the earlier daily backup changed"
    assert_intact(office)


# ---- a real full file system ------------------------------------------------------------------------------
@contextlib.contextmanager
def small_file_system(mount: Path, size: int) -> Iterator[Path]:
    mount.mkdir()
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
    )
    if made.returncode != 0:
        pytest.skip(f"a real full file system needs the right to mount a tmpfs here: {made.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=True)


def test_a_backup_onto_a_nearly_full_stick_fails_while_packing_and_leaves_it_empty(
    office: dict[str, Any], tmp_path: Path
) -> None:
    root = office["root"]
    size = (root / "rehabdesk.db").stat().st_size
    with small_file_system(tmp_path / "stick", size * 3 // 2) as stick:  # the copy fits, copy + archive not
        child = backup_cli(root, stick / "office.rdbak")
        _count(office, "ENOSPC while packing")
        print(
            f"\n[full disk, backup] a {size * 3 // 2} B stick: exit {child.returncode}: {child.stderr.strip()}"
        )
        assert "Traceback" not in child.stderr
        assert child.returncode == 1, child.stderr
        assert WRITE_FAILED_ZH in child.stderr, f"the user was told {child.stderr.strip()!r}"
        assert leftovers(stick) == [], "a partial archive or its work folder was left on the stick"
        assert os.statvfs(stick).f_bfree * os.statvfs(stick).f_frsize > size, "the stick was not emptied"
    assert_intact(office)
