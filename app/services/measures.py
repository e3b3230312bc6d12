"""Measures and the person's status: ordering a measure, reporting, and every change of status.

A status change is an event with its date, reason and who recorded it; the person's current status is
the newest event's. Which changes are allowed is the lifecycle's business (app.rules.lifecycle).
"""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

from sqlalchemy import select

from app.errors import NotFound, Refused
from app.rules import lifecycle
from app.rules.facts import StatusEvent as RuleStatusEvent
from app.services import persons
from app.services.inputs import MeasureInput, StatusChangeInput
from app.services.people_access import require_person
from app.store.store import Changes, Store, Tx
from models import Measure, Person, StatusEvent
from models.enums import MeasureKind, PersonStatus
from models.ids import new_id
from models.labels import field_label
from models.text import Text
from models.values import ValueRuleError, check_not_future, require

MEASURE_NOT_FOUND = Text("找不到该措施记录。", "This measure was not found.")
REPORT_BEFORE_ORDER = Text("报到日期不能早于决定日期。", "The report date cannot be before the order date.")
END_BEFORE_REPORT = Text(
    "措施结束日期不能早于报到日期。", "The measure cannot end before the person reported."
)
ALREADY_REPORTED = Text(
    "该措施已登记报到日期（{on}）。", "The report for this measure is already recorded ({on})."
)

# What status a measure puts a person in once they report.
STATUS_UNDER = {
    MeasureKind.COMMUNITY_TREATMENT: PersonStatus.IN_TREATMENT,
    MeasureKind.COMMUNITY_REHAB: PersonStatus.IN_REHAB,
    MeasureKind.COMPULSORY: PersonStatus.IN_COMPULSORY,
}
TERM_YEARS = 3


def term_end(reported_on: date, years: int = TERM_YEARS) -> date:
    """The day before the same date ``years`` later (29 February ends on 28 February)."""
    try:
        anniversary = reported_on.replace(year=reported_on.year + years)
    except ValueError:
        anniversary = reported_on.replace(year=reported_on.year + years, day=28) + timedelta(days=1)
    return anniversary - timedelta(days=1)


def order(store: Store, data: MeasureInput) -> Changes:
    with store.write() as tx:
        measure_id = add(tx, data)
    tx.changes.created.append(measure_id)
    return tx.changes


def add(tx: Tx, data: MeasureInput) -> UUID:
    """Record a measure ordered by the police, and the report if it is already known."""
    person = require_person(tx.session, tx.store, data.person_id)
    today = tx.store.today()
    _check_dates(data.ordered_on, data.reported_on, data.ends_on, today)
    measure_id = new_id()
    hlc = tx.hlc()
    ends_on = data.ends_on
    if ends_on is None and data.reported_on is not None and data.kind is not MeasureKind.COMPULSORY:
        ends_on = term_end(data.reported_on)
    tx.session.add(
        Measure(
            id=measure_id,
            person_id=person.id,
            office_code=person.office_code,
            kind=data.kind,
            ordered_on=data.ordered_on,
            reported_on=data.reported_on,
            ends_on=ends_on,
            ordered_by=tx.seal("measure", "ordered_by", measure_id, data.ordered_by.strip()),
            document_no=tx.seal("measure", "document_no", measure_id, data.document_no.strip()),
            recorded_by=tx.store.actor_id,
            recorded_at=tx.now,
            hlc=hlc,
        )
    )
    tx.outbox("measure", measure_id, "insert", [c.name for c in Measure.__table__.columns], hlc)
    tx.audit("measure.order", entity="measure", entity_id=measure_id, person_id=person.id)
    if data.reported_on is not None:
        _set_status(tx, person, STATUS_UNDER[data.kind], data.reported_on, "报到 / reported", data.kind)
    return measure_id


def record_report(store: Store, measure_id: UUID, reported_on: date) -> Changes:
    """The person reported to the office: the term starts and they are under the measure."""
    with store.write() as tx:
        measure = tx.session.get(Measure, measure_id)
        if measure is None or measure.office_code != store.office_code:
            raise NotFound(MEASURE_NOT_FOUND())
        if measure.reported_on is not None:
            raise Refused(ALREADY_REPORTED(on=measure.reported_on.isoformat()))
        _check_dates(measure.ordered_on, reported_on, None, store.today())
        measure.reported_on = reported_on
        if measure.kind is not MeasureKind.COMPULSORY:
            measure.ends_on = measure.ends_on or term_end(reported_on)
        measure.hlc = tx.hlc()
        tx.outbox("measure", measure.id, "update", ["reported_on", "ends_on"], measure.hlc)
        tx.audit("measure.report", entity="measure", entity_id=measure.id, person_id=measure.person_id)
        person = require_person(tx.session, store, measure.person_id)
        _set_status(tx, person, STATUS_UNDER[measure.kind], reported_on, "报到 / reported", measure.kind)
    return tx.changes


def change_status(store: Store, data: StatusChangeInput) -> Changes:
    with store.write() as tx:
        add_status_change(tx, data)
    return tx.changes


def add_status_change(tx: Tx, data: StatusChangeInput) -> None:
    person = require_person(tx.session, tx.store, data.person_id)
    try:
        reason = require(data.reason, "reason", field_label("reason"))
        check_not_future(data.on, today=tx.store.today(), field="on", label=field_label("on"))
    except ValueRuleError as exc:
        raise Refused(exc.message, exc.field) from None
    _set_status(tx, person, data.to_status, data.on, reason)


def _set_status(
    tx: Tx,
    person: Person,
    to_status: PersonStatus,
    on: date,
    reason: str,
    measure_kind: MeasureKind | None = None,
) -> None:
    """Append a status event if the lifecycle allows the change (app.rules.lifecycle decides)."""
    history = [
        RuleStatusEvent(
            id=e.id, on=e.on, from_status=e.from_status or PersonStatus.NOT_REPORTED, to_status=e.to_status
        )
        for e in tx.session.scalars(select(StatusEvent).where(StatusEvent.person_id == person.id))
    ]
    if measure_kind is None:
        measure_kind = tx.session.scalars(
            select(Measure.kind)
            .where(Measure.person_id == person.id)
            .order_by(Measure.ordered_on.desc())
            .limit(1)
        ).first()
    try:
        lifecycle.transition(
            person.status,
            to_status,
            on=on,
            reason=reason,
            by=tx.store.actor_id or lifecycle.NOBODY,
            history=history,
            measure_kind=measure_kind,
            today=tx.store.today(),
        )
    except lifecycle.TransitionError as exc:
        raise Refused(exc.message, "to_status") from None
    event_id = new_id()
    hlc = tx.hlc()
    tx.session.add(
        StatusEvent(
            id=event_id,
            person_id=person.id,
            office_code=person.office_code,
            from_status=person.status,
            to_status=to_status,
            on=on,
            reason=tx.seal("status_event", "reason", event_id, reason),
            recorded_by=tx.store.actor_id,
            recorded_at=tx.now,
            hlc=hlc,
        )
    )
    tx.outbox("status_event", event_id, "insert", [c.name for c in StatusEvent.__table__.columns], hlc)
    from_status = person.status
    person.status = to_status
    person.updated_at = tx.now
    person.hlc = hlc
    base = persons.advance_field_clocks(tx.session, person, ["status", "updated_at"], hlc)
    tx.outbox("person", person.id, "update", ["status", "updated_at"], hlc, {"status": base["status"]})
    tx.audit(
        "person.status",
        entity="status_event",
        entity_id=event_id,
        person_id=person.id,
        details={"from": from_status.value, "to": to_status.value},
    )


def _check_dates(ordered_on: date, reported_on: date | None, ends_on: date | None, today: date) -> None:
    try:
        check_not_future(ordered_on, today=today, field="ordered_on", label=field_label("ordered_on"))
        if reported_on is not None:
            check_not_future(reported_on, today=today, field="reported_on", label=field_label("reported_on"))
            if reported_on < ordered_on:
                raise ValueRuleError(REPORT_BEFORE_ORDER(), "reported_on")
            if ends_on is not None and ends_on < reported_on:
                raise ValueRuleError(END_BEFORE_REPORT(), "ends_on")
    except ValueRuleError as exc:
        raise Refused(exc.message, exc.field) from None
