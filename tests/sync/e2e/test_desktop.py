"""The desktop app's sync: in the background, through the op runner, said honestly on the status bar
and the Sync page; the GUI thread never touches the database and the database thread never waits on
the network."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import event

from app.services import persons, sync_status
from app.services.inputs import PersonInput
from sync.client.backoff import Backoff
from tests.conftest import make_id
from tests.sync.e2e.harness import Device, Faults, FaultyProxy
from ui.context import UiContext
from ui.errors import show_error
from ui.ops import OpRunner
from ui.pages.sync_page import SyncPage
from ui.sync_scheduler import SyncScheduler

TOWNSHIP = "640104001"
WAIT = 15_000


class Desk:
    def __init__(self, device: Device, qtbot, url_timeout: float = 2.0) -> None:
        self.device = device
        self.store = device.store
        self.gui_queries: list[str] = []
        self.network_on_db_thread: list[str] = []
        gui = threading.main_thread()

        @event.listens_for(self.store.engine, "before_cursor_execute")
        def _check(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
            if threading.current_thread() is gui:
                self.gui_queries.append(statement[:60])

        def transport(url, token, timeout=2.0):
            made = device.transport(url, token, timeout)
            made._on_request = self._network_call
            return made

        self.runner = OpRunner(show_error)
        self.runner.attach(self.store)
        self.scheduler = SyncScheduler(
            self.runner, transport_factory=transport, timeout=url_timeout, every_s=3600, after_change_s=0.2,
            backoff=Backoff(base_s=3600),
        )  # fmt: skip
        ctx = UiContext(self.runner, device.root, self.store.actor, "测试街道", lambda: device.store.today())
        self.page = SyncPage(ctx, _Nav())
        self.page.attach_scheduler(self.scheduler)
        qtbot.addWidget(self.page)
        self.qtbot = qtbot

    def _network_call(self, path: str) -> None:
        if threading.current_thread().name.startswith("rehabdesk-db"):
            self.network_on_db_thread.append(path)

    def text(self) -> str:
        return self.scheduler.summary_text()

    def aside(self, work):  # type: ignore[no-untyped-def]
        """What the test itself does to the store (setting up a case) runs off the GUI thread too, so the
        check above catches only what the app does there."""
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(1) as pool:
            return pool.submit(work).result()

    def wait_synced_once(self) -> None:
        with self.qtbot.waitSignal(self.scheduler.finished, timeout=WAIT):
            pass

    def settle(self) -> None:
        self.qtbot.waitUntil(lambda: not self.scheduler.running and self.runner.idle, timeout=WAIT)


class _Nav:
    def open_person(self, person_id, action=None) -> None: ...

    def show_page(self, key: str) -> None: ...


@pytest.fixture
def desk(qapp, qtbot, make_device, sqlite_server) -> Iterator[Desk]:
    device = make_device("desk", TOWNSHIP, sqlite_server.url)
    made = Desk(device, qtbot)
    yield made
    made.scheduler.stop()
    qtbot.waitUntil(lambda: made.runner.idle, timeout=WAIT)
    made.runner.detach().result(timeout=10)
    made.aside(device.open)  # the harness closes it
    assert made.gui_queries == [], "database calls ran on the GUI thread"
    assert made.network_on_db_thread == [], "HTTP ran on the database thread"


def test_not_enrolled_says_so_and_keeps_everything(desk):
    desk.aside(lambda: persons.register(desk.store, PersonInput(name="张三", id_number=make_id(seq=101))))
    desk.scheduler.start()
    desk.wait_synced_once()
    desk.settle()
    assert desk.text() == "Not connected to a sync server: 1 change(s) saved on this computer wait to sync."
    desk.page.refresh()
    desk.qtbot.waitUntil(lambda: "not enrolled" in desk.page.state.text(), timeout=WAIT)
    assert not desk.page.sync_button.isEnabled()


def test_it_syncs_at_start_and_shortly_after_a_local_change(desk, sqlite_server):
    desk.aside(lambda: desk.device.enroll(sqlite_server.url, sqlite_server.code(TOWNSHIP)))
    desk.scheduler.start()
    desk.wait_synced_once()
    desk.settle()
    assert desk.text().startswith("Everything is synced; last sync at")
    assert desk.scheduler.next_attempt_at is not None  # the next regular sync is planned

    def register() -> None:
        desk.runner.run(lambda s: persons.register(s, PersonInput(name="张三", id_number=make_id(seq=101))))

    register()
    desk.wait_synced_once()  # no click: the change went by itself
    desk.settle()
    assert len(sqlite_server.applied(desk.aside(lambda: desk.device.store_device_id))) == 1
    assert "Everything is synced" in desk.text()


def test_offline_is_said_quietly_retried_and_recovered(desk, sqlite_server, make_device):
    proxy = FaultyProxy(sqlite_server.port, Faults(drop=1.0))  # the link is down
    try:
        desk.aside(lambda: desk.device.enroll(sqlite_server.url, sqlite_server.code(TOWNSHIP)))
        desk.device.url = proxy.url
        from models import SyncState

        def point_at_proxy() -> None:
            with desk.store.write() as tx:
                tx.session.get(SyncState, 1).server_url = proxy.url
            persons.register(desk.store, PersonInput(name="张三", id_number=make_id(seq=101)))

        desk.aside(point_at_proxy)
        desk.scheduler.start()
        desk.wait_synced_once()
        desk.settle()
        assert desk.text().startswith("Offline since"), desk.text()
        assert "1 change(s) wait to sync; trying again automatically" in desk.text()
        assert desk.scheduler.last_error.kind == "network"
        assert desk.scheduler._timer.isActive()
        desk.page.refresh()
        desk.qtbot.waitUntil(lambda: desk.page.problem.text().startswith("Offline since"), timeout=WAIT)
        proxy.faults.drop = 0.0  # the link is back
        desk.page.sync_button.click()
        desk.wait_synced_once()
        desk.settle()
        assert desk.text().startswith("Everything is synced"), desk.text()
    finally:
        proxy.stop()


def test_a_revoked_computer_is_told_and_stops_knocking(desk, sqlite_server):
    desk.aside(lambda: desk.device.enroll(sqlite_server.url, sqlite_server.code(TOWNSHIP)))
    sqlite_server.revoke(desk.aside(lambda: desk.device.store_device_id))
    desk.aside(lambda: persons.register(desk.store, PersonInput(name="张三", id_number=make_id(seq=101))))
    from ui import errors

    shown = len(errors.last_shown)
    desk.scheduler.start()
    desk.wait_synced_once()
    desk.settle()
    assert desk.text().startswith("Sync access was withdrawn by IT staff"), desk.text()
    assert not desk.scheduler._timer.isActive()
    desk.page.refresh()
    desk.qtbot.waitUntil(
        lambda: "withdrew this computer's sync access" in desk.page.problem.text(), timeout=WAIT
    )
    assert desk.aside(lambda: sync_status.read_status(desk.store)).pending == 1  # kept, and still waiting
    assert len(errors.last_shown) == shown  # a failure of the timer's sync: no message box
    desk.page.sync_button.click()  # the user asks: now it is said in a message box too
    desk.wait_synced_once()
    desk.settle()
    assert len(errors.last_shown) == shown + 1 and "撤销" in errors.last_shown[-1]


def test_a_refused_change_is_listed_with_its_reason_and_can_be_sent_again(desk, sqlite_server):
    from models import OutboxChange

    desk.aside(lambda: desk.device.enroll(sqlite_server.url, sqlite_server.code(TOWNSHIP)))

    def spoil() -> object:
        person = persons.register(desk.store, PersonInput(name="张三", id_number=make_id(seq=101))).created[0]
        desk.device.visit(person, "家访")
        with (
            desk.store.write() as tx
        ):  # sent as an update of a visit: the server refuses it (facts never change)
            tx.session.get(OutboxChange, 2).op = "update"
        return person

    person = desk.aside(spoil)
    desk.scheduler.start()
    desk.wait_synced_once()
    desk.settle()
    assert "1 change(s) refused by the server: see the Sync page." in desk.text()
    desk.page.refresh()
    desk.qtbot.waitUntil(lambda: desk.page.refused.rowCount() == 1, timeout=WAIT)
    assert desk.page.refused.item(0, 0).text() == "640104001-2026-00001"
    assert "只能新增" in desk.page.refused.item(0, 3).text()  # the server's reason, in the user's language
    assert "更正" in desk.page.refused.item(0, 4).text()  # and what to do
    assert desk.page.retry_button.isVisibleTo(desk.page)

    def mend() -> None:
        with desk.store.write() as tx:
            tx.session.get(OutboxChange, 2).op = "insert"

    desk.aside(mend)
    desk.page.retry_button.click()
    desk.wait_synced_once()
    desk.settle()
    assert desk.aside(lambda: sync_status.read_status(desk.store)).rejected == ()
    assert len(sqlite_server.records(TOWNSHIP)) == 2  # the person and the visit
    assert desk.aside(lambda: sync_status.read_status(desk.store)).pending == 0
    assert person


def test_changes_saved_while_the_clock_ran_fast_are_said_to_wait_for_their_time(desk, sqlite_server):
    from app.clock import HybridClock

    desk.aside(lambda: desk.device.enroll(sqlite_server.url, sqlite_server.code(TOWNSHIP)))
    device_clock = desk.store.clock.device

    def saved_while_fast() -> None:
        desk.store.clock = HybridClock(device_clock, wall=lambda: time.time() + 3 * 3600)
        persons.register(desk.store, PersonInput(name="张三", id_number=make_id(seq=101)))
        desk.store.clock = HybridClock(device_clock)  # IT set the clock right

    desk.aside(saved_while_fast)
    desk.scheduler.start()
    desk.wait_synced_once()
    desk.settle()
    status = desk.aside(lambda: sync_status.read_status(desk.store))
    assert status.pending == status.ahead >= 1 and status.rejected == ()  # waiting, not refused
    assert sqlite_server.records(TOWNSHIP) == {}  # the server has not taken it yet
    desk.page.refresh()
    desk.qtbot.waitUntil(lambda: "clock ran fast" in desk.page.details.text(), timeout=WAIT)
    assert (
        f"{status.ahead} of them were saved while this computer's clock ran fast" in desk.page.details.text()
    )
