"""A damaged database file is explained, pointing to the backups, not reported as a crash."""

from __future__ import annotations

import pytest

from app.errors import Tampering
from app.store.unlock import open_store
from tests.conftest import WORKER, WORKER_PW


def test_a_garbled_database_points_to_restore(store_dir):
    database = store_dir / "rehabdesk.db"
    database.write_bytes(b"this is not a database at all" * 100)
    for suffix in ("-wal", "-shm"):
        (store_dir / f"rehabdesk.db{suffix}").unlink(missing_ok=True)
    with pytest.raises(Tampering) as error:
        open_store(store_dir, WORKER, WORKER_PW)
    assert "rehabdesk restore" in error.value.render("zh_CN")
