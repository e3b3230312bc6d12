"""The first unlock after the app was updated backs the database up and upgrades it, which takes minutes
for a large office: the login says so, instead of only "Unlocking…"."""

from __future__ import annotations

import shutil
import time

from PySide6.QtWidgets import QProgressDialog

from app.store import unlock
from tests.maintenance.helpers import FIXTURE_0001, FIXTURE_WORKER, FIXTURE_WORKER_PW
from ui import login as login_dialog
from ui.errors import show_error
from ui.login import LoginDialog
from ui.ops import OpRunner


def test_the_first_unlock_after_an_update_says_it_backs_up_and_upgrades(qapp, qtbot, tmp_path, monkeypatch):
    root = tmp_path / "office-0001"
    shutil.copytree(FIXTURE_0001, root)  # a store an older version of the app wrote
    assert unlock.upgrade_due(root)

    def slow_open(*args, **kwargs):  # as slow as a large office's upgrade: the progress dialog shows
        time.sleep(1.5)
        return unlock.open_store(*args, **kwargs)

    monkeypatch.setattr(login_dialog, "open_store", slow_open)
    runner = OpRunner(show_error)
    dialog = LoginDialog(root, runner, "测试街道")
    qtbot.addWidget(dialog)
    opened = []
    dialog.unlocked.connect(opened.append)
    dialog.user.setCurrentText(FIXTURE_WORKER)
    dialog.password.setText(FIXTURE_WORKER_PW)
    dialog.submit()

    def shown() -> list[str]:
        return [d.labelText() for d in dialog.findChildren(QProgressDialog) if d.isVisible()]

    qtbot.waitUntil(lambda: any("upgrading" in text for text in shown()), timeout=10_000)
    qtbot.waitUntil(lambda: bool(opened), timeout=30_000)
    opened[0].close()
    runner.shutdown()
    assert not unlock.upgrade_due(root)  # upgraded: the next unlock is an ordinary one


def test_an_ordinary_unlock_is_not_announced_as_an_upgrade(tmp_path, store_dir):
    assert not unlock.upgrade_due(store_dir)
    assert not unlock.upgrade_due(tmp_path / "no-office-here")
    damaged = tmp_path / "damaged"
    shutil.copytree(store_dir, damaged)
    (damaged / "rehabdesk.db").write_bytes(b"not a database")
    assert not unlock.upgrade_due(damaged)  # the unlock itself says what is wrong
