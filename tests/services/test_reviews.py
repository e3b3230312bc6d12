"""Review: roles are enforced by the service; a sign-off freezes; a return needs a comment; the queue
filters by worker, kind and date, always on the newest version."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import pytest

from app.errors import Refused
from app.services import facts, persons, reviews, users
from app.services.inputs import DrugTestInput, PersonInput, VisitInput
from app.store.unlock import open_store
from models.enums import FactKind, ReviewState, Role, VisitKind
from tests.conftest import ADMIN, ADMIN_PW, TODAY, WORKER, make_id


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


# ---- the queue's filters --------------------------------------------------------------------------------


@pytest.fixture
def two_workers(store, store_dir, admin_store, supervisor):
    """worker1 and worker2 each record for one person: visits and tests on known days."""
    users.add(admin_store, "worker2", Role.WORKER, "worker-password-2", "第二专干")
    other = open_store(store_dir, "worker2", "worker-password-2", today=lambda: TODAY)
    mine = persons.register(store, PersonInput(name="李四", id_number=make_id(seq=125))).created[0]
    theirs = persons.register(other, PersonInput(name="王五", id_number=make_id(seq=127))).created[0]
    made = {
        "w1 visit 04-10": facts.record(store, VisitInput(mine, date(2026, 4, 10), VisitKind.HOME)),
        "w1 test 05-02": facts.record(store, DrugTestInput(mine, date(2026, 5, 2))),
        "w1 visit 06-20": facts.record(store, VisitInput(mine, date(2026, 6, 20), VisitKind.PHONE)),
        "w2 visit 05-15": facts.record(other, VisitInput(theirs, date(2026, 5, 15), VisitKind.OFFICE)),
        "w2 test 06-01": facts.record(other, DrugTestInput(theirs, date(2026, 6, 1))),
    }
    ids = {name: changes.created[0] for name, changes in made.items()}
    yield ids, users.find(store, WORKER).id, users.find(store, "worker2").id, other
    other.close()


def queued(supervisor, **filters) -> set[UUID]:  # type: ignore[no-untyped-def]
    return {r.fact_id for r in reviews.pending(supervisor, **filters)}


def test_the_queue_filters_by_worker_kind_and_date(supervisor, recorded, two_workers):
    ids, worker1, worker2, _ = two_workers
    w1 = {ids["w1 visit 04-10"], ids["w1 test 05-02"], ids["w1 visit 06-20"]}
    w2 = {ids["w2 visit 05-15"], ids["w2 test 06-01"]}
    assert queued(supervisor) == w1 | w2 | {recorded[1]}
    assert queued(supervisor, recorded_by=worker1) == w1 | {recorded[1]}  # worker1 recorded that too
    assert queued(supervisor, recorded_by=worker2) == w2
    assert queued(supervisor, kinds=(FactKind.DRUG_TEST,)) == {ids["w1 test 05-02"], ids["w2 test 06-01"]}
    # Both ends of the range count; a record outside it does not.
    may = queued(supervisor, since=date(2026, 5, 2), until=date(2026, 6, 1))
    assert may == {ids["w1 test 05-02"], ids["w2 visit 05-15"], ids["w2 test 06-01"]}
    assert queued(supervisor, since=date(2026, 6, 2)) == {ids["w1 visit 06-20"], recorded[1]}  # 06-30
    assert ids["w1 visit 04-10"] in queued(supervisor, until=date(2026, 4, 10))
    assert ids["w1 visit 04-10"] not in queued(supervisor, until=date(2026, 4, 9))
    # All together: worker2's visits in May.
    assert queued(
        supervisor,
        recorded_by=worker2,
        kinds=(FactKind.VISIT,),
        since=date(2026, 5, 1),
        until=date(2026, 5, 31),
    ) == {ids["w2 visit 05-15"]}
    assert queued(supervisor, recorded_by=worker2, kinds=(FactKind.ASSISTANCE,)) == set()


def test_dates_the_wrong_way_round_are_refused_with_a_sentence(supervisor):
    with pytest.raises(Refused) as error:
        reviews.pending(supervisor, since=date(2026, 6, 1), until=date(2026, 5, 1))
    assert error.value.render("zh_CN") == "开始日期不能晚于结束日期。"
    assert error.value.field == "until"


def test_the_filters_look_at_the_newest_version(store, supervisor, two_workers):
    """A correction that moves a visit's date, or a correction by another worker, is filtered by what
    the queue shows: the newest version, its date and who wrote it."""
    ids, worker1, worker2, other = two_workers
    fact = ids["w1 visit 04-10"]
    (first,) = [r for r in reviews.pending(supervisor) if r.fact_id == fact]
    facts.correct(other, fact, VisitInput(first.person_id, date(2026, 6, 25), VisitKind.HOME), "日期填错")
    assert fact not in queued(supervisor, until=date(2026, 4, 30))
    assert fact in queued(supervisor, since=date(2026, 6, 25))
    assert fact not in queued(supervisor, recorded_by=worker1)
    (now,) = [r for r in reviews.pending(supervisor, recorded_by=worker2) if r.fact_id == fact]
    assert (now.version, now.recorded_by, now.occurred_on) == (2, "worker2", date(2026, 6, 25))


def test_bulk_sign_off_is_all_or_nothing(store, supervisor, two_workers):
    ids, *_ = two_workers
    picked = [r for r in reviews.pending(supervisor) if r.fact_id in ids.values()]
    stale = next(r for r in picked if r.fact_id == ids["w1 visit 06-20"])
    facts.correct(store, stale.fact_id, VisitInput(stale.person_id, date(2026, 6, 20), VisitKind.HOME), "改")
    with pytest.raises(Refused):  # one of them has a newer version now
        reviews.sign_off_all(supervisor, [(r.kind, r.version_id) for r in picked])
    assert set(ids.values()) <= queued(supervisor)  # none was signed off
    fresh = [r for r in reviews.pending(supervisor) if r.fact_id in ids.values()]
    reviews.sign_off_all(supervisor, [(r.kind, r.version_id) for r in fresh])
    assert not set(ids.values()) & queued(supervisor)
    with pytest.raises(Refused):
        reviews.sign_off_all(store, [(r.kind, r.version_id) for r in fresh])  # a worker cannot


def test_a_returned_record_carries_the_comment_who_and_when(store, supervisor, recorded):
    _, fact_id = recorded
    reviews.return_for_correction(supervisor, FactKind.VISIT, fact_id, "  请补充走访情况 ")
    (returned,) = reviews.pending(supervisor, returned_only=True)
    assert returned.fact_id == fact_id and returned.state is ReviewState.RETURNED
    assert returned.comment == "请补充走访情况"
    assert returned.returned_by == "boss" and returned.returned_at is not None
    assert returned.recorded_by == WORKER
