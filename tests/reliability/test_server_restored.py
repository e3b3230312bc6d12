"""A server restored from an older backup: the computers send again what it lost, and everyone converges.

The documented procedure (docs/sync-server.md, "Backups"), on PostgreSQL: ``pg_dump`` while the offices
work, more work synced after it, then the server is stopped, the dump put back with ``pg_restore``,
``rehabdesk-server migrate`` and ``rehabdesk-server restored`` run, and the server started again. Each
computer's next sync learns from ``GET /v1/meta`` that the server holds fewer of its changes than it had
confirmed, queues those again and sends them; its pull cursor has expired, so it takes a fresh snapshot.
Afterwards the server holds every change once, and both computers hold what it holds.
"""

from __future__ import annotations

import subprocess
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from models import SyncState
from sync import protocol
from sync.server import cli as server_cli
from tests.figures import Figures
from tests.sync.e2e.harness import SERVER_KEEPS, Device, LiveServer, differences

pytestmark = pytest.mark.slow

TOWNSHIP = "640104001"


def libpq(url: str) -> str:
    """pg_dump and pg_restore want the URL without SQLAlchemy's driver name."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def meta(url: str, token: str | None) -> protocol.Meta:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    with urllib.request.urlopen(
        urllib.request.Request(f"{url}/v1/meta", headers=headers), timeout=5
    ) as answer:
        return protocol.from_json(protocol.Meta, answer.read())


def token_of(device: Device) -> str:
    from sync.client.state import read_credentials

    creds = read_credentials(device.store)
    assert creds is not None
    return creds.token


def move_to(device: Device, url: str) -> None:
    """The restored server answers on another port here; in production its address stays the same."""
    with device.store.write() as tx:
        tx.session.get(SyncState, 1).server_url = url


def visits(device: Device) -> Counter:
    return Counter(
        values["content"]["summary"]
        for (entity, _), values in device.records(TOWNSHIP).items()
        if entity == "visit"
    )


@pytest.fixture
def devices() -> Iterator[list[Device]]:
    """The computers a test makes, closed at its end whatever happens."""
    made: list[Device] = []
    yield made
    for device in made:
        device.close()


def test_a_server_restored_from_an_older_backup_gets_back_what_it_lost(
    pg_url: str, tmp_path: Path, devices: list[Device], figures: Figures, capsys: pytest.CaptureFixture[str]
) -> None:
    started = time.monotonic()
    server = LiveServer(pg_url)
    try:
        a = Device("a", tmp_path / "a", TOWNSHIP, server.url)
        b = Device("b", tmp_path / "b", TOWNSHIP, server.url)
        devices += [a, b]
        a.enroll(server.url, server.code(TOWNSHIP))
        b.enroll(server.url, server.code(TOWNSHIP))
        zhang = a.register("张三", 101)
        a.visit(zhang, "备份前甲家访")
        li = b.register("李四", 103)
        b.visit(li, "备份前乙家访")
        for device in (a, b, a):
            device.sync()
        assert meta(server.url, token_of(a)).device_seq == len(a.outbox())

        dump = tmp_path / "sync.dump"  # the nightly backup, taken while the server runs
        subprocess.run(["pg_dump", "--format=custom", f"--file={dump}", libpq(pg_url)], check=True)

        wang = a.register("王五", 105)  # work done after the backup, confirmed by the server
        a.visit(wang, "备份后甲家访")
        a.edit(zhang, phone="17000000005")
        b.visit(zhang, "备份后乙家访")
        b.edit(li, notes="备份后乙改的备注")
        for device in (a, b, a):
            device.sync()
        confirmed = {d.name: [seq for seq, acked, _ in d.outbox() if acked] for d in (a, b)}
        held_before = server.records(TOWNSHIP)
    finally:
        server.stop()

    # The disaster, and the documented way back.
    subprocess.run(
        ["pg_restore", "--clean", "--if-exists", "--no-owner", f"--dbname={libpq(pg_url)}", str(dump)],
        check=True,
    )
    assert server_cli.main(["migrate", "--database-url", pg_url]) == 0
    assert server_cli.main(["restored", "--database-url", pg_url]) == 0
    said = capsys.readouterr().out
    assert "重新下载快照" in said and "send again" in said

    server = LiveServer(pg_url)
    try:
        lost = {d.name: len(confirmed[d.name]) - len(server.applied(d.store_device_id)) for d in (a, b)}
        assert lost["a"] >= 3 and lost["b"] >= 2, "the backup should lack what was done after it"
        assert meta(server.url, None).device_seq is None  # a health check without a token learns nothing
        assert meta(server.url, "not-a-token").device_seq is None
        resent: dict[str, int] = {}
        for device in (a, b):
            move_to(device, server.url)
            summary = device.sync()
            resent[device.name] = summary.resent
            assert summary.rebuilt, f"{device.name} kept a cursor the restored log never reached"
        for device in (a, b):
            device.sync()
        assert resent == lost, "each computer sends again exactly what the server lost"

        for device in (a, b):
            assert server.applied(device.store_device_id) == [seq for seq, _, _ in device.outbox()]
            assert all(acked and not reason for _, acked, reason in device.outbox())
        twice = [change for change, n in Counter(server.logged_changes()).items() if n > 1]
        assert twice == [], f"the server logged a change twice: {twice[:5]}"
        held = server.records(TOWNSHIP)
        assert differences(held_before, held) == [], "the server does not hold what it held before the loss"
        assert differences(a.records(), b.records()) == []
        assert differences(a.records(), held, ignore=SERVER_KEEPS) == []
        expected = Counter(["备份前甲家访", "备份前乙家访", "备份后甲家访", "备份后乙家访"])
        assert visits(a) == visits(b) == expected, "a visit lost or doubled"
        from app.services import persons

        assert persons.read_file(b.store, zhang).profile.phone == "17000000005"
        assert persons.read_file(a.store, li).profile.notes == "备份后乙改的备注"
    finally:
        server.stop()
    figures.record(
        "server restored from an older backup",
        rounds=1,
        faults={"pg_restore of a backup older than confirmed changes": 1},
        checked=len(held),
        lost=0,
        seconds=time.monotonic() - started,
        notes=f"changes sent again: {resent}",
    )
    print(
        f"\n[server restored] the backup lacked {lost} confirmed changes; sent again {resent}; "
        f"{len(held)} records on the server and both computers alike; {time.monotonic() - started:.1f} s"
    )


def test_restored_moves_a_sqlite_servers_log_past_every_cursor(tmp_path: Path, devices: list[Device]) -> None:
    """The same command on a trial server's SQLite file: the next cursor is past every earlier one, and a
    device that had pulled rebuilds from a snapshot and goes on."""
    from sync.server import migrate
    from sync.server.db import Storage

    url = f"sqlite:///{tmp_path / 'server.db'}"
    storage = Storage(url)
    migrate.upgrade(storage)
    storage.dispose()
    server = LiveServer(url)
    try:
        a = Device("a", tmp_path / "a", TOWNSHIP, server.url)
        devices.append(a)
        a.enroll(server.url, server.code(TOWNSHIP))
        a.visit(a.register("张三", 101), "第一次家访")
        cursor_before = a.sync().cursor
        assert server_cli.main(["restored", "--database-url", url]) == 0
        a.visit(a.register("李四", 103), "第二次家访")
        summary = a.sync()
        assert summary.rebuilt and summary.cursor > cursor_before + 10**12
        with server.storage.read() as session:
            from sqlalchemy import func, select

            from sync.server.schema import ChangeLogEntry

            newest = session.scalar(select(func.max(ChangeLogEntry.cursor)))
        assert newest == summary.cursor
        assert differences(a.records(), server.records(TOWNSHIP), ignore=SERVER_KEEPS) == []
    finally:
        server.stop()
