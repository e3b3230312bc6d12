"""Settings: language, the idle lock, one's own password, and what this installation is."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
)

from app import __version__
from app.errors import UserError
from app.maintenance.diagnostics import support_text
from app.services import users
from app.store.unlock import PASSWORDS_DIFFER
from models.enums import Role
from ui import i18n
from ui.errors import message_for
from ui.lock import idle_minutes
from ui.pages.base import Page


class SettingsPage(Page):
    key = "settings"

    def __init__(self, ctx, nav) -> None:  # type: ignore[no-untyped-def]
        super().__init__(ctx, nav)
        layout = QVBoxLayout(self)

        general = QGroupBox(self.tr("Display and security"))
        form = QFormLayout(general)
        self.language = QComboBox()
        self.language.setAccessibleName(self.tr("Language"))
        for code, name in i18n.LANGUAGES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(self.language.findData(i18n.chosen_language()))
        self.language.currentIndexChanged.connect(self._language_chosen)
        self.language_note = QLabel()
        self.idle = QSpinBox()
        self.idle.setRange(1, 120)
        self.idle.setSuffix(self.tr(" min"))
        self.idle.setValue(idle_minutes())
        self.idle.setAccessibleName(self.tr("Lock after idle minutes"))
        self.idle.valueChanged.connect(lambda v: QSettings().setValue("security/idle_minutes", v))
        form.addRow(self.tr("&Language"), self.language)
        form.addRow("", self.language_note)
        form.addRow(self.tr("Lock after &idle"), self.idle)

        password = QGroupBox(self.tr("My password"))
        pform = QFormLayout(password)
        self.new_password = QLineEdit()
        self.new_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.new_password.setAccessibleName(self.tr("New password"))
        self.again = QLineEdit()
        self.again.setEchoMode(QLineEdit.EchoMode.Password)
        self.again.setAccessibleName(self.tr("New password again"))
        self.change = QPushButton(self.tr("Change password"))
        self.change.clicked.connect(self._change_password)
        self.password_result = QLabel()
        self.password_result.setWordWrap(True)
        pform.addRow(self.tr("&New password"), self.new_password)
        pform.addRow(self.tr("New password &again"), self.again)
        pform.addRow("", self.change)
        pform.addRow("", self.password_result)

        about = QGroupBox(self.tr("About this installation"))
        aform = QFormLayout(about)
        aform.addRow(self.tr("Version"), QLabel(__version__))
        aform.addRow(self.tr("Office"), QLabel(ctx.office_name))
        aform.addRow(self.tr("Data folder"), QLabel(str(ctx.data_dir)))
        self.copy_diagnostics = QPushButton(self.tr("Copy diagnostics"))
        self.copy_diagnostics.setToolTip(
            self.tr(
                "Versions, checks and recent log lines, without personal data, to paste into a support request"
            )
        )
        self.copy_diagnostics.clicked.connect(self._copy_diagnostics)
        self.diagnostics_result = QLabel()
        aform.addRow("", self.copy_diagnostics)
        aform.addRow("", self.diagnostics_result)

        if ctx.actor.role is Role.ADMIN:
            # Why the administrator's window has no Today, People or Review: said once, where they look.
            note = QLabel(
                self.tr(
                    "This administrator account manages users, settings, backups, devices and the audit; by "
                    "privacy default it does not open people's files. To work on files, log in as a worker or "
                    "a supervisor."
                )
            )
            note.setWordWrap(True)
            layout.addWidget(note)
        for box in (general, password, about):
            layout.addWidget(box)
        layout.addStretch(1)

    def title(self) -> str:
        return self.tr("Settings")

    def _copy_diagnostics(self) -> None:
        root = self.ctx.data_dir
        self.ctx.runner.run_unattached(lambda: support_text(root), on_done=self._copied, parent=self)

    def _copied(self, text: str) -> None:
        QGuiApplication.clipboard().setText(text)
        self.diagnostics_result.setText(self.tr("Copied. Paste it into your message to IT staff."))

    def _language_chosen(self) -> None:
        QSettings().setValue("ui/language", self.language.currentData())
        self.language_note.setText(self.tr("The new language applies when RehabDesk starts next time."))

    def _change_password(self) -> None:
        new, again = self.new_password.text(), self.again.text()
        if new != again:
            self.password_result.setText(message_for(UserError(PASSWORDS_DIFFER())))
            return
        login = self.ctx.actor.login
        self.change.setEnabled(False)
        self.ctx.runner.run(
            lambda store: users.set_password(store, login, new),
            on_done=lambda _: self._changed(),
            on_error=self._failed,
            parent=self,
            label=self.tr("Changing the password…"),
        )

    def _changed(self) -> None:
        self.change.setEnabled(True)
        self.new_password.clear()
        self.again.clear()
        self.password_result.setText(self.tr("Your password was changed."))

    def _failed(self, error: BaseException) -> None:
        self.change.setEnabled(True)
        self.password_result.setText(message_for(error))
