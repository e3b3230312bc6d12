"""Locking: after idle time (default 10 minutes) or on Ctrl+L, every window hides behind a password.

Windows are hidden, not closed, so a half-filled form is exactly where it was after unlocking; nothing
of it is written anywhere meanwhile.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QSettings, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.store.unlock import verify_password
from ui.errors import message_for
from ui.ops import OpRunner

DEFAULT_IDLE_MINUTES = 10
ACTIVITY = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
}


def idle_minutes() -> int:
    return max(1, int(QSettings().value("security/idle_minutes", DEFAULT_IDLE_MINUTES)))


class IdleWatcher(QObject):
    """Fires ``idle`` after the configured minutes without a key press or mouse movement."""

    idle = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.idle)
        self.restart()
        QApplication.instance().installEventFilter(self)

    def restart(self) -> None:
        self.timer.start(idle_minutes() * 60_000)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in ACTIVITY:
            self.timer.start()
        return False


class LockScreen(QDialog):
    """Shown while locked; only the user's password opens it again."""

    def __init__(self, data_dir: Path, login: str, runner: OpRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data_dir, self.login, self.runner = data_dir, login, runner
        self.setWindowTitle(self.tr("RehabDesk is locked"))
        self.setModal(True)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName(self.tr("Password"))
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b3261e;")
        self.error.hide()
        buttons = QDialogButtonBox()
        self.unlock_button = buttons.addButton(self.tr("Unlock"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.unlock_button.setDefault(True)
        buttons.accepted.connect(self.submit)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Locked. Type the password of %1 to continue.").replace("%1", login)))
        layout.addWidget(self.password)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def reject(self) -> None:
        """Esc does not unlock."""

    def submit(self) -> None:
        password = self.password.text()
        self.unlock_button.setEnabled(False)
        self.runner.run_unattached(
            lambda: verify_password(self.data_dir, self.login, password),
            on_done=lambda _: self._unlocked(),
            on_error=self._failed,
            parent=self,
        )

    def _unlocked(self) -> None:
        self.password.clear()
        self.unlock_button.setEnabled(True)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self.unlock_button.setEnabled(True)
        self.password.selectAll()
        self.error.setText(message_for(error))
        self.error.show()
