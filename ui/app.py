"""Starting the desktop app: Qt, languages, the error presenter, then login (or first run) and the window."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import QApplication

from app.crypto.keyring import Keyring
from app.logs import setup_file_logging
from app.maintenance.backup import ensure_daily_backup, finish_interrupted_restore
from app.paths import DataDir
from app.store.store import Store
from ui import i18n
from ui.context import UiContext
from ui.errors import install_excepthook, show_error
from ui.first_run import FirstRunWizard
from ui.icons import app_icon
from ui.login import LoginDialog
from ui.main_window import MainWindow
from ui.ops import OpRunner


def make_application(argv: list[str] | None = None) -> QApplication:
    QCoreApplication.setOrganizationName("RehabDesk")
    QCoreApplication.setApplicationName("RehabDesk")
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    font = QFont()
    font.setFamilies(
        ["Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", "Source Han Sans SC", "sans-serif"]
    )
    font.setPointSize(10)
    app.setFont(font)
    app.setWindowIcon(app_icon())
    i18n.install(i18n.chosen_language())
    return app


class Desktop:
    """The running app: one op runner, and the window once someone is logged in."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.runner = OpRunner(show_error)
        self.window: MainWindow | None = None
        self.dialog: LoginDialog | FirstRunWizard | None = None

    def start(self) -> None:
        finish_interrupted_restore(self.data_dir)  # before deciding this is a first run
        if DataDir(self.data_dir).exists():
            self.show_login()
        else:
            wizard = FirstRunWizard(self.data_dir, self.runner)
            wizard.ready.connect(self.open_window)
            wizard.demo_ready.connect(self.show_login)
            self.dialog = wizard
            wizard.show()

    def show_login(self) -> None:
        setup_file_logging(DataDir(self.data_dir).logs)
        office_name = Keyring.load(DataDir(self.data_dir).keyring).office_name
        dialog = LoginDialog(self.data_dir, self.runner, office_name)
        dialog.unlocked.connect(self.open_window)
        self.dialog = dialog
        dialog.show()

    def open_window(self, store: Store) -> None:
        setup_file_logging(DataDir(self.data_dir).logs)
        assert store.actor is not None
        self.runner.attach(store)
        # The day's automatic backup opens its own connection, so it runs on the background pool and
        # neither the unlock nor the first page waits for it. It never raises.
        self.runner.run_network(lambda: ensure_daily_backup(self.data_dir))
        ctx = UiContext(self.runner, self.data_dir, store.actor, store.keyring.office_name, store.today)
        self.window = MainWindow(ctx)
        self.window.show()

    def stop(self) -> None:
        self.runner.shutdown()


def run(data_dir: Path, *, crash_dialog: bool = True) -> int:
    app = make_application()
    install_excepthook(crash_dialog)
    desktop = Desktop(data_dir)
    desktop.start()
    try:
        return app.exec()
    finally:
        desktop.stop()
