"""Today lists what is due for the worker, and a line opens the person's file with the right form; a
record a supervisor returned waits there until the worker corrects it."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.demo.office import SUPERVISOR_LOGIN, SUPERVISOR_PASSWORD, WORKER_LOGINS
from app.rules.tasks import TaskKind
from app.services import reviews, users
from app.store.unlock import open_store
from models.enums import FactKind, ReviewState
from tests.ui.conftest import DEMO_TODAY
from ui.forms.visit_form import VisitForm
from ui.main_window import MainWindow
from ui.pages.person_file import PersonFilePage
from ui.pages.today import TodayPage

WAIT = 20_000


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


def test_a_returned_record_waits_on_today_opens_its_correction_and_goes_back_to_review(
    qtbot, ui_ctx, demo_dir
):
    supervisor = open_store(demo_dir, SUPERVISOR_LOGIN, SUPERVISOR_PASSWORD, today=lambda: DEMO_TODAY)
    me, colleague = (users.find(supervisor, login).id for login in WORKER_LOGINS)
    for waiting in reviews.pending(supervisor, returned_only=True):  # the demo's own: start from none
        reviews.sign_off(supervisor, waiting.kind, waiting.version_id)
    mine = reviews.pending(supervisor, (FactKind.VISIT,), recorded_by=me)[-1]
    theirs = reviews.pending(supervisor, (FactKind.VISIT,), recorded_by=colleague)[-1]
    reviews.return_for_correction(supervisor, FactKind.VISIT, mine.version_id, "请补充本次走访发现的情况")
    reviews.return_for_correction(supervisor, FactKind.VISIT, theirs.version_id, "请核实走访日期")

    window = MainWindow(ui_ctx)
    qtbot.addWidget(window)
    window.resize(1280, 720)
    window.show()
    today = window.pages["today"]
    assert isinstance(today, TodayPage)
    qtbot.waitUntil(lambda: today.returned.rowCount() == 1, timeout=WAIT)
    # Only the worker's own returned record, with what the supervisor said, who and the record's date.
    table = today.returned
    assert today.returned_heading.isVisible() and table.isVisible()
    assert "(1)" in today.returned_heading.text()
    cells = [table.item(0, c).text() for c in range(table.columnCount())]
    assert cells[3] == "请补充本次走访发现的情况" and cells[4] == "刘军"
    assert mine.occurred_on.isoformat() in cells[2] and FactKind.VISIT.label.render() in cells[2]
    assert table.isColumnHidden(5)  # whose record it is goes without saying
    today.whole_office.setChecked(True)  # the whole office: the colleague's too, and whose each is
    qtbot.waitUntil(lambda: table.rowCount() == 2, timeout=WAIT)
    rows = {table.item(r, 3).text(): table.item(r, 5).text() for r in range(2)}
    assert rows == {"请补充本次走访发现的情况": "王丽", "请核实走访日期": "马慧"}
    assert not table.isColumnHidden(5)
    today.whole_office.setChecked(False)
    qtbot.waitUntil(lambda: table.rowCount() == 1, timeout=WAIT)

    # Opening it shows the file with the correction form of that very record, prefilled.
    person = window.pages["person"]
    assert isinstance(person, PersonFilePage)
    with qtbot.waitSignal(person.loaded, timeout=WAIT):
        table.activated.emit(table.model().index(0, 0))
    form = person.active_form
    assert isinstance(form, VisitForm) and form.isVisible()
    assert form.correcting is not None and form.correcting.fact_id == mine.fact_id
    assert person.timeline.current_history().current.fact_id == mine.fact_id
    form.summary.setText("已补充：入户见到本人，情绪稳定，已找到临时工作")
    qtbot.keyClick(form.summary, Qt.Key.Key_Return)
    reason = form.reason_dialog
    assert reason is not None and reason.isVisible()
    reason.reason_edit.setText("按审核意见补充")
    with qtbot.waitSignal(person.loaded, timeout=WAIT):
        qtbot.keyClick(reason.reason_edit, Qt.Key.Key_Return)

    # Corrected: it leaves Today, and the new version waits in the supervisor's queue.
    nav_today = window.nav.visualItemRect(window.nav.item(0)).center()
    qtbot.mouseClick(window.nav.viewport(), Qt.MouseButton.LeftButton, pos=nav_today)  # as the worker does
    assert window.stack.currentWidget() is today
    qtbot.waitUntil(lambda: table.rowCount() == 0, timeout=WAIT)
    assert not table.isVisible() and not today.returned_heading.isVisible()
    (queued,) = [r for r in reviews.pending(supervisor) if r.fact_id == mine.fact_id]
    assert (queued.version, queued.state) == (2, ReviewState.PENDING)
    assert [r.fact_id for r in reviews.pending(supervisor, returned_only=True)] == [theirs.fact_id]
    supervisor.close()
