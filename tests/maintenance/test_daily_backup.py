"""The app's own daily backup: at most one a day, 7 daily and 4 weekly kept, other backups never pruned, a
damaged store never pushing good backups out, and never an error in the way of opening the app."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from app.maintenance.backup import (
    automatic_backup,
    ensure_daily_backup,
    restore_backup,
    retained,
    verify_backup,
)
from app.store.unlock import open_store
from tests.conftest import TODAY, WORKER, WORKER_PW
from tests.maintenance.helpers import chain_ok, populate, snapshot


def at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 30)


def daily_days(root: Path) -> set[date]:
    return {
        datetime.strptime(p.name[6:14], "%Y%m%d").date() for p in (root / "backups").glob("daily-*.rdbak")
    }


def test_at_most_one_backup_a_day(store_dir):
    first = automatic_backup(store_dir, at(TODAY, 8))
    assert first is not None and first.name == "daily-20260630.rdbak"
    made = first.stat().st_mtime_ns
    assert automatic_backup(store_dir, at(TODAY, 17)) is None
    assert first.stat().st_mtime_ns == made
    assert automatic_backup(store_dir, at(TODAY + timedelta(days=1), 8)) is not None
    assert daily_days(store_dir) == {TODAY, TODAY + timedelta(days=1)}
    assert verify_backup(first).reason == "daily"


def test_sixty_days_leave_seven_daily_and_four_weekly(store_dir):
    manual = store_dir / "backups" / "before-upgrade-0001-20250101T000000Z.rdbak"
    manual.parent.mkdir(parents=True, exist_ok=True)
    manual.write_bytes(b"kept whatever it is")
    by_hand = store_dir / "backups" / "office-by-hand.rdbak"
    by_hand.write_bytes(b"kept too")
    start = date(2026, 1, 1)
    for n in range(60):  # 2026-01-01 .. 2026-03-01, a Sunday
        automatic_backup(store_dir, at(start + timedelta(days=n)))
    last_week = {date(2026, 2, 23) + timedelta(days=n) for n in range(7)}  # ISO week 9, Monday to Sunday
    weekly = {date(2026, 2, 22), date(2026, 2, 15), date(2026, 2, 8), date(2026, 2, 1)}  # weeks 8, 7, 6, 5
    assert daily_days(store_dir) == last_week | weekly
    assert manual.read_bytes() == b"kept whatever it is" and by_hand.read_bytes() == b"kept too"


def test_the_retention_rule():
    days = [date(2026, 3, 1) - timedelta(days=n) for n in range(100)]
    kept = retained(days)
    assert len(kept) == 11
    newest = sorted(kept, reverse=True)
    assert newest[:7] == [date(2026, 3, 1) - timedelta(days=n) for n in range(7)]
    weeks = {d.isocalendar()[:2] for d in newest[7:]}
    assert len(weeks) == 4 and all(d.weekday() == 6 for d in newest[7:])  # the last backup of each week
    assert retained([]) == set() and retained(days[:3]) == set(days[:3])
    gappy = [date(2026, 3, 1), date(2026, 1, 1), date(2025, 6, 1)]  # the PC was off for months
    assert retained(gappy) == set(gappy)


def test_a_daily_backup_restores_to_the_same_office(store_dir, tmp_path):
    store = open_store(store_dir, WORKER, WORKER_PW, today=lambda: TODAY)
    populate(store)
    before = snapshot(store)
    entries = chain_ok(store)
    made = ensure_daily_backup(store_dir, at(TODAY))
    store.close()
    assert made is not None
    target = tmp_path / "restored"
    restore_backup(target, made)
    store = open_store(target, WORKER, WORKER_PW, today=lambda: TODAY)
    try:
        assert snapshot(store) == before and chain_ok(store) == entries
    finally:
        store.close()


def test_a_damaged_store_never_pushes_good_backups_out(store_dir, caplog):
    for n in range(10):
        automatic_backup(store_dir, at(TODAY + timedelta(days=n)))
    kept = sorted(p.name for p in (store_dir / "backups").iterdir())
    database = store_dir / "rehabdesk.db"
    data = bytearray(database.read_bytes())
    for page in range(2, len(data) // 4096):
        data[page * 4096 + 100 : page * 4096 + 400] = b"\x5a" * 300  # b-tree pages scribbled over
    database.write_bytes(bytes(data))
    with caplog.at_level(logging.WARNING, logger="rehabdesk"):
        assert ensure_daily_backup(store_dir, at(TODAY + timedelta(days=30))) is None
    assert sorted(p.name for p in (store_dir / "backups").iterdir()) == kept
    assert any("daily backup failed" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("state", ["no-store", "key-file-only", "garbage-database"])
def test_the_daily_backup_never_stands_in_the_way(tmp_path, store_dir, state):
    root = tmp_path / "nothing" if state == "no-store" else store_dir
    if state == "key-file-only":
        (store_dir / "rehabdesk.db").unlink()
    if state == "garbage-database":
        (store_dir / "rehabdesk.db").write_bytes(b"not a database at all" * 100)
    assert ensure_daily_backup(root, at(TODAY)) is None
    daily = list((root / "backups").glob("daily-*")) if (root / "backups").exists() else []
    assert daily == []
