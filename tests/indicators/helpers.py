"""Building a small synthetic caseload through the services, one call per fact, for hand-computed figures."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from itertools import count
from uuid import UUID

from app.indicators import for_store
from app.indicators.compute import Figure
from app.services import facts, measures, persons
from app.services.inputs import (
    AgreementInput,
    AssistanceInput,
    DrugTestInput,
    LeaveInput,
    MeasureInput,
    PersonInput,
    StatusChangeInput,
    ViolationInput,
)
from app.store.store import Store
from models.enums import (
    AssistanceKind,
    AssistanceOutcome,
    MeasureKind,
    PersonStatus,
    SampleType,
    TestMethod,
    TestResult,
    ViolationKind,
)
from tests.conftest import make_id

_seq = count(1)
SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜"


def person(store: Store, name: str | None = None, **profile) -> UUID:
    """A synthetic person with a fresh valid ID number (odd sequence numbers: male)."""
    n = next(_seq)
    name = name or SURNAMES[n % len(SURNAMES)] + "某" + "一二三四五六七八九十"[n % 10]
    data = PersonInput(name=name, id_number=make_id(seq=(2 * n + 1) % 1000), **profile)
    return persons.register(store, data).created[0]


def order(
    store: Store,
    pid: UUID,
    ordered: date,
    reported: date | None = None,
    kind: MeasureKind = MeasureKind.COMMUNITY_TREATMENT,
) -> UUID:
    data = MeasureInput(person_id=pid, kind=kind, ordered_on=ordered, reported_on=reported)
    return measures.order(store, data).created[0]


def under_treatment(store: Store, reported: date, name: str | None = None, **profile) -> UUID:
    """A person under 社区戒毒 since `reported` (ordered the same day)."""
    pid = person(store, name, **profile)
    order(store, pid, reported, reported)
    return pid


def status(store: Store, pid: UUID, to: PersonStatus, on: date, reason: str = "测试") -> None:
    measures.change_status(store, StatusChangeInput(person_id=pid, to_status=to, on=on, reason=reason))


def drug_test(
    store: Store,
    pid: UUID,
    on: date,
    result: TestResult = TestResult.NEGATIVE,
    sample: SampleType = SampleType.URINE,
    method: TestMethod = TestMethod.ON_SITE,
) -> UUID:
    data = DrugTestInput(person_id=pid, tested_on=on, result=result, sample=sample, method=method)
    return facts.record(store, data).created[0]


def sign(store: Store, pid: UUID, on: date, measure_id: UUID | None = None) -> UUID:
    return facts.record(store, AgreementInput(person_id=pid, signed_on=on, measure_id=measure_id)).created[0]


def leave(store: Store, pid: UUID, starts: date, ends: date, returned: date | None = None) -> UUID:
    data = LeaveInput(person_id=pid, starts_on=starts, ends_on=ends, returned_on=returned)
    return facts.record(store, data).created[0]


def violation(store: Store, pid: UUID, on: date, kind: ViolationKind, days: int = 0) -> UUID:
    data = ViolationInput(person_id=pid, occurred_on=on, kind=kind, days=days)
    return facts.record(store, data).created[0]


def assist(
    store: Store,
    pid: UUID,
    on: date,
    kind: AssistanceKind,
    outcome: AssistanceOutcome = AssistanceOutcome.COMPLETED,
    provider: str = "",
    amount: str | None = None,
) -> UUID:
    data = AssistanceInput(
        person_id=pid,
        given_on=on,
        kind=kind,
        outcome=outcome,
        provider=provider,
        amount=Decimal(amount) if amount is not None else None,
    )
    return facts.record(store, data).created[0]


def figure(store: Store, period: str, key: str, scope: str | None = None) -> Figure:
    return for_store(store, period, scope).figure(key)


def ids(*people: UUID) -> tuple[UUID, ...]:
    return tuple(sorted(people))
