"""Shared test setup: cheap key derivation, offscreen Qt, and a template store copied per test.

Making a store costs a key derivation and the migrations; like Anki's tests, one template is made per
session and each test gets a fresh copy of it.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["REHABDESK_KDF_PROFILE"] = "fast"
os.environ["REHABDESK_LANG"] = "zh_CN"
# Never touch the machine's real data directory, whatever a test forgets to pass.
os.environ["REHABDESK_DATA_DIR"] = os.path.join(
    os.environ.get("TMPDIR", "/tmp"), f"rehabdesk-tests-{os.getpid()}"
)

from app.crypto.kdf import FAST
from app.services import users
from app.store.store import Store
from app.store.unlock import init_store, open_store
from models.enums import Role
from models.values import id_check_char

# --reliability-rounds, --reliability-report and the ``figures`` fixture (tests/reliability, tests/hostile).
pytest_plugins = ("tests.figures",)

TODAY = date(2026, 6, 30)
OFFICE = "640104001"
ADMIN, ADMIN_PW = "admin", "admin-password-1"
WORKER, WORKER_PW = "worker1", "worker-password-1"


def make_id(birth: str = "19900101", seq: int = 123, region: str = "640104") -> str:
    """A synthetic, valid 18-digit ID number (odd sequence: male)."""
    first17 = f"{region}{birth}{seq:03d}"
    return first17 + id_check_char(first17)


@pytest.fixture(scope="session")
def template_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("template") / "store"
    store, recovery = init_store(
        root,
        office_code=OFFICE,
        office_name="测试街道",
        admin_login=ADMIN,
        admin_password=ADMIN_PW,
        kdf=FAST,
        today=lambda: TODAY,
    )
    users.add(store, WORKER, Role.WORKER, WORKER_PW, "测试专干", kdf=FAST)
    store.close()
    (root.parent / "recovery.txt").write_text(recovery)
    return root


@pytest.fixture
def store_dir(template_dir: Path, tmp_path: Path) -> Path:
    target = tmp_path / "store"
    shutil.copytree(template_dir, target)
    return target


@pytest.fixture
def recovery_key(template_dir: Path) -> str:
    return (template_dir.parent / "recovery.txt").read_text()


@pytest.fixture
def store(store_dir: Path) -> Iterator[Store]:
    opened = open_store(store_dir, WORKER, WORKER_PW, today=lambda: TODAY)
    yield opened
    opened.close()


@pytest.fixture
def admin_store(store_dir: Path) -> Iterator[Store]:
    opened = open_store(store_dir, ADMIN, ADMIN_PW, today=lambda: TODAY)
    yield opened
    opened.close()
