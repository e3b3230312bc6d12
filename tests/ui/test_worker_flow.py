"""The path a new worker follows, end to end in real windows offscreen:

first run → the demo office → log in (a wrong password first) → find a person by pinyin initials →
record a visit and a drug test → both in the timeline, Today updated → lock → unlock → an unfinished
form is still there. No database statement runs on the GUI thread along the way.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt

from app.demo.office import WORKER_LOGINS, WORKER_PASSWORD
from app.rules.tasks import TaskKind
from app.search import make_entry
from models.enums import FactKind
from tests.ui.conftest import watch_gui_thread
from ui.app import Desktop
from ui.first_run import FirstRunWizard
from ui.login import LoginDialog

WAIT = 60_000


def test_a_new_worker_from_first_run_to_a_recorded_visit_and_test(qtbot, tmp_path):
    desktop = Desktop(tmp_path / "office")
    offenders: list[str] = []
    open_window = desktop.open_window

    def watched_open(store):  # type: ignore[no-untyped-def]
        offenders.append(watch_gui_thread(store))  # type: ignore[arg-type]
        open_window(store)

    desktop.open_window = watched_open  # type: ignore[method-assign]
    desktop.start()

    # First run: no office here yet, so the wizard offers the demo office.
    wizard = desktop.dialog
    assert isinstance(wizard, FirstRunWizard)
    qtbot.addWidget(wizard)
    wizard.choice.demo.setChecked(True)
    wizard.next()
    qtbot.waitUntil(lambda: isinstance(desktop.dialog, LoginDialog), timeout=WAIT)

    # Log in: a wrong password first, said beside the field, then the right one.
    login = desktop.dialog
    qtbot.addWidget(login)
    login.user.setCurrentText(WORKER_LOGINS[0])
    login.password.setText("not-my-password")
    login.submit()
    qtbot.waitUntil(lambda: login.error.isVisible(), timeout=WAIT)
    assert "密码不正确" in login.error.text() or "password" in login.error.text()
    assert desktop.window is None
    login.password.setText(WORKER_PASSWORD)
    login.submit()
    qtbot.waitUntil(lambda: desktop.window is not None, timeout=WAIT)
    window = desktop.window
    qtbot.addWidget(window)
    # The day's automatic backup is made in the background once someone is in.
    backups = tmp_path / "office" / "backups"
    qtbot.waitUntil(lambda: backups.exists() and any(backups.glob("*.rdbak")), timeout=WAIT)

    # Today: someone in the worker's caseload is due a visit now.
    today = window.pages["today"]
    qtbot.waitUntil(lambda: today.model.rowCount() > 0, timeout=WAIT)

    def visit_due(items):  # type: ignore[no-untyped-def]
        return {
            i.person_id
            for i in items
            if i.kind is TaskKind.VISIT and not i.overdue and i.opens <= date.today() <= i.due
        }

    due = visit_due(today.model.items)
    assert due, "the demo office should have visits due today"

    # People: find that person by the initials of their name.
    window.show_page("people")
    people = window.pages["people"]
    qtbot.waitUntil(lambda: people.model.rowCount() > 50, timeout=WAIT)
    target = next(i for i in today.model.items if i.person_id in due)
    initials = make_entry(target.person_id, target.name, [], "").initials[0]
    qtbot.keyClicks(people.search, initials)
    qtbot.waitUntil(
        lambda: target.person_id in people.model.ids() and people.model.rowCount() < 120, timeout=WAIT
    )
    people.open_row(people.model.row_of(target.person_id))

    # The person's file: record a visit, then a drug test, each with Enter.
    page = window.pages["person"]
    qtbot.waitUntil(
        lambda: getattr(page, "file", None) is not None and page.file.id == target.person_id, timeout=WAIT
    )
    before = page.timeline_model.rowCount()
    visit = page.start("visit")
    visit.summary.setPlainText("本人在家，情况稳定")
    qtbot.keyClick(visit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.timeline_model.rowCount() == before + 1, timeout=WAIT)
    test = page.start("test")
    qtbot.keyClick(test, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.timeline_model.rowCount() == before + 2, timeout=WAIT)
    newest = {page.timeline_model.history(page.timeline_model.index(r, 0)).current.kind for r in range(2)}
    assert newest == {FactKind.VISIT, FactKind.DRUG_TEST}
    assert all(
        page.timeline_model.history(page.timeline_model.index(r, 0)).current.occurred_on == date.today()
        for r in range(2)
    )

    # Today follows: the visit due for this person is done.
    window.show_page("today")
    qtbot.waitUntil(lambda: target.person_id not in visit_due(today.model.items), timeout=WAIT)
    assert visit_due(today.model.items) == due - {target.person_id}

    # An unfinished form survives a lock.
    window.open_person(target.person_id)
    unfinished = page.start("visit")
    unfinished.summary.setPlainText("写到一半的走访记录")
    window.lock()
    assert not unfinished.isVisible() and not window.isVisible()
    screen = window.lock_screen
    screen.password.setText(WORKER_PASSWORD)
    with qtbot.waitSignal(window.unlocked, timeout=WAIT):
        screen.submit()
    assert unfinished.isVisible() and unfinished.summary.toPlainText() == "写到一半的走访记录"
    unfinished.reject()

    desktop.stop()
    assert offenders and offenders[0] == [], "database calls ran on the GUI thread"


def test_first_run_from_a_provisioning_file(qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    plan = tmp_path / "office.toml"
    plan.write_text(
        '[office]\ncode = "640105002"\nname = "新华街道"\nsuite = "sm4"\n\n[admin]\nlogin = "itadmin"\n\n'
        '[sync]\nserver_url = "https://sync.example.invalid"\nenrol_code = "ABCDE-FGHJK"\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(plan), ""))
    desktop = Desktop(tmp_path / "office")
    desktop.start()
    wizard = desktop.dialog
    qtbot.addWidget(wizard)
    wizard.choice.provisioned.setChecked(True)
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.office, timeout=WAIT)
    assert wizard.office.code.text() == "640105002" and not wizard.office.code.isEnabled()
    wizard.next()
    assert wizard.admin.login.text() == "itadmin"
    wizard.admin.password.setText("provisioned-pass-1")
    wizard.admin.again.setText("provisioned-pass-1")
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.recovery, timeout=WAIT)
    assert len(wizard.recovery.key.text().split("-")) == 8
    wizard.recovery.stored.setChecked(True)
    wizard.accept()
    qtbot.waitUntil(lambda: desktop.window is not None, timeout=WAIT)
    assert desktop.window.ctx.office_name == "新华街道"
    desktop.stop()
