"""Recording facts — visits, drug tests, assistance, leave, violations, agreements — and their versions.

A fact is never edited or deleted: ``correct`` appends a version with a reason, ``void`` appends a
tombstone with a reason, and the earlier versions stay. A version a supervisor signed off is frozen.
One table of ``FactSpec`` says, per kind, which input fields are plain columns (dates and kinds the
schedules query) and which go into the sealed content; everything else here is shared.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import func, select

from app.errors import NotFound, Refused
from app.services import codec
from app.services.inputs import (
    AgreementInput,
    AssistanceInput,
    DrugTestInput,
    LeaveInput,
    PoliceReportInput,
    RiskAssessmentInput,
    RiskFlagInput,
    RiskOverrideInput,
    ViolationInput,
    VisitInput,
)
from app.services.people_access import require_file_reader, require_person
from app.store.store import Changes, Store, Tx
from models import FACT_ENTITIES, FactVersion, Review, User
from models.enums import FactKind, ReviewState, VersionKind
from models.ids import new_id
from models.labels import field_label
from models.text import Text
from models.values import ValueRuleError, check_not_future, require

FactInput = (
    VisitInput
    | DrugTestInput
    | AssistanceInput
    | LeaveInput
    | ViolationInput
    | AgreementInput
    | PoliceReportInput
    | RiskFlagInput
    | RiskAssessmentInput
    | RiskOverrideInput
)


@dataclass(frozen=True)
class FactSpec:
    kind: FactKind
    input_type: type
    date_field: str  # the input field stored as ``occurred_on``
    plain: tuple[str, ...] = ()  # input fields that are also plain columns of the same name
    sealed_columns: tuple[str, ...] = ()  # input fields sealed in a column of their own

    @property
    def entity(self) -> type[FactVersion]:
        return FACT_ENTITIES[self.kind]

    def content_fields(self) -> list[str]:
        skip = {"person_id", self.date_field, *self.plain, *self.sealed_columns}
        return [f.name for f in dataclasses.fields(self.input_type) if f.name not in skip]


SPECS: dict[type, FactSpec] = {
    spec.input_type: spec
    for spec in (
        FactSpec(FactKind.VISIT, VisitInput, "visited_on", ("kind", "next_contact_on")),
        FactSpec(FactKind.DRUG_TEST, DrugTestInput, "tested_on", ("sample", "method"), ("result",)),
        FactSpec(FactKind.ASSISTANCE, AssistanceInput, "given_on", ("kind",)),
        FactSpec(FactKind.LEAVE, LeaveInput, "starts_on", ("ends_on", "returned_on")),
        FactSpec(FactKind.VIOLATION, ViolationInput, "occurred_on", ("kind", "reported_to_police_on")),
        FactSpec(FactKind.AGREEMENT, AgreementInput, "signed_on", ("measure_id", "valid_until")),
        FactSpec(FactKind.POLICE_REPORT, PoliceReportInput, "reported_on", ("kind",)),
        FactSpec(FactKind.RISK_FLAG, RiskFlagInput, "noted_on", ("kind", "until")),
        FactSpec(FactKind.RISK_ASSESSMENT, RiskAssessmentInput, "assessed_on"),
        FactSpec(FactKind.RISK_OVERRIDE, RiskOverrideInput, "set_on", ("colour", "until")),
    )
}
SPEC_BY_KIND: dict[FactKind, FactSpec] = {spec.kind: spec for spec in SPECS.values()}

LEAVE_ENDS_BEFORE_START = Text("请假结束日期不能早于开始日期。", "The leave cannot end before it starts.")
RETURN_BEFORE_START = Text("销假日期不能早于请假开始日期。", "The return cannot be before the leave starts.")
NEGATIVE_AMOUNT = Text("金额不能为负数。", "The amount cannot be negative.")
AMOUNT_NOT_A_NUMBER = Text("金额“{value}”不是有效的数字。", "The amount “{value}” is not a number.")
FACT_NOT_FOUND = Text(
    "找不到这条记录，它可能已被删除或尚未同步。", "This record was not found; it may not have synced yet."
)
FROZEN = Text(
    "这条记录已经审核签字，不能再更正或作废。如确有错误，请联系审核人员。",
    "This record has been signed off and can no longer be corrected or voided. Ask a supervisor if it is "
    "wrong.",
)
ALREADY_VOID = Text("这条记录已经作废。", "This record has already been voided.")
REASON_REQUIRED = Text("更正或作废必须填写原因。", "A correction or a void needs a reason.")
WRONG_KIND = Text("更正内容的类型与原记录不一致。", "The correction is not of the same kind as the record.")


@dataclass(frozen=True)
class FactVersionView:
    """One version of a fact, opened: what the timeline and the review queue show."""

    kind: FactKind
    fact_id: UUID
    version_id: UUID
    version: int
    version_kind: VersionKind
    occurred_on: date
    data: Any  # the input dataclass of the kind, as recorded in this version
    change_reason: str | None
    recorded_at: datetime
    recorded_by: str | None  # login
    review: ReviewState


@dataclass(frozen=True)
class FactHistory:
    """A fact: its current version first, then the versions it replaced (newest first)."""

    current: FactVersionView
    earlier: tuple[FactVersionView, ...]

    @property
    def voided(self) -> bool:
        return self.current.version_kind is VersionKind.VOID


# ---- writing ------------------------------------------------------------------------------------------
def record(store: Store, data: FactInput) -> Changes:
    with store.write() as tx:
        fact_id = add(tx, data)
    tx.changes.created.append(fact_id)
    return tx.changes


def add(tx: Tx, data: FactInput) -> UUID:
    """Append the first version of a new fact inside ``tx``; returns its fact id."""
    spec = SPECS[type(data)]
    person = require_person(tx.session, tx.store, data.person_id)
    validate(spec, data, tx.store.today())
    row_id = new_id()
    _insert(tx, spec, data, row_id, row_id, 1, VersionKind.ORIGINAL, None, None, person.office_code)
    tx.audit(f"{spec.kind.value}.record", entity=spec.kind.value, entity_id=row_id, person_id=data.person_id)
    return row_id


def correct(store: Store, fact_id: UUID, data: FactInput, reason: str) -> Changes:
    """Append a corrected version of a fact, keeping every earlier one."""
    spec = SPECS[type(data)]
    with store.write() as tx:
        latest = _latest_for_change(tx, spec.kind, fact_id, reason)
        if latest.person_id != data.person_id:
            raise Refused(WRONG_KIND())
        validate(spec, data, store.today())
        _insert(
            tx,
            spec,
            data,
            new_id(),
            fact_id,
            latest.version + 1,
            VersionKind.CORRECTION,
            latest.id,
            reason,
            latest.office_code,
        )
        tx.audit(
            f"{spec.kind.value}.correct", entity=spec.kind.value, entity_id=fact_id, person_id=data.person_id
        )
    return tx.changes


def void(store: Store, kind: FactKind, fact_id: UUID, reason: str) -> Changes:
    """Append a tombstone: the fact no longer counts, and what it said stays readable."""
    spec = SPEC_BY_KIND[kind]
    with store.write() as tx:
        latest = _latest_for_change(tx, kind, fact_id, reason)
        data = _open_data(store, spec, latest)
        _insert(
            tx,
            spec,
            data,
            new_id(),
            fact_id,
            latest.version + 1,
            VersionKind.VOID,
            latest.id,
            reason,
            latest.office_code,
        )
        tx.audit(f"{kind.value}.void", entity=kind.value, entity_id=fact_id, person_id=latest.person_id)
    return tx.changes


def validate(spec: FactSpec, data: FactInput, today: date) -> None:
    label = field_label(spec.date_field)
    try:
        check_not_future(getattr(data, spec.date_field), today=today, field=spec.date_field, label=label)
        if isinstance(data, LeaveInput):
            if data.ends_on < data.starts_on:
                raise ValueRuleError(LEAVE_ENDS_BEFORE_START(), "ends_on")
            if data.returned_on is not None:
                if data.returned_on < data.starts_on:
                    raise ValueRuleError(RETURN_BEFORE_START(), "returned_on")
                check_not_future(
                    data.returned_on, today=today, field="returned_on", label=field_label("returned_on")
                )
        if isinstance(data, RiskOverrideInput):
            require(data.reason, "reason", field_label("reason"))
        if isinstance(data, AssistanceInput) and data.amount is not None:
            if not data.amount.is_finite():  # NaN cannot even be compared with 0
                raise ValueRuleError(AMOUNT_NOT_A_NUMBER(value=str(data.amount)), "amount")
            if data.amount < 0:
                raise ValueRuleError(NEGATIVE_AMOUNT(), "amount")
        if isinstance(data, ViolationInput) and data.reported_to_police_on is not None:
            check_not_future(
                data.reported_to_police_on,
                today=today,
                field="reported_to_police_on",
                label=field_label("reported_to_police_on"),
            )
    except ValueRuleError as exc:
        raise Refused(exc.message, exc.field) from None


def _latest_for_change(tx: Tx, kind: FactKind, fact_id: UUID, reason: str) -> FactVersion:
    try:
        require(reason, "reason", field_label("reason"))
    except ValueRuleError:
        raise Refused(REASON_REQUIRED()) from None
    entity = SPEC_BY_KIND[kind].entity
    latest = tx.session.scalars(
        select(entity).where(entity.fact_id == fact_id).order_by(entity.version.desc()).limit(1)
    ).first()
    if latest is None or latest.office_code != tx.store.office_code:
        raise NotFound(FACT_NOT_FOUND())
    if latest.version_kind is VersionKind.VOID:
        raise Refused(ALREADY_VOID())
    if review_state(tx.session, latest.id) is ReviewState.SIGNED_OFF:
        raise Refused(FROZEN())
    return latest


def _insert(
    tx: Tx,
    spec: FactSpec,
    data: FactInput,
    row_id: UUID,
    fact_id: UUID,
    version: int,
    version_kind: VersionKind,
    supersedes: UUID | None,
    reason: str | None,
    office_code: str,
) -> None:
    table = spec.kind.value
    content = {name: codec.to_json(getattr(data, name)) for name in spec.content_fields()}
    row = spec.entity(
        id=row_id,
        fact_id=fact_id,
        version=version,
        version_kind=version_kind,
        supersedes_id=supersedes,
        person_id=data.person_id,
        office_code=office_code,
        occurred_on=getattr(data, spec.date_field),
        content=tx.seal_json(table, "content", row_id, content),
        change_reason=tx.seal(table, "change_reason", row_id, reason),
        recorded_by=tx.actor.user_id if tx.store.actor else None,
        recorded_at=tx.now,
        hlc=tx.hlc(),
        **{name: getattr(data, name) for name in spec.plain},
        **{
            name: tx.seal(table, name, row_id, str(codec.to_json(getattr(data, name))))
            for name in spec.sealed_columns
        },
    )
    tx.session.add(row)
    tx.outbox(table, row_id, "insert", [c.name for c in spec.entity.__table__.columns], row.hlc)
    tx.changes.persons.add(data.person_id)


# ---- reading ------------------------------------------------------------------------------------------
def _open_data(store: Store, spec: FactSpec, row: FactVersion) -> Any:
    table = spec.kind.value
    values: dict[str, Any] = dict(store.open_json(table, "content", row.id, row.content) or {})
    values["person_id"] = str(row.person_id)
    values[spec.date_field] = row.occurred_on.isoformat()
    for name in spec.plain:
        values[name] = codec.to_json(getattr(row, name))
    for name in spec.sealed_columns:
        values[name] = store.open(table, name, row.id, getattr(row, name))
    return codec.build(spec.input_type, values)


def review_state(session: Any, version_id: UUID) -> ReviewState:
    decision = session.scalars(
        select(Review.decision)
        .where(Review.fact_version_id == version_id)
        .order_by(Review.decided_at.desc())
        .limit(1)
    ).first()
    return decision or ReviewState.PENDING


def history(store: Store, person_id: UUID, kinds: tuple[FactKind, ...] | None = None) -> list[FactHistory]:
    """Every fact of a person, newest first, each with its earlier versions."""
    require_file_reader(store)
    result: list[FactHistory] = []
    with store.read() as session:
        logins = dict(session.execute(select(User.id, User.login)).all())
        reviews: dict[UUID, ReviewState] = {}
        for version_id, decision in session.execute(
            select(Review.fact_version_id, Review.decision)
            .where(Review.person_id == person_id)
            .order_by(Review.decided_at)
        ):
            reviews[version_id] = decision
        for kind in kinds or tuple(SPEC_BY_KIND):
            spec = SPEC_BY_KIND[kind]
            entity = spec.entity
            rows = session.scalars(
                select(entity)
                .where(entity.person_id == person_id)
                .order_by(entity.fact_id, entity.version.desc())
            ).all()
            grouped: dict[UUID, list[FactVersionView]] = {}
            for row in rows:
                grouped.setdefault(row.fact_id, []).append(
                    FactVersionView(
                        kind=kind,
                        fact_id=row.fact_id,
                        version_id=row.id,
                        version=row.version,
                        version_kind=row.version_kind,
                        occurred_on=row.occurred_on,
                        data=_open_data(store, spec, row),
                        change_reason=store.open(kind.value, "change_reason", row.id, row.change_reason),
                        recorded_at=row.recorded_at,
                        recorded_by=logins.get(row.recorded_by) if row.recorded_by else None,
                        review=reviews.get(row.id, ReviewState.PENDING),
                    )
                )
            result += [FactHistory(v[0], tuple(v[1:])) for v in grouped.values()]
    result.sort(key=lambda h: (h.current.occurred_on, h.current.recorded_at), reverse=True)
    return result


def current(store: Store, person_id: UUID, kind: FactKind) -> list[Any]:
    """The current, non-void facts of one kind as input objects, oldest first (for rules and exports)."""
    return [h.current.data for h in reversed(history(store, person_id, (kind,))) if not h.voided]


def count_versions(store: Store, kind: FactKind) -> int:
    entity = SPEC_BY_KIND[kind].entity
    with store.read() as session:
        return session.scalar(select(func.count()).select_from(entity)) or 0
