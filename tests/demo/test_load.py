"""The loaded demo office shows the supervisor's side too: signed-off records and a returned visit."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from app.crypto.kdf import FAST
from app.demo.load import RETURN_COMMENT, create_demo_office
from app.demo.office import SUPERVISOR_LOGIN, SUPERVISOR_PASSWORD, WORKER_LOGINS
from app.services import reviews, today, users
from app.store.unlock import open_store
from models import Review
from models.enums import FactKind, ReviewState

DAY = date(2026, 6, 30)


def test_each_worker_finds_one_returned_visit_and_older_records_are_signed_off(tmp_path):
    create_demo_office(tmp_path / "office", persons=12, seed=3, today=DAY, kdf=FAST)
    store = open_store(tmp_path / "office", SUPERVISOR_LOGIN, SUPERVISOR_PASSWORD, today=lambda: DAY)
    try:
        for login in WORKER_LOGINS:
            worker = users.find(store, login)
            (returned,) = today.returned_items(store, worker.id)
            assert returned.kind is FactKind.VISIT and returned.comment == RETURN_COMMENT
        returned_ids = {r.version_id for r in reviews.pending(store, returned_only=True)}
        assert len(returned_ids) == len(WORKER_LOGINS)
        with store.read() as session:
            signed = session.scalar(
                select(func.count()).select_from(Review).where(Review.decision == ReviewState.SIGNED_OFF)
            )
        assert signed and signed > 0
    finally:
        store.close()
