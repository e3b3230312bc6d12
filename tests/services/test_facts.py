"""Facts are never edited or deleted: corrections and voids are versions, sign-off freezes."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.errors import Refused
from app.services import facts, persons
from app.services.inputs import AssistanceInput, DrugTestInput, LeaveInput, PersonInput, VisitInput
from app.store.store import utcnow
from models import AuditEntry, OutboxChange, Review, Visit
from models.enums import (
    AssistanceKind,
    Drug,
    FactKind,
    ReviewState,
    TestResult,
    VersionKind,
    VisitKind,
)
from models.ids import new_id
from tests.conftest import TODAY, make_id


@pytest.fixture
def person(store):
    return persons.register(store, PersonInput(name="张三", id_number=make_id())).created[0]


def visit(person, summary="情况稳定", on=TODAY):
    return VisitInput(person_id=person, visited_on=on, kind=VisitKind.HOME, summary=summary)


def test_a_recorded_visit_is_in_the_timeline_with_who_recorded_it(store, person):
    facts.record(store, visit(person))
    (item,) = facts.history(store, person)
    assert item.current.data.summary == "情况稳定"
    assert item.current.recorded_by == "worker1"
    assert item.current.version_kind is VersionKind.ORIGINAL


def test_a_correction_is_a_new_version_that_keeps_the_original(store, person):
    fact_id = facts.record(store, visit(person, "写错了")).created[0]
    facts.correct(store, fact_id, visit(person, "更正后的情况"), "笔误")
    (item,) = facts.history(store, person)
    assert item.current.data.summary == "更正后的情况"
    assert item.current.version == 2 and item.current.change_reason == "笔误"
    assert [v.data.summary for v in item.earlier] == ["写错了"]
    with store.read() as session:
        assert session.scalar(select(func.count()).select_from(Visit)) == 2


def test_a_void_is_a_tombstone_with_a_reason(store, person):
    fact_id = facts.record(store, visit(person)).created[0]
    facts.void(store, FactKind.VISIT, fact_id, "重复录入")
    (item,) = facts.history(store, person)
    assert item.voided and item.current.change_reason == "重复录入"
    assert item.earlier[0].data.summary == "情况稳定"
    assert facts.current(store, person, FactKind.VISIT) == []
    with pytest.raises(Refused):
        facts.void(store, FactKind.VISIT, fact_id, "再次作废")


def test_correct_and_void_need_a_reason(store, person):
    fact_id = facts.record(store, visit(person)).created[0]
    with pytest.raises(Refused) as error:
        facts.correct(store, fact_id, visit(person, "x"), "  ")
    assert "原因" in error.value.render("zh_CN")


def test_a_signed_off_record_is_frozen(store, person):
    fact_id = facts.record(store, visit(person)).created[0]
    with store.write() as tx:
        tx.session.add(
            Review(
                id=new_id(),
                fact_kind=FactKind.VISIT,
                fact_version_id=fact_id,
                person_id=person,
                office_code=store.office_code,
                decision=ReviewState.SIGNED_OFF,
                decided_at=utcnow(),
                hlc=tx.hlc(),
            )
        )
    with pytest.raises(Refused) as error:
        facts.correct(store, fact_id, visit(person, "改"), "想改")
    assert "审核" in error.value.render("zh_CN")
    assert facts.history(store, person)[0].current.review is ReviewState.SIGNED_OFF


def test_future_dates_are_refused_and_nothing_is_written(store, person):
    with store.read() as session:
        before = session.scalar(select(func.count()).select_from(OutboxChange))
    with pytest.raises(Refused) as error:
        facts.record(store, visit(person, on=TODAY + timedelta(days=1)))
    assert "晚于" in error.value.render("zh_CN") or "未来" in error.value.render("zh_CN")
    with store.read() as session:
        assert session.scalar(select(func.count()).select_from(OutboxChange)) == before


def test_a_drug_test_keeps_results_per_substance(store, person):
    facts.record(
        store,
        DrugTestInput(
            person_id=person,
            tested_on=TODAY,
            result=TestResult.POSITIVE,
            substance_results={Drug.METH: TestResult.POSITIVE, Drug.MORPHINE: TestResult.NEGATIVE},
            kit_lot="LOT-2026-01",
            witness="李警官",
        ),
    )
    (test,) = facts.current(store, person, FactKind.DRUG_TEST)
    assert test.result is TestResult.POSITIVE
    assert test.substance_results == {Drug.METH: TestResult.POSITIVE, Drug.MORPHINE: TestResult.NEGATIVE}


def test_assistance_amounts_and_leave_dates_are_checked(store, person):
    with pytest.raises(Refused):
        facts.record(
            store,
            AssistanceInput(
                person_id=person, given_on=TODAY, kind=AssistanceKind.TEMPORARY_RELIEF, amount=Decimal("-5")
            ),
        )
    with pytest.raises(Refused):
        facts.record(store, LeaveInput(person_id=person, starts_on=TODAY, ends_on=TODAY - timedelta(days=2)))
    facts.record(
        store,
        AssistanceInput(
            person_id=person,
            given_on=date(2026, 5, 1),
            kind=AssistanceKind.TEMPORARY_RELIEF,
            amount=Decimal("800.50"),
        ),
    )
    (given,) = facts.current(store, person, FactKind.ASSISTANCE)
    assert given.amount == Decimal("800.50")


def test_every_write_has_its_outbox_change_and_audit_entry_in_the_same_transaction(store, person):
    fact_id = facts.record(store, visit(person)).created[0]
    with store.read() as session:
        change = session.scalars(select(OutboxChange).where(OutboxChange.entity_id == fact_id)).one()
        assert change.entity == "visit" and change.op == "insert"
        entry = session.scalars(select(AuditEntry).where(AuditEntry.entity_id == fact_id)).one()
        assert entry.action == "visit.record" and entry.person_id == person
        seqs = session.scalars(select(OutboxChange.seq).order_by(OutboxChange.seq)).all()
        assert seqs == list(range(1, len(seqs) + 1))


def test_a_failed_write_leaves_nothing(store, person):
    with store.read() as session:
        counts = [
            session.scalar(select(func.count()).select_from(t)) for t in (Visit, OutboxChange, AuditEntry)
        ]
    with pytest.raises(RuntimeError), store.write() as tx:
        facts.add(tx, visit(person))
        raise RuntimeError("power cut in the middle")
    with store.read() as session:
        assert [
            session.scalar(select(func.count()).select_from(t)) for t in (Visit, OutboxChange, AuditEntry)
        ] == counts


def test_opening_a_file_is_audited(store, person):
    persons.open_file(store, person)
    with store.read() as session:
        actions = session.scalars(select(AuditEntry.action).where(AuditEntry.person_id == person)).all()
    assert "person.open" in actions
