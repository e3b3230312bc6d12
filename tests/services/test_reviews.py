"""Review: roles are enforced by the service; a sign-off freezes; a return needs a comment."""

from __future__ import annotations

import pytest

from app.errors import Refused
from app.services import facts, persons, reviews, users
from app.services.inputs import PersonInput, VisitInput
from app.store.unlock import open_store
from models.enums import FactKind, ReviewState, Role, VisitKind
from tests.conftest import ADMIN, ADMIN_PW, TODAY, make_id


@pytest.fixture
def recorded(store, admin_store):
    users.add(admin_store, "boss", Role.SUPERVISOR, "boss-password-1")
    pid = persons.register(store, PersonInput(name="张三", id_number=make_id())).created[0]
    fact_id = facts.record(store, VisitInput(person_id=pid, visited_on=TODAY, kind=VisitKind.HOME)).created[0]
    return pid, fact_id


@pytest.fixture
def supervisor(store_dir, recorded):
    opened = open_store(store_dir, "boss", "boss-password-1", today=lambda: TODAY)
    yield opened
    opened.close()


def test_a_worker_or_an_admin_cannot_sign_off(store, store_dir, recorded):
    _, fact_id = recorded
    with pytest.raises(Refused) as error:
        reviews.sign_off(store, FactKind.VISIT, fact_id)
    assert "审核人员" in error.value.render("zh_CN")
    admin = open_store(store_dir, ADMIN, ADMIN_PW, today=lambda: TODAY)
    with pytest.raises(Refused):
        reviews.sign_off(admin, FactKind.VISIT, fact_id)
    admin.close()


def test_a_signed_off_record_leaves_the_queue_and_is_frozen(store, supervisor, recorded):
    pid, fact_id = recorded
    (queued,) = [r for r in reviews.pending(supervisor) if r.fact_id == fact_id]
    reviews.sign_off(supervisor, FactKind.VISIT, queued.version_id)
    assert all(r.fact_id != fact_id for r in reviews.pending(supervisor))
    with pytest.raises(Refused):
        facts.correct(store, fact_id, VisitInput(person_id=pid, visited_on=TODAY, kind=VisitKind.PHONE), "改")


def test_a_returned_record_waits_for_the_workers_correction(store, supervisor, recorded):
    pid, fact_id = recorded
    with pytest.raises(Refused):
        reviews.return_for_correction(supervisor, FactKind.VISIT, fact_id, "  ")
    reviews.return_for_correction(supervisor, FactKind.VISIT, fact_id, "请补充走访情况")
    (queued,) = [r for r in reviews.pending(supervisor) if r.fact_id == fact_id]
    assert queued.state is ReviewState.RETURNED
    facts.correct(
        store,
        fact_id,
        VisitInput(person_id=pid, visited_on=TODAY, kind=VisitKind.HOME, summary="已补充"),
        "按审核意见补充",
    )
    (again,) = [r for r in reviews.pending(supervisor) if r.fact_id == fact_id]
    assert again.version == 2 and again.state is ReviewState.PENDING
    with pytest.raises(Refused):
        reviews.sign_off(supervisor, FactKind.VISIT, queued.version_id)  # not the newest version
