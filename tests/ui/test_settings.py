"""Settings: copying diagnostics for a support request puts no personal data on the clipboard."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication

from app.services import persons
from ui.pages.settings import SettingsPage


class Nav:
    def open_person(self, person_id, action=None):  # type: ignore[no-untyped-def]
        pass

    def show_page(self, key):  # type: ignore[no-untyped-def]
        pass


def test_copy_diagnostics_puts_a_report_without_personal_data_on_the_clipboard(qtbot, ui_ctx):
    page = SettingsPage(ui_ctx, Nav())
    qtbot.addWidget(page)
    page.show()
    names: list[list[str]] = []
    ui_ctx.runner.run(
        lambda store: (
            [p.name for p in persons.summaries(store)] + [p.id_number for p in persons.summaries(store)]
        ),
        on_done=names.append,
    )
    qtbot.waitUntil(lambda: bool(names), timeout=30_000)
    QGuiApplication.clipboard().clear()
    page.copy_diagnostics.click()
    qtbot.waitUntil(lambda: bool(page.diagnostics_result.text()), timeout=60_000)
    copied = QGuiApplication.clipboard().text()
    assert "rehabdesk" in copied.lower() or "RehabDesk" in copied
    assert len(copied) > 200
    assert not [value for value in names[0] if value and value in copied]
