"""Supervisors' review: sign a record off (it is frozen) or return it with a comment.

The role is checked here, in the service, not only by hiding a button: a worker cannot sign off.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import aliased

from app.errors import NotFound, Refused
from app.services import facts, users
from app.store.store import Changes, Store, Tx
from models import Review
from models.enums import FactKind, ReviewState, Role, VersionKind
from models.ids import new_id
from models.labels import field_label
from models.text import Text
from models.values import ValueRuleError, require

SUPERVISORS_ONLY = Text(
    "只有审核人员可以审核签字或退回记录。", "Only a supervisor can sign off or return records."
)
NOT_LATEST = Text(
    "这条记录已有更新的版本，请审核最新版本。", "This record has a newer version; review the newest one."
)
ALREADY_DECIDED = Text("这条记录已经审核签字。", "This record has already been signed off.")
DATES_REVERSED = Text("开始日期不能晚于结束日期。", "The start date cannot be after the end date.")
REVIEWABLE = (FactKind.VISIT, FactKind.DRUG_TEST, FactKind.ASSISTANCE, FactKind.LEAVE, FactKind.VIOLATION)


@dataclass(frozen=True)
class PendingRecord:
    kind: FactKind
    fact_id: UUID
    version_id: UUID
    version: int
    person_id: UUID
    occurred_on: date
    recorded_by: str | None  # login of who wrote this version
    recorded_at: datetime
    state: ReviewState  # pending, or returned (waiting for the worker's correction)
    comment: str | None = None  # why it was returned
    returned_by: str | None = None  # the supervisor's display name (login if it has none)
    returned_at: datetime | None = None


def pending(
    store: Store,
    kinds: tuple[FactKind, ...] = REVIEWABLE,
    *,
    recorded_by: UUID | None = None,
    since: date | None = None,
    until: date | None = None,
    returned_only: bool = False,
) -> list[PendingRecord]:
    """Current versions not yet signed off, oldest first: of ``kinds``, written by ``recorded_by``,
    of a date (the day the visit, test ... took place) from ``since`` to ``until`` inclusive.

    A record's newest version is what is reviewed: once the worker corrects a returned record, the new
    version waits for review and the returned one is no longer listed. ``returned_only`` lists only
    the records sent back and not yet corrected (the worker's Today), starting from the few returned
    decisions rather than from every record.
    """
    if since is not None and until is not None and since > until:
        raise Refused(DATES_REVERSED(), "until")
    known = users.list_users(store)
    logins = {u.id: u.login for u in known}
    shown = {u.id: u.display_name or u.login for u in known}
    result: list[PendingRecord] = []
    with store.read() as session:
        for kind in kinds:
            entity = facts.SPEC_BY_KIND[kind].entity
            newer = aliased(entity)
            latest_decision = (
                select(Review.id)
                .where(Review.fact_version_id == entity.id)
                .order_by(Review.decided_at.desc())
                .limit(1)
                .correlate(entity)
                .scalar_subquery()
            )
            query = select(
                entity.id.label("version_id"),
                entity.fact_id,
                entity.version,
                entity.person_id,
                entity.occurred_on,
                entity.recorded_by,
                entity.recorded_at,
                Review.id.label("review_id"),
                Review.decision,
                Review.comment,
                Review.reviewer_id,
                Review.decided_at,
            )
            if returned_only:
                query = query.select_from(Review).join(entity, entity.id == Review.fact_version_id)
                query = query.where(
                    Review.decision == ReviewState.RETURNED,
                    Review.fact_kind == kind,
                    Review.office_code == store.office_code,
                    Review.id == latest_decision,
                )
            else:
                query = query.outerjoin(Review, Review.id == latest_decision)
                query = query.where(or_(Review.id.is_(None), Review.decision != ReviewState.SIGNED_OFF))
            query = query.where(
                entity.office_code == store.office_code,
                entity.version_kind != VersionKind.VOID,
                ~exists().where(newer.fact_id == entity.fact_id, newer.version > entity.version),
            )
            if recorded_by is not None:
                query = query.where(entity.recorded_by == recorded_by)
            if since is not None:
                query = query.where(entity.occurred_on >= since)
            if until is not None:
                query = query.where(entity.occurred_on <= until)
            for row in session.execute(query):
                returned = row.decision is ReviewState.RETURNED
                result.append(
                    PendingRecord(
                        kind,
                        row.fact_id,
                        row.version_id,
                        row.version,
                        row.person_id,
                        row.occurred_on,
                        logins.get(row.recorded_by),
                        row.recorded_at,
                        row.decision if row.decision is not None else ReviewState.PENDING,
                        store.open("review", "comment", row.review_id, row.comment) if returned else None,
                        shown.get(row.reviewer_id) if returned else None,
                        row.decided_at if returned else None,
                    )
                )
    result.sort(key=lambda r: (r.recorded_at, r.occurred_on))
    return result


def sign_off(store: Store, kind: FactKind, version_id: UUID) -> Changes:
    return sign_off_all(store, [(kind, version_id)])


def sign_off_all(store: Store, records: Sequence[tuple[FactKind, UUID]]) -> Changes:
    """Sign several records off at once (the queue's bulk sign-off) in one transaction: all of them,
    or, if one cannot be (a newer version came in meanwhile), none."""
    _require_supervisor(store)
    with store.write() as tx:
        for kind, version_id in records:
            _decide(tx, kind, version_id, ReviewState.SIGNED_OFF, None)
    return tx.changes


def return_for_correction(store: Store, kind: FactKind, version_id: UUID, comment: str) -> Changes:
    _require_supervisor(store)
    try:
        require(comment, "comment", field_label("reason"))
    except ValueRuleError as exc:
        raise Refused(exc.message, "comment") from None
    with store.write() as tx:
        _decide(tx, kind, version_id, ReviewState.RETURNED, comment.strip())
    return tx.changes


def _require_supervisor(store: Store) -> None:
    if store.actor is None or store.actor.role is not Role.SUPERVISOR:
        raise Refused(SUPERVISORS_ONLY())


def _decide(tx: Tx, kind: FactKind, version_id: UUID, decision: ReviewState, comment: str | None) -> None:
    entity = facts.SPEC_BY_KIND[kind].entity
    row = tx.session.get(entity, version_id)
    if row is None or row.office_code != tx.store.office_code:
        raise NotFound(facts.FACT_NOT_FOUND())
    newest = tx.session.scalars(
        select(entity.id).where(entity.fact_id == row.fact_id).order_by(entity.version.desc()).limit(1)
    ).first()
    if newest != version_id:
        raise Refused(NOT_LATEST())
    if facts.review_state(tx.session, version_id) is ReviewState.SIGNED_OFF:
        raise Refused(ALREADY_DECIDED())
    review_id = new_id()
    hlc = tx.hlc()
    tx.session.add(
        Review(
            id=review_id,
            fact_kind=kind,
            fact_version_id=version_id,
            person_id=row.person_id,
            office_code=row.office_code,
            decision=decision,
            comment=tx.seal("review", "comment", review_id, comment),
            reviewer_id=tx.store.actor_id,
            decided_at=tx.now,
            hlc=hlc,
        )
    )
    tx.outbox("review", review_id, "insert", [c.name for c in Review.__table__.columns], hlc)
    tx.audit(f"review.{decision.value}", entity=kind.value, entity_id=version_id, person_id=row.person_id)
