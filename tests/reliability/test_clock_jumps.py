"""A computer's clock jumping days back and days forward: records keep their order, a sync with a clock
that far off is refused with a clear sentence, and once the clocks agree again everything converges,
with nothing lost and nothing refused.

The store takes its wall clock and its "today" from injectable functions (``Store.clock``, ``Store.today``);
the in-thread server (on PostgreSQL) takes its own from ``sync.server.clocks.now_ms``. The hybrid
logical clock must never go back on one computer, across restarts too, so the last edit wins locally
whatever the wall clock says. A change stamped while the clock ran ahead waits (it is not refused) until
the server's clock has caught up with its stamp; "time passing" is simulated by moving every clock on.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from datetime import timedelta
from types import SimpleNamespace

import pytest

import sync.client.push
import sync.server.clocks
from app.clock import parse_hlc
from app.errors import UserError
from app.services import persons, sync_status
from models import OutboxChange
from sync.client.errors import SyncError
from sync.server.schema import Conflict
from tests.figures import Figures
from tests.sync.e2e.harness import SERVER_KEEPS, TODAY, Device, LiveServer, differences

pytestmark = pytest.mark.slow

TOWNSHIP = "640104001"
DAY_S = 24 * 3600


@pytest.fixture
def live_server(pg_url: str) -> Iterator[LiveServer]:
    server = LiveServer(pg_url)
    yield server
    server.stop()


def hlcs(device: Device) -> list[tuple[int, int]]:
    """The device's outbox clocks in seq order, as (milliseconds, counter)."""
    from sqlalchemy import select

    with device.store.read() as session:
        rows = session.scalars(select(OutboxChange.hlc).order_by(OutboxChange.seq)).all()
    return [parse_hlc(h)[:2] for h in rows]  # type: ignore[misc]


def strictly_increasing(values: list[tuple[int, int]]) -> bool:
    return all(a < b for a, b in itertools.pairwise(values))


def refused_for_its_clock(device: Device) -> SyncError:
    with pytest.raises(SyncError) as refused:
        device.sync()
    assert refused.value.code == "clock_skew"
    return refused.value


def converged(devices: list[Device], server: LiveServer) -> list[str]:
    first = devices[0].records(TOWNSHIP)
    problems = [f"{d.name}: {p}" for d in devices[1:] for p in differences(first, d.records(TOWNSHIP))]
    problems += [f"server: {p}" for p in differences(first, server.records(TOWNSHIP), ignore=SERVER_KEEPS)]
    return problems


def test_a_clock_jumping_back_and_forward_keeps_order_and_converges(
    live_server: LiveServer, tmp_path, monkeypatch: pytest.MonkeyPatch, figures: Figures
) -> None:
    started = time.monotonic()
    server = live_server
    a = Device("a", tmp_path / "a", TOWNSHIP, server.url)
    b = Device("b", tmp_path / "b", TOWNSHIP, server.url)
    jumps = 0
    try:
        a.enroll(server.url, server.code(TOWNSHIP))
        b.enroll(server.url, server.code(TOWNSHIP))
        person = a.register("张三", 101)
        a.sync()
        b.sync()

        # ---- three days back ---------------------------------------------------------------------------
        a.set_skew(-3 * DAY_S)
        a.store.today = lambda: TODAY - timedelta(days=3)
        jumps += 1
        for phone in ("17000000001", "17000000002", "17000000003"):
            a.edit(person, phone=phone)
        assert persons.read_file(a.store, person).profile.phone == "17000000003", "the last edit must win"
        assert strictly_increasing(hlcs(a)), "the clock went back with the wall clock"
        # A date that is yesterday in truth lies in the future for this computer: said plainly, not saved.
        with pytest.raises(UserError) as future:
            a.visit(person, "昨天的家访", days_ago=1)
        assert (TODAY - timedelta(days=1)).isoformat() in future.value.render("zh_CN")
        assert "after today" in future.value.render("en")
        refused = refused_for_its_clock(a)
        assert "时钟" in refused.render("zh_CN") and "date and time" in refused.render("en")
        assert sync_status.read_status(a.store).last_error_code == "clock_skew"
        b.edit(person, notes="乙在三天后写的")  # meanwhile, in real time
        b.sync()

        # A restart with the clock still wrong: the clock goes on from where it stood, not from the wall.
        a.restart()
        a.store.today = lambda: TODAY - timedelta(days=3)
        a.edit(person, residence_address="甲重启后写的地址")
        assert strictly_increasing(hlcs(a)), "the clock went back across a restart"

        a.set_skew(0)
        a.store.today = lambda: TODAY
        summary = a.sync()
        assert summary.deferred == 0 and summary.rejected == 0
        b.sync()
        a.sync()
        assert converged([a, b], server) == []
        profile = persons.read_file(b.store, person).profile
        assert (profile.phone, profile.notes, profile.residence_address) == (
            "17000000003",
            "乙在三天后写的",
            "甲重启后写的地址",
        )

        # ---- two days forward --------------------------------------------------------------------------
        a.set_skew(2 * DAY_S)
        jumps += 1
        a.edit(person, notes="甲在时钟快两天时写的")
        a.visit(person, "时钟快两天时的家访")
        refused_for_its_clock(a)
        a.set_skew(0)  # the clock is put right
        a.edit(person, phone="17000000004")
        summary = a.sync()
        deferred = summary.deferred
        status = sync_status.read_status(a.store)
        assert status.rejected == (), "a change stamped ahead must wait, not be refused"
        assert status.pending == deferred >= 2
        b.edit(person, notes="乙在真实时间写的")
        b.sync()

        # Two days pass, for every computer and the server: what waited goes, and everyone agrees.
        offset_ms = (2 * DAY_S + 60) * 1000
        real_now_ms = sync.server.clocks.now_ms
        monkeypatch.setattr(sync.server.clocks, "now_ms", lambda: real_now_ms() + offset_ms)
        for device in (a, b):
            device.set_skew(offset_ms / 1000)
        # A push states the computer's time from time.time() itself, not from the store's clock.
        monkeypatch.setattr(
            sync.client.push, "time", SimpleNamespace(time=lambda: time.time() + offset_ms / 1000)
        )
        a.sync()
        b.sync()
        a.sync()
        assert sync_status.read_status(a.store).pending == 0
        assert converged([a, b], server) == []
        assert strictly_increasing(hlcs(a))
        visits = [values for (entity, _), values in a.records(TOWNSHIP).items() if entity == "visit"]
        assert [v["content"]["summary"] for v in visits] == ["时钟快两天时的家访"]
        # The edit stamped two days ahead and B's later one, made apart: both kept for a supervisor.
        with server.storage.read() as session:
            disputed = [c for c in session.query(Conflict).all() if c.field == "notes"]
        assert len(disputed) == 1
        assert {v["value"] for v in disputed[0].values} == {"甲在时钟快两天时写的", "乙在真实时间写的"}
        checked = len(server.records(TOWNSHIP))
    finally:
        a.close()
        b.close()
    figures.record(
        "clock jumps",
        rounds=1,
        faults={"clock 3 days back (with a restart)": 1, "clock 2 days ahead": 1},
        checked=checked,
        lost=0,
        seconds=time.monotonic() - started,
        notes=f"{deferred} changes waited for the server's clock after the forward jump",
    )
    print(
        f"\n[clock jumps] {jumps} jumps; {deferred} changes stamped ahead waited until the server's clock "
        f"caught up, then applied; {checked} records alike on both computers and the server; "
        f"{time.monotonic() - started:.1f} s"
    )
