"""The window opens, navigates, and locks and unlocks around a half-filled form."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit

from app.demo.office import WORKER_PASSWORD
from ui.main_window import MainWindow


def test_the_window_shows_the_pages_a_worker_may_use(qtbot, ui_ctx):
    window = MainWindow(ui_ctx)
    qtbot.addWidget(window)
    window.show()
    keys = [window.nav.item(i).data(0x0100) for i in range(window.nav.count())]
    assert keys == ["today", "people", "indicators", "sync", "settings"]  # no Review for a worker
    qtbot.waitUntil(
        lambda: "wait to sync" in window.sync_label.text() or "待同步" in window.sync_label.text()
    )


def test_a_supervisor_sees_review(qtbot, supervisor_ctx):
    window = MainWindow(supervisor_ctx)
    qtbot.addWidget(window)
    keys = [window.nav.item(i).data(0x0100) for i in range(window.nav.count())]
    assert "review" in keys


def index_loaded(qtbot, ctx) -> bool:
    """Asked on the database thread, after every op queued before it (the window's first ones)."""
    box: list[bool] = []
    ctx.runner.run(lambda store: store.index.loaded, on_done=box.append)
    qtbot.waitUntil(lambda: bool(box))
    return box[0]


def test_a_worker_window_fills_the_search_index_after_its_first_page(qtbot, ui_ctx):
    assert not index_loaded(qtbot, ui_ctx)  # the unlock opened no name
    window = MainWindow(ui_ctx)
    qtbot.addWidget(window)
    assert index_loaded(qtbot, ui_ctx)  # ready before the first search can be typed


def test_the_administrators_window_never_opens_the_names(qtbot, admin_ctx):
    window = MainWindow(admin_ctx)
    qtbot.addWidget(window)
    window.show()
    assert not index_loaded(qtbot, admin_ctx)


def test_lock_hides_everything_and_the_password_brings_it_back(qtbot, ui_ctx):
    window = MainWindow(ui_ctx)
    qtbot.addWidget(window)
    window.show()
    typed = QLineEdit()
    typed.setText("half-typed visit notes")
    typed.show()
    qtbot.addWidget(typed)
    window.lock()
    assert not window.isVisible() and not typed.isVisible()
    screen = window.lock_screen
    assert screen is not None and screen.isVisible()
    screen.password.setText("wrong-password")
    screen.submit()
    qtbot.waitUntil(lambda: screen.error.isVisible(), timeout=10_000)
    assert not window.isVisible()
    screen.password.setText(WORKER_PASSWORD)
    with qtbot.waitSignal(window.unlocked, timeout=10_000):
        screen.submit()
    assert window.isVisible() and typed.isVisible() and typed.text() == "half-typed visit notes"
