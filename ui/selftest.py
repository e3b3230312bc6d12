"""The window check of ``rehabdesk selftest``: Qt starts, draws a page offscreen, and has its fonts."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from ui.app import make_application


def selftest_window() -> str:
    app = make_application()
    label = QLabel("社区戒毒康复工作台")
    label.show()
    image = label.grab()
    label.close()
    assert not image.isNull() and image.width() > 50
    return f"Qt {app.applicationVersion() or ''} {app.platformName()}".replace("  ", " ")
