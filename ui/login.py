"""Getting in: choose a user, type the password; or reset it with the recovery key.

Unlocking derives a key (a quarter to half a second by design), so it runs on the worker thread like
every other store call; the dialog stays responsive and says what went wrong under the field.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import UserError
from app.store.store import Store
from app.store.unlock import PASSWORDS_DIFFER, logins, open_store, reset_password_with_recovery, upgrade_due
from ui.errors import message_for
from ui.ops import OpRunner


class LoginDialog(QDialog):
    unlocked = Signal(object)  # the open Store

    def __init__(
        self, data_dir: Path, runner: OpRunner, office_name: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.data_dir = data_dir
        self.runner = runner
        self.setWindowTitle(self.tr("RehabDesk — log in"))
        self.setMinimumWidth(420)

        heading = self.tr("Community Drug Rehabilitation Desk")
        title = QLabel(f"<h2>{heading}</h2><p>{office_name}</p>")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.user = QComboBox()
        self.user.addItems(logins(data_dir))
        self.user.setAccessibleName(self.tr("User"))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName(self.tr("Password"))
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b3261e;")
        self.error.setAccessibleName(self.tr("Login error"))
        self.error.hide()

        form = QFormLayout()
        form.addRow(self.tr("&User"), self.user)
        form.addRow(self.tr("&Password"), self.password)
        buttons = QDialogButtonBox()
        self.login_button = buttons.addButton(self.tr("Log in"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.login_button.setDefault(True)
        forgot = QPushButton(self.tr("Forgot password…"))
        buttons.addButton(forgot, QDialogButtonBox.ButtonRole.ResetRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        forgot.clicked.connect(self.recover)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.password.setFocus()

    def submit(self) -> None:
        login, password = self.user.currentText(), self.password.text()
        self.login_button.setEnabled(False)
        self.error.hide()
        self.runner.run_unattached(
            lambda: upgrade_due(self.data_dir),
            on_done=lambda upgrading: self._unlock(login, password, upgrading),
            on_error=self._failed,
            parent=self,
        )

    def _unlock(self, login: str, password: str, upgrading: bool) -> None:
        label = (
            self.tr(
                "Unlocking, and backing up and upgrading the office's data for this version of RehabDesk. "
                "This happens once after an update; for a large office it takes a few minutes."
            )
            if upgrading
            else self.tr("Unlocking…")
        )
        self.runner.run_unattached(
            lambda: open_store(self.data_dir, login, password),
            on_done=self._opened,
            on_error=self._failed,
            parent=self,
            label=label,
        )

    def _opened(self, store: Store) -> None:
        self.password.clear()
        self.unlocked.emit(store)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self.login_button.setEnabled(True)
        self.password.selectAll()
        self.password.setFocus()
        self.error.setText(message_for(error))
        self.error.show()

    def recover(self) -> None:
        RecoveryDialog(self.data_dir, self.runner, self.user.currentText(), self).open()


class RecoveryDialog(QDialog):
    """Set a new password with the recovery key kept in the office safe."""

    def __init__(self, data_dir: Path, runner: OpRunner, login: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data_dir, self.runner = data_dir, runner
        self.setWindowTitle(self.tr("Reset a password with the recovery key"))
        self.user = QComboBox()
        self.user.addItems(logins(data_dir))
        self.user.setCurrentText(login)
        self.user.setAccessibleName(self.tr("User"))
        self.key = QLineEdit()
        self.key.setPlaceholderText("XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX")
        self.key.setAccessibleName(self.tr("Recovery key"))
        self.new = QLineEdit()
        self.new.setEchoMode(QLineEdit.EchoMode.Password)
        self.new.setAccessibleName(self.tr("New password"))
        self.again = QLineEdit()
        self.again.setEchoMode(QLineEdit.EchoMode.Password)
        self.again.setAccessibleName(self.tr("New password again"))
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b3261e;")
        self.error.hide()
        form = QFormLayout()
        form.addRow(self.tr("&User"), self.user)
        form.addRow(self.tr("&Recovery key"), self.key)
        form.addRow(self.tr("&New password"), self.new)
        form.addRow(self.tr("New password &again"), self.again)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                self.tr(
                    "The recovery key was shown once when the office was set up, to be kept in the office safe."
                )
            )
        )
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def submit(self) -> None:
        if self.new.text() != self.again.text():
            self._failed(UserError(PASSWORDS_DIFFER()))
            return
        login, key, new = self.user.currentText(), self.key.text(), self.new.text()
        self.runner.run_unattached(
            lambda: reset_password_with_recovery(self.data_dir, key, login, new),
            on_done=lambda _: self.accept(),
            on_error=self._failed,
            parent=self,
            label=self.tr("Resetting the password…"),
        )

    def _failed(self, error: BaseException) -> None:
        self.error.setText(message_for(error))
        self.error.show()
