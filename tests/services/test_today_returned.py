"""Returned records on Today: the worker who wrote a returned record sees it, with the supervisor's
comment, until a corrected version sends it back to the review queue."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from app.services import facts, persons, reviews, users
from app.services.inputs import PersonInput, VisitInput
from app.services.today import returned_items
from app.store.unlock import open_store
from models.enums import FactKind, ReviewState, Role, VisitKind
from tests.conftest import TODAY, WORKER, make_id


@pytest.fixture
def office(store, store_dir, admin_store):
    """worker1 and worker2 have each recorded a visit; a supervisor is logged in too."""
    users.add(admin_store, "boss", Role.SUPERVISOR, "boss-password-1", "刘审核")
    users.add(admin_store, "worker2", Role.WORKER, "worker-password-2", "第二专干")
    other = open_store(store_dir, "worker2", "worker-password-2", today=lambda: TODAY)
    boss = open_store(store_dir, "boss", "boss-password-1", today=lambda: TODAY)
    mine = persons.register(store, PersonInput(name="张三", id_number=make_id(seq=131))).created[0]
    theirs = persons.register(other, PersonInput(name="李四", id_number=make_id(seq=133))).created[0]
    visit = facts.record(store, VisitInput(mine, date(2026, 6, 10), VisitKind.HOME)).created[0]
    their_visit = facts.record(other, VisitInput(theirs, date(2026, 6, 11), VisitKind.HOME)).created[0]
    yield {
        "boss": boss,
        "other": other,
        "mine": mine,
        "visit": visit,
        "their_visit": their_visit,
        "worker1": users.find(store, WORKER).id,
        "worker2": users.find(store, "worker2").id,
    }
    boss.close()
    other.close()


def test_returned_shows_for_its_worker_only_until_corrected_then_back_in_the_queue(store, office):
    boss = office["boss"]
    reviews.return_for_correction(boss, FactKind.VISIT, office["visit"], "请补充走访发现的情况")
    reviews.return_for_correction(boss, FactKind.VISIT, office["their_visit"], "日期与台账不符")

    (item,) = returned_items(store, office["worker1"])
    assert (item.fact_id, item.kind, item.version) == (office["visit"], FactKind.VISIT, 1)
    assert (item.person_id, item.name) == (office["mine"], "张三")
    assert item.comment == "请补充走访发现的情况"
    assert item.returned_by == "刘审核"
    assert abs(item.returned_at - datetime.now(UTC).replace(tzinfo=None)) < timedelta(minutes=5)  # UTC
    assert item.occurred_on == date(2026, 6, 10) and item.recorded_by == "测试专干"
    (theirs,) = returned_items(store, office["worker2"])
    assert theirs.comment == "日期与台账不符"
    assert {i.fact_id for i in returned_items(store)} == {office["visit"], office["their_visit"]}

    facts.correct(
        store,
        office["visit"],
        VisitInput(office["mine"], date(2026, 6, 10), VisitKind.HOME, summary="已补充：在家，情况稳定"),
        "按审核意见补充",
    )
    assert returned_items(store, office["worker1"]) == []
    (queued,) = [r for r in reviews.pending(boss) if r.fact_id == office["visit"]]
    assert (queued.version, queued.state, queued.comment) == (2, ReviewState.PENDING, None)
    assert [i.fact_id for i in returned_items(store, office["worker2"])] == [office["their_visit"]]


def test_a_returned_record_signed_off_or_voided_leaves_today(store, office):
    boss, other = office["boss"], office["other"]
    reviews.return_for_correction(boss, FactKind.VISIT, office["visit"], "请补充")
    reviews.return_for_correction(boss, FactKind.VISIT, office["their_visit"], "请核实")
    reviews.sign_off(boss, FactKind.VISIT, office["visit"])  # the supervisor thought again
    assert returned_items(store, office["worker1"]) == []
    facts.void(other, FactKind.VISIT, office["their_visit"], "重复录入")
    assert returned_items(store) == []
    assert office["their_visit"] not in {r.fact_id for r in reviews.pending(boss)}
