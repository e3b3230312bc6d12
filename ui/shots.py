"""``rehabdesk shots``: every main page and form of a demo office, rendered offscreen to PNG.

The README shows these pictures; they are made from synthetic data only.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QSettings
from PySide6.QtWidgets import QApplication, QWidget
from sqlalchemy import select

from app.clock import format_hlc, parse_hlc
from app.crypto.kdf import FAST
from app.demo.load import create_demo_office
from app.demo.office import SUPERVISOR_LOGIN, SUPERVISOR_PASSWORD, WORKER_LOGINS, WORKER_PASSWORD
from app.services import facts, persons
from app.store.store import Store
from app.store.unlock import open_store
from models import OutboxChange, SyncConflict
from ui import i18n
from ui.app import make_application
from ui.context import UiContext
from ui.errors import show_error
from ui.first_run import FirstRunWizard
from ui.login import LoginDialog
from ui.main_window import MainWindow
from ui.ops import OpRunner

SIZE = (1366, 740)  # a 1366×768 office screen, less the taskbar


def settle(runner: OpRunner | None, ms: int = 300) -> None:
    """Let queued ops finish and the window repaint."""
    app = QApplication.instance()
    deadline = time.monotonic() + 60
    quiet_since = time.monotonic()
    while time.monotonic() < deadline:
        app.processEvents()
        if runner is not None and not runner.idle:
            quiet_since = time.monotonic()
        if time.monotonic() - quiet_since > ms / 1000:
            return
        time.sleep(0.01)


def save(widget: QWidget, out: Path, name: str, runner: OpRunner | None) -> Path:
    settle(runner)
    path = out / f"{name}.png"
    widget.grab().save(str(path))
    return path


def take_shots(out: Path, lang: str = "zh_CN", persons_count: int = 120) -> list[Path]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    out.mkdir(parents=True, exist_ok=True)
    make_application()
    # After make_application, which names the real organisation: the shots never touch the user's settings.
    QCoreApplication.setOrganizationName("RehabDesk-shots")
    QSettings().setValue("ui/language", lang)
    i18n.install(lang)
    made: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="rehabdesk-shots-") as tmp:
        empty = Path(tmp) / "new"
        runner = OpRunner(show_error)
        wizard = FirstRunWizard(empty, runner)
        wizard.resize(720, 520)
        wizard.show()
        made.append(save(wizard, out, "first-run", runner))
        wizard.close()

        root = Path(tmp) / "demo"
        today = date.today()
        create_demo_office(root, persons=persons_count, seed=1, today=today, kdf=FAST)
        login = LoginDialog(root, runner, "胜利街道")
        login.show()
        made.append(save(login, out, "login", runner))
        login.close()

        made += _worker_shots(root, out, today)
        made += _supervisor_shots(root, out, today)
        runner.shutdown()
    return made


def _window(root: Path, login: str, password: str, today: date) -> tuple[MainWindow, OpRunner]:
    store = open_store(root, login, password, today=lambda: today)
    runner = OpRunner(show_error)
    runner.attach(store)
    assert store.actor is not None
    window = MainWindow(UiContext(runner, root, store.actor, store.keyring.office_name, lambda: today))
    window.resize(*SIZE)
    window.show()
    return window, runner


def _worker_shots(root: Path, out: Path, today: date) -> list[Path]:
    window, runner = _window(root, WORKER_LOGINS[0], WORKER_PASSWORD, today)
    made = []
    for key in ("today", "people", "indicators", "sync", "settings"):
        window.show_page(key)
        made.append(save(window, out, key, runner))
    indicators = window.pages["indicators"]
    window.show_page("indicators")
    indicators.tabs.setCurrentIndex(1)  # type: ignore[attr-defined]
    made.append(save(window, out, "charts", runner))
    indicators.tabs.setCurrentIndex(0)  # type: ignore[attr-defined]

    chosen: list[object] = []

    def busiest(store) -> object:  # type: ignore[no-untyped-def]
        people = persons.summaries(store)[:40]
        return max(people, key=lambda p: len(facts.history(store, p.id))).id

    runner.run(busiest, on_done=chosen.append)
    settle(runner)
    person_id = chosen[0]
    window.open_person(person_id)  # type: ignore[arg-type]
    made.append(save(window, out, "person", runner))
    page = window.pages["person"]
    for action in ("visit", "test", "assistance", "leave", "status"):
        form = page.start(action)  # type: ignore[attr-defined]
        if form is not None:
            form.show()
            made.append(save(form, out, f"form-{action}", runner))
            form.reject()
            settle(runner)
    people = window.pages["people"]
    if hasattr(people, "register_person"):
        window.show_page("people")
        form = people.register_person()
        made.append(save(form, out, "form-person", runner))
        form.reject()
    window.close()
    runner.shutdown()
    return made


def _supervisor_shots(root: Path, out: Path, today: date) -> list[Path]:
    window, runner = _window(root, SUPERVISOR_LOGIN, SUPERVISOR_PASSWORD, today)
    runner.run(_stage_conflict)  # the demo office is not enrolled: no conflict ever reaches it by itself
    settle(runner)
    made = []
    for key in ("review", "conflicts", "audit"):
        window.show_page(key)
        made.append(save(window, out, key, runner))
    window.close()
    runner.shutdown()
    return made


def _stage_conflict(store: Store) -> None:
    """A conflict as a pull would leave it: the supervisor changed a phone here while another computer of
    the office changed it too. Synthetic, like the rest of the demo (phones in the 170-0000 range)."""
    person = persons.summaries(store)[3]
    persons.update_profile(store, person.id, phone="17000000123")
    with store.write() as tx:
        here = tx.session.scalars(
            select(OutboxChange.hlc)
            .where(OutboxChange.entity_id == person.id)
            .order_by(OutboxChange.seq.desc())
        ).first()
        ms, _counter, _device = parse_hlc(here)
        elsewhere = format_hlc(ms - 3 * 3600 * 1000, 0, "7c1e9a40d2b34f51")
        conflict_id = "0193a1c2-5d7e-7f00-8a1b-2c3d4e5f6a7b"
        detail = {
            "conflict_id": conflict_id,
            "field": "phone",
            "values": [
                {"value": "17000000456", "hlc": elsewhere, "device": "7c1e9a40-d2b3-4f51-9e2a-0b6c8d4f1e37"},
                {"value": "17000000123", "hlc": here, "device": ""},
            ],
        }
        tx.session.add(
            SyncConflict(
                id=conflict_id,
                cursor=1,
                entity="person",
                entity_id=person.id,
                person_id=person.id,
                office_code=store.office_code,
                hlc=here,
                detail=tx.seal_json("sync_conflict", "detail", conflict_id, detail),
                received_at=tx.now,
            )
        )


def run(out: Path, lang: str, say: Callable[[str], None] = print) -> int:
    for path in take_shots(out, lang):
        say(str(path))
    return 0
