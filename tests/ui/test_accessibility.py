"""Every input a user reaches has an accessible name (screen readers read it), on every page and form."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from ui.main_window import MainWindow

INPUTS = (QLineEdit, QComboBox, QAbstractSpinBox, QAbstractItemView, QTextEdit, QPlainTextEdit)


def unnamed(top: QWidget) -> list[str]:
    found = []
    for widget in top.findChildren(QWidget):
        if not isinstance(widget, INPUTS) or isinstance(widget, QHeaderView) or not widget.isVisibleTo(top):
            continue
        if isinstance(widget, QLineEdit) and isinstance(widget.parent(), (QComboBox, QAbstractSpinBox)):
            continue  # the editor inside a combo box or spin box: the outer widget carries the name
        if not widget.accessibleName().strip():
            found.append(f"{type(top).__name__}: {type(widget).__name__} {widget.objectName()!r}")
    return found


def test_pages_and_forms_name_every_input(qtbot, ui_ctx):
    window = MainWindow(ui_ctx)
    qtbot.addWidget(window)
    window.show()
    problems = []
    for key in ("today", "people", "indicators", "sync", "settings"):
        window.show_page(key)
        qtbot.waitUntil(lambda: ui_ctx.runner.idle, timeout=60_000)
        problems += unnamed(window.pages[key])
    people = window.pages["people"]
    qtbot.waitUntil(lambda: people.model.rowCount() > 0, timeout=60_000)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: people.model.summary(0) is not None, timeout=60_000)  # type: ignore[attr-defined]
    window.open_person(people.model.summary(0).id)  # type: ignore[attr-defined]
    page = window.pages["person"]
    qtbot.waitUntil(lambda: getattr(page, "file", None) is not None, timeout=60_000)
    problems += unnamed(page)
    for action in ("visit", "test", "assistance", "leave", "violation", "status"):
        form = page.start(action)  # type: ignore[attr-defined]
        assert form is not None
        qtbot.waitUntil(lambda f=form: f.isVisible(), timeout=5_000)
        problems += unnamed(form)
        form.reject()
        qtbot.waitUntil(lambda: page.active_form is None, timeout=5_000)  # type: ignore[attr-defined]
    register = people.register_person()  # type: ignore[attr-defined]
    problems += unnamed(register)
    register.reject()
    assert problems == [], "\n".join(problems)


def test_the_window_scales_on_a_high_dpi_screen(tmp_path):
    import os
    import subprocess
    import sys

    script = (
        "from ui.app import make_application\n"
        "from PySide6.QtWidgets import QLabel\n"
        "app = make_application()\n"
        "label = QLabel('社区戒毒康复工作台'); label.show()\n"
        "image = label.grab()\n"
        "print(image.devicePixelRatio(), image.width() / label.width())\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QT_SCALE_FACTOR": "2"}
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60
    )
    assert result.returncode == 0, result.stderr
    ratio, pixels_per_point = (float(x) for x in result.stdout.split())
    assert ratio == 2.0 and pixels_per_point == 2.0  # drawn at twice the pixels, not stretched
