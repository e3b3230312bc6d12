"""``rehabdesk selftest``: the checks IT runs on a new PC or a fresh build before trusting it.

Each check runs on throwaway data in a temporary folder; none touches the office's store.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sqlite3
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from models.text import Text

PASS = Text("通过", "pass")
FAIL = Text("失败", "FAIL")
ALL_PASSED = Text("自检全部通过。", "All self-tests passed.")
SOME_FAILED = Text(
    "自检未通过：{count} 项失败。请把以上输出发给信息技术人员。",
    "{count} self-tests failed. Send this output to IT staff.",
)


def _check_kdf() -> str:
    from app.crypto.kdf import KdfParams, derive_key

    start = time.perf_counter()
    key = derive_key("selftest", b"0" * 16, KdfParams(iterations=1, memory_kib=8 * 1024))
    assert len(key) == 32
    return f"Argon2id {1000 * (time.perf_counter() - start):.0f} ms"


def _check_suites() -> str:
    from app.crypto.sealer import DataKey, Sealer, TamperedError
    from app.crypto.suites import Suite

    for suite in Suite:
        sealer = Sealer(os.urandom(32), [DataKey(1, suite)], 1, suite)
        sealed = sealer.seal("t", "c", "r", "自检")
        assert sealer.open("t", "c", "r", sealed) == "自检"
        try:
            sealer.open("t", "c", "other-row", sealed)
        except TamperedError:
            pass
        else:
            raise AssertionError("a moved ciphertext opened")
    return ", ".join(s.value for s in Suite)


def _check_store() -> str:
    from app.crypto.kdf import FAST
    from app.services import persons, users
    from app.services.inputs import PersonInput
    from app.store.unlock import init_store, open_store
    from models.enums import Role
    from models.values import id_check_char

    with tempfile.TemporaryDirectory(prefix="rehabdesk-selftest-") as tmp:
        root = Path(tmp) / "store"
        store, _ = init_store(
            root,
            office_code="999999001",
            office_name="selftest",
            admin_login="selftest",
            admin_password="selftest-password",
            kdf=FAST,
        )
        first17 = "99999919900101001"
        persons.register(store, PersonInput(name="自检", id_number=first17 + id_check_char(first17)))
        # A worker reads it back: the administrator does not read people's files.
        users.add(store, "selftest-worker", Role.WORKER, "selftest-password", kdf=FAST)
        store.close()
        store = open_store(root, "selftest-worker", "selftest-password", today=date.today)
        found = persons.search(store, "自检")
        store.close()
        assert len(found) == 1
        connection = sqlite3.connect(root / "rehabdesk.db")
        try:
            assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        finally:
            connection.close()
    return "SQLite " + sqlite3.sqlite_version


def _check_migrations() -> str:
    from app.store import migrate

    return "schema " + migrate.head_revision()


def _check_gui() -> str:
    # The GUI is optional (a server or a headless tool has none), so the core finds it at run time.
    if importlib.util.find_spec("ui") is None or importlib.util.find_spec("ui.selftest") is None:
        return "no GUI in this build"
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    return str(importlib.import_module("ui.selftest").selftest_window())


CHECKS: list[tuple[Text, Callable[[], str]]] = [
    (Text("密钥派生", "key derivation"), _check_kdf),
    (Text("加密套件", "cipher suites"), _check_suites),
    (Text("加密数据库", "encrypted store"), _check_store),
    (Text("数据库迁移", "migrations"), _check_migrations),
    (Text("界面", "window"), _check_gui),
]


def run_selftest(out: Callable[[str], None]) -> int:
    failures = 0
    for name, check in CHECKS:
        try:
            detail = check()
            out(f"[{PASS.render()}] {name.render()}: {detail}")
        except Exception as exc:  # a self-test reports every failure and goes on
            failures += 1
            out(f"[{FAIL.render()}] {name.render()}: {type(exc).__name__}")
    out(ALL_PASSED.render() if not failures else SOME_FAILED.render(count=failures))
    return 0 if not failures else 1
