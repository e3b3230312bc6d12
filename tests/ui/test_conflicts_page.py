"""The Conflicts page with a real sync server (PostgreSQL and SQLite) and real computers: a field changed on
two computers while apart, both values shown with who and when, the supervisor's decision reaching the
server and the other computers; the server out of reach said plainly, the conflict kept open."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from uuid import UUID

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QLabel, QPushButton
from sqlalchemy import event, select

from app.errors import Refused
from app.services import conflicts, persons, sync_status
from app.services.inputs import PersonInput
from models import OutboxChange
from sync.client.backoff import Backoff
from sync.client.flow import resolve_flow, run_flow
from sync.client.transport import Transport
from tests.conftest import make_id
from tests.sync.e2e.conftest import e2e_postgres, server  # noqa: F401 - the real server, on both databases
from tests.sync.e2e.harness import Device, LiveServer
from tests.ui.test_accessibility import unnamed
from ui import errors
from ui.context import UiContext
from ui.errors import show_error
from ui.main_window import MainWindow
from ui.ops import OpRunner
from ui.pages.conflicts import ConflictsPage
from ui.sync_scheduler import SyncScheduler, local_time

TOWNSHIP = "640104001"
WAIT = 30_000
FIRST, SECOND = "17000000001", "17000000002"  # the phone as the worker and as the supervisor wrote it


class _Nav:
    def open_person(self, person_id, action=None) -> None: ...

    def show_page(self, key: str) -> None: ...


def aside(work: Callable[[], Any]) -> Any:
    """What the test itself does to a store runs off the GUI thread, so the page's own use is what the
    GUI-thread check below sees."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(work).result()


class Office:
    """A worker's computer and a supervisor's computer of one township, enrolled with a live server; a
    second worker's computer (``other``) that only receives."""

    def __init__(self, live: LiveServer, tmp_path) -> None:  # type: ignore[no-untyped-def]
        self.server = live
        self.worker = Device("worker", tmp_path / "worker", TOWNSHIP, live.url)
        self.other = Device("other", tmp_path / "other", TOWNSHIP, live.url)
        self.boss = Device("boss", tmp_path / "boss", TOWNSHIP, live.url, role="supervisor")
        self.worker.enroll(live.url, live.code(TOWNSHIP))
        self.other.enroll(live.url, live.code(TOWNSHIP))
        self.boss.enroll(live.url, live.code(TOWNSHIP, "supervisor"))

    def devices(self) -> tuple[Device, ...]:
        return (self.worker, self.other, self.boss)

    def close(self) -> None:
        for device in self.devices():
            device.close()


@pytest.fixture
def office(server: LiveServer, tmp_path) -> Iterator[Office]:  # noqa: F811 - the fixture imported above
    made = Office(server, tmp_path)
    yield made
    made.close()


def make_conflict(office: Office) -> UUID:
    """张三's phone and residence changed by the worker and, later, by the supervisor, while apart."""
    worker, boss = office.worker, office.boss
    zhang = persons.register(
        worker.store, PersonInput(name="张三", id_number=make_id(seq=101), phone="17000000000")
    ).created[0]
    for device in office.devices():
        device.sync()
    worker.edit(zhang, phone=FIRST, residence_address="幸福路 1 号")
    boss.edit(zhang, phone=SECOND, residence_address="幸福路 2 号")
    for _ in range(2):
        for device in office.devices():
            device.sync()
    assert sync_status.read_status(boss.store).open_conflicts == 2
    return zhang


class Desk:
    """The supervisor's computer running the app: the page, the op runner and the sync scheduler."""

    def __init__(self, device: Device, qtbot) -> None:  # type: ignore[no-untyped-def]
        self.device = device
        self.gui_queries: list[str] = []
        gui = threading.main_thread()

        @event.listens_for(device.store.engine, "before_cursor_execute")
        def _check(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
            if threading.current_thread() is gui:
                self.gui_queries.append(statement[:60])

        self.runner = OpRunner(show_error)
        self.runner.attach(device.store)
        self.scheduler = SyncScheduler(
            self.runner, transport_factory=device.transport, every_s=3600, after_change_s=3600,
            backoff=Backoff(base_s=3600),
        )  # fmt: skip
        assert device.store.actor is not None
        ctx = UiContext(self.runner, device.root, device.store.actor, "测试街道", device.store.today)
        self.page = ConflictsPage(ctx, _Nav())
        self.page.transport_factory = device.transport
        self.page.attach_scheduler(self.scheduler)
        qtbot.addWidget(self.page)
        self.page.resize(1130, 640)
        self.page.show()
        self.qtbot = qtbot

    def settle(self) -> None:
        self.qtbot.waitUntil(lambda: not self.scheduler.running and self.runner.idle, timeout=WAIT)

    def card_texts(self) -> list[str]:
        cards = [c for c in self.page.detail.findChildren(QGroupBox) if c.title().startswith("Value ")]
        return [" | ".join(label.text() for label in c.findChildren(QLabel)) for c in cards]

    def select(self, label: str) -> None:
        row = next(r for r in range(self.page.table.rowCount()) if self.page.table.item(r, 2).text() == label)
        self.page.table.selectRow(row)

    def close(self) -> None:
        self.scheduler.stop()
        self.qtbot.waitUntil(lambda: self.runner.idle, timeout=WAIT)
        self.runner.detach().result(timeout=10)
        aside(self.device.open)  # the office's teardown closes it


def clock_time(device: Device, person: UUID, field: str) -> str:
    """When the device changed ``field`` of the person, as the page shows it (local time)."""
    from datetime import UTC, datetime

    from app.clock import parse_hlc

    with device.store.read() as session:
        hlcs = [
            hlc
            for hlc, names in session.execute(
                select(OutboxChange.hlc, OutboxChange.fields).where(OutboxChange.entity_id == person)
            )
            if f'"{field}"' in names
        ]
    ms = parse_hlc(max(hlcs))[0]
    return local_time(datetime.fromtimestamp(ms / 1000, UTC).replace(tzinfo=None))


def test_a_supervisor_sees_both_values_and_the_decision_reaches_every_computer(qtbot, office):
    zhang = make_conflict(office)
    worker_id = aside(lambda: office.worker.store_device_id)
    worker_time = aside(lambda: clock_time(office.worker, zhang, "phone"))
    boss_time = aside(lambda: clock_time(office.boss, zhang, "phone"))
    desk = Desk(office.boss, qtbot)
    try:
        desk.page.activate()
        desk.settle()
        assert desk.page.table.rowCount() == 2 and not desk.page.empty.isVisible()
        record_no = desk.page.table.item(0, 0).text()
        assert record_no.startswith(f"{TOWNSHIP}-") and desk.page.table.item(0, 1).text() == "张三"
        assert {desk.page.table.item(r, 2).text() for r in range(2)} == {"联系电话", "居住地"}

        desk.select("联系电话")
        assert unnamed(desk.page) == []  # screen readers name every input
        first, second = desk.card_texts()  # side by side, oldest first
        assert FIRST in first and f"another computer ({worker_id[:8]})" in first and worker_time in first
        assert SECOND in second and "this computer, by liu" in second and boss_time in second
        assert "The file shows this value for now." in second  # the later one wins until someone decides
        assert "The file shows this value for now." not in first

        # The server is out of reach: said plainly, nothing decided, the conflict stays.
        shown = len(errors.last_shown)
        offline = lambda url, token, timeout=2.0: Transport("http://127.0.0.1:9", token, timeout=2.0)  # noqa: E731
        desk.page.transport_factory = offline
        qtbot.mouseClick(desk.page.detail.findChild(QPushButton, "adopt-1"), Qt.MouseButton.LeftButton)
        desk.settle()
        assert len(errors.last_shown) == shown + 1
        assert (
            errors.last_shown[-1].startswith("连不上同步服务器") and "冲突仍然待处理" in errors.last_shown[-1]
        )
        assert desk.page.table.rowCount() == 2 and desk.page.typed.isEnabled()
        assert aside(lambda: sync_status.read_status(office.boss.store).open_conflicts) == 2

        # Back online: the supervisor adopts the worker's phone ...
        desk.page.transport_factory = office.boss.transport
        desk.select("联系电话")
        with qtbot.waitSignal(desk.scheduler.finished, timeout=WAIT):
            qtbot.mouseClick(desk.page.detail.findChild(QPushButton, "adopt-1"), Qt.MouseButton.LeftButton)
        desk.settle()
        assert "The server recorded “17000000001”" in desk.page.status.text()
        assert [desk.page.table.item(r, 2).text() for r in range(desk.page.table.rowCount())] == ["居住地"]

        # ... and types the right residence.
        desk.select("居住地")
        desk.page.typed.setText("幸福路 3 号")
        with qtbot.waitSignal(desk.scheduler.finished, timeout=WAIT):
            desk.page.typed_button.click()
        desk.settle()
        qtbot.waitUntil(lambda: desk.page.table.rowCount() == 0, timeout=WAIT)
        assert desk.page.empty.isVisible()
    finally:
        desk.close()
    assert desk.gui_queries == [], "database calls ran on the GUI thread"

    # The server recorded both decisions; the supervisor's computer applied them with its pull ...
    held = office.server.records(TOWNSHIP)[("person", str(zhang))]
    assert (held["phone"], held["residence_address"]) == (FIRST, "幸福路 3 号")
    profile = persons.read_file(office.boss.store, zhang).profile
    assert (profile.phone, profile.residence_address) == (FIRST, "幸福路 3 号")
    assert sync_status.read_status(office.boss.store).open_conflicts == 0
    # ... and the other computers take them at their next sync.
    for device in (office.worker, office.other):
        device.sync()
        profile = persons.read_file(device.store, zhang).profile
        assert (profile.phone, profile.residence_address) == (FIRST, "幸福路 3 号")
    assert [p.id for p in persons.search(office.other.store, FIRST)] == [zhang]  # the phone index follows


def test_a_typed_value_is_checked_before_it_is_sent(qtbot, office):
    make_conflict(office)
    desk = Desk(office.boss, qtbot)
    try:
        desk.page.activate()
        desk.settle()
        desk.select("联系电话")
        desk.page.typed.setText("12345")
        desk.page.typed_button.click()
        desk.settle()
        assert "12345" in desk.page.typed_note.text()  # the phone rule's own sentence
        assert desk.page.status.text() == "" and desk.page.table.rowCount() == 2
    finally:
        desk.close()
    assert desk.gui_queries == []


def test_workers_get_no_conflict_page_and_their_decisions_are_refused(qtbot, ui_ctx, store):
    window = MainWindow(ui_ctx)
    qtbot.addWidget(window)
    assert "conflicts" not in window.pages
    with pytest.raises(Refused) as refused:
        conflicts.queue(store)
    assert refused.value.render("zh_CN") == "只有审核人员可以处理同步冲突。"
    asked: list[str] = []

    def transport(url, token, timeout=2.0):  # type: ignore[no-untyped-def]
        asked.append(url)
        raise AssertionError("a worker's decision must not reach the network")

    with pytest.raises(Refused):
        run_flow(store, resolve_flow("0191d3f0-0000-7000-8000-000000000000", "phone", FIRST, transport))
    assert asked == []
