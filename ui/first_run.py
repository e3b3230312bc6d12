"""First run: set up a new office (or the demo office) and show the recovery key once.

The key is the only way back in when every password is forgotten, so the wizard will not finish until
the user confirms they have printed or written it down.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QRegularExpression, Signal
from PySide6.QtGui import QFont, QRegularExpressionValidator, QTextDocument
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from app.crypto.suites import Suite
from app.errors import UserError
from app.maintenance.provision import Provisioning, load_provisioning, provision
from app.store.store import Store
from app.store.unlock import PASSWORDS_DIFFER, init_store, open_store
from ui.errors import message_for
from ui.ops import OpRunner


class FirstRunWizard(QWizard):
    """Emits ``ready(store)`` for a new office, or ``demo_ready()`` when the demo office was made."""

    ready = Signal(object)
    demo_ready = Signal()

    def __init__(self, data_dir: Path, runner: OpRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.data_dir, self.runner = data_dir, runner
        self.store: Store | None = None
        self.plan: Provisioning | None = None  # a provisioning file IT prepared, when one was chosen
        self.setWindowTitle(self.tr("Set up RehabDesk"))
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.choice = ChoicePage(self)
        self.office = OfficePage(self)
        self.admin = AdminPage(self)
        self.recovery = RecoveryPage(self)
        for page in (self.choice, self.office, self.admin, self.recovery):
            self.addPage(page)
        self.setMinimumSize(640, 460)

    def accept(self) -> None:
        if self.store is not None:
            self.ready.emit(self.store)
        super().accept()


class ChoicePage(QWizardPage):
    def __init__(self, wizard: FirstRunWizard) -> None:
        super().__init__()
        self.wizard_ = wizard
        self.setTitle(self.tr("Welcome"))
        self.setSubTitle(self.tr("No office is set up on this computer yet."))
        self.new_office = QRadioButton(self.tr("Set up a &new office"))
        self.provisioned = QRadioButton(self.tr("Set up from a &provisioning file prepared by IT staff…"))
        self.demo = QRadioButton(self.tr("Open a &demo office with synthetic data, to try RehabDesk"))
        self.new_office.setChecked(True)
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.new_office)
        layout.addWidget(self.provisioned)
        layout.addWidget(self.demo)
        layout.addWidget(self.status)
        self._demo_done = False

    def validatePage(self) -> bool:
        if self.new_office.isChecked():
            self.wizard_.plan = None
            self.wizard_.office.set_plan(None)
            return True
        if self.provisioned.isChecked():
            return self._choose_provisioning_file()
        if self._demo_done:
            return True
        from app.demo.load import create_demo_office

        self.setEnabled(False)
        self.status.setText(self.tr("Making the demo office…"))
        self.wizard_.runner.run_unattached(
            lambda: create_demo_office(self.wizard_.data_dir),
            on_done=self._demo_made,
            on_error=self._demo_failed,
            parent=self,
            label=self.tr("Making the demo office…"),
        )
        return False

    def _choose_provisioning_file(self) -> bool:
        if self.wizard_.plan is not None:
            return True
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Provisioning file"), "", self.tr("Provisioning files (*.toml *.json)")
        )
        if not path:
            return False
        self.setEnabled(False)
        self.wizard_.runner.run_unattached(
            lambda: load_provisioning(Path(path), need_password=False),
            on_done=self._plan_loaded,
            on_error=self._plan_failed,
            parent=self,
        )
        return False

    def _plan_loaded(self, plan: Provisioning) -> None:
        self.setEnabled(True)
        self.wizard_.plan = plan
        self.wizard_.office.set_plan(plan)
        self.wizard_.admin.set_plan(plan)
        self.status.setText(
            self.tr("Provisioning file read: %1").replace("%1", f"{plan.office_code} {plan.office_name}")
        )
        self.wizard_.next()

    def _plan_failed(self, error: BaseException) -> None:
        self.setEnabled(True)
        problems = getattr(error, "problems", [])  # a broken file lists every problem with its key
        self.status.setText("\n".join([message_for(error), *(p.render() for p in problems)]))

    def _demo_made(self, _summary: object) -> None:
        self._demo_done = True
        self.wizard_.demo_ready.emit()
        self.wizard_.done(QWizard.DialogCode.Accepted)

    def _demo_failed(self, error: BaseException) -> None:
        self.setEnabled(True)
        self.status.setText(message_for(error))


class OfficePage(QWizardPage):
    def __init__(self, wizard: FirstRunWizard) -> None:
        super().__init__()
        self.setTitle(self.tr("The office"))
        self.setSubTitle(
            self.tr(
                "The 6-digit division code of the county and the 3-digit code of the township, e.g. 640104001."
            )
        )
        self.code = QLineEdit()
        self.code.setValidator(QRegularExpressionValidator(QRegularExpression(r"\d{0,9}")))
        self.code.setAccessibleName(self.tr("Office code"))
        self.name = QLineEdit()
        self.name.setAccessibleName(self.tr("Township name"))
        self.suite = QComboBox()
        self.suite.addItem(self.tr("AES-256-GCM (default)"), Suite.AES)
        self.suite.addItem(self.tr("SM4-GCM with SM3 (national algorithms)"), Suite.SM4)
        self.suite.setAccessibleName(self.tr("Cipher suite"))
        form = QFormLayout(self)
        form.addRow(self.tr("Office &code"), self.code)
        form.addRow(self.tr("Township &name"), self.name)
        form.addRow(self.tr("Cipher &suite"), self.suite)
        self.registerField("code*", self.code)
        self.registerField("name*", self.name)

    def isComplete(self) -> bool:
        return len(self.code.text()) == 9 and bool(self.name.text().strip())

    def set_plan(self, plan: Provisioning | None) -> None:
        """Show what the provisioning file fixes; it cannot be changed here."""
        if plan is not None:
            self.code.setText(plan.office_code)
            self.name.setText(plan.office_name)
            self.suite.setCurrentIndex(self.suite.findData(plan.suite))
        for widget in (self.code, self.name, self.suite):
            widget.setEnabled(plan is None)


class AdminPage(QWizardPage):
    def __init__(self, wizard: FirstRunWizard) -> None:
        super().__init__()
        self.wizard_ = wizard
        self.setTitle(self.tr("The administrator"))
        self.setSubTitle(self.tr("The administrator adds the workers and supervisors after setup."))
        self.login = QLineEdit("admin")
        self.login.setAccessibleName(self.tr("Administrator user name"))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName(self.tr("Password"))
        self.again = QLineEdit()
        self.again.setEchoMode(QLineEdit.EchoMode.Password)
        self.again.setAccessibleName(self.tr("Password again"))
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b3261e;")
        form = QFormLayout(self)
        form.addRow(self.tr("&User name"), self.login)
        form.addRow(self.tr("&Password"), self.password)
        form.addRow(self.tr("Password &again"), self.again)
        form.addRow(self.error)
        self._created = False

    def set_plan(self, plan: Provisioning) -> None:
        self.login.setText(plan.admin_login)
        self.login.setEnabled(False)
        if plan.admin_password:  # the file carries it: nothing to type
            for field in (self.password, self.again):
                field.setText(plan.admin_password)
                field.setEnabled(False)

    def validatePage(self) -> bool:
        if self._created:
            return True
        if self.password.text() != self.again.text():
            self.error.setText(message_for(UserError(PASSWORDS_DIFFER())))
            return False
        office = self.wizard_.office
        code, name, suite = office.code.text(), office.name.text().strip(), office.suite.currentData()
        login, password = self.login.text().strip(), self.password.text()
        self.setEnabled(False)
        self.wizard_.runner.run_unattached(
            lambda: init_store(
                self.wizard_.data_dir,
                office_code=code,
                office_name=name,
                admin_login=login,
                admin_password=password,
                suite=suite,
            ),
            on_done=self._created_store,
            on_error=self._failed,
            parent=self,
            label=self.tr("Setting up the office…"),
        )
        return False

    def _created_store(self, result: tuple[Store, str]) -> None:
        self.wizard_.store, key = result
        self.wizard_.recovery.show_key(key)
        self._created = True
        self.setEnabled(True)
        self.wizard_.next()

    def _failed(self, error: BaseException) -> None:
        self.setEnabled(True)
        self.error.setText(message_for(error))


def _provision(root: Path, plan: Provisioning, password: str) -> tuple[Store, str]:
    """Set up the office the file describes (policy, sync server and code included), then log in."""
    done = provision(root, plan, password=password)
    return open_store(root, plan.admin_login, plan.admin_password or password), done.recovery_key


class RecoveryPage(QWizardPage):
    def __init__(self, wizard: FirstRunWizard) -> None:
        super().__init__()
        self.setTitle(self.tr("The recovery key"))
        self.setSubTitle(
            self.tr(
                "This key is shown only now. Print it or write it down and keep it in the office safe: "
                "it is the only way back in if every password is forgotten."
            )
        )
        self.key = QLabel()
        font = QFont("monospace")
        font.setPointSize(16)
        font.setBold(True)
        self.key.setFont(font)
        self.key.setAccessibleName(self.tr("Recovery key"))
        self.stored = QCheckBox(
            self.tr("I have printed or written down the recovery key and stored it safely")
        )
        self.stored.toggled.connect(self.completeChanged)
        print_button = QPushButton(self.tr("&Print…"))
        print_button.clicked.connect(self.print_key)
        layout = QVBoxLayout(self)
        layout.addWidget(self.key)
        layout.addWidget(print_button)
        layout.addWidget(self.stored)

    def show_key(self, key: str) -> None:
        self.key.setText(key)

    def isComplete(self) -> bool:
        return self.stored.isChecked()

    def print_key(self) -> None:
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter()
        if QPrintDialog(printer, self).exec():
            document = QTextDocument()
            heading = self.tr("RehabDesk recovery key")
            document.setHtml(f"<h2>{heading}</h2><p style='font-size:18pt'>{self.key.text()}</p>")
            document.print_(printer)
