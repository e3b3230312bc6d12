"""One error presenter: what happened and what to do, in the user's language, never a traceback.

Expected errors (UserError: a wrong password, an invalid ID number, a full disk) are shown as their
sentence. Anything else is a bug: it is logged by type and position (no personal data), and the user
sees a calm message. The excepthook catches what escapes a slot; ``--no-crash-dialog`` turns its
dialog off for automation (it still logs).
"""

from __future__ import annotations

import sys
from types import TracebackType

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from app.errors import UserError
from app.logs import describe_unexpected, log

_crash_dialog = True
last_shown: list[str] = []  # what the presenter said most recently (read by tests and shots)


def message_for(error: BaseException) -> str:
    if isinstance(error, UserError):
        return error.render()
    return QCoreApplication.translate(
        "Errors",
        "Something unexpected went wrong and the operation did not finish. Nothing was half-saved. "
        "The problem was written to the log without personal data; please tell IT staff.",
    )


def show_error(parent: QWidget | None, error: BaseException) -> None:
    if not isinstance(error, UserError):
        log.error("unexpected error: %s", describe_unexpected(error))
    text = message_for(error)
    last_shown.append(text)
    del last_shown[:-20]
    if not _crash_dialog and not isinstance(error, UserError):
        return
    box = QMessageBox(parent or QApplication.activeWindow())
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(QCoreApplication.translate("Errors", "RehabDesk"))
    box.setText(text)
    box.setAccessibleName(QCoreApplication.translate("Errors", "Error message"))
    box.open()


def install_excepthook(crash_dialog: bool = True) -> None:
    global _crash_dialog
    _crash_dialog = crash_dialog

    def hook(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, error, tb)
            return
        error.__traceback__ = tb
        show_error(None, error)

    sys.excepthook = hook
