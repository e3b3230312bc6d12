"""Today lists what is due for the worker, and a line opens the person's file with the right form."""

from __future__ import annotations

from app.rules.tasks import TaskKind
from ui.pages.today import TodayPage


class RecordingNav:
    def __init__(self) -> None:
        self.opened: list[tuple[object, str | None]] = []

    def open_person(self, person_id, action=None):  # type: ignore[no-untyped-def]
        self.opened.append((person_id, action))

    def show_page(self, key):  # type: ignore[no-untyped-def]
        pass


def test_today_lists_tasks_overdue_first_and_opens_the_matching_form(qtbot, ui_ctx):
    nav = RecordingNav()
    page = TodayPage(ui_ctx, nav)
    qtbot.addWidget(page)
    page.show()
    page.activate()
    qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=20_000)
    items = page.model.items
    overdue = [i.overdue for i in items]
    assert overdue == sorted(overdue, reverse=True)  # every overdue item before the rest
    assert "overdue" in page.summary.text() or "逾期" in page.summary.text()
    row = next(n for n, i in enumerate(items) if i.kind in (TaskKind.TEST, TaskKind.VISIT))
    page.view.activated.emit(page.model.index(row, 0))
    person, action = nav.opened[-1]
    assert person == items[row].person_id
    assert action == {TaskKind.TEST: "test", TaskKind.VISIT: "visit"}[items[row].kind]


def test_a_worker_sees_only_their_caseload_unless_they_ask_for_the_office(qtbot, ui_ctx):
    page = TodayPage(ui_ctx, RecordingNav())
    qtbot.addWidget(page)
    page.show()
    page.activate()
    qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=20_000)
    mine = {i.person_id for i in page.model.items}
    page.whole_office.setChecked(True)
    qtbot.waitUntil(lambda: {i.person_id for i in page.model.items} > mine, timeout=20_000)
