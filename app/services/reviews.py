"""Supervisors' review: sign a record off (it is frozen) or return it with a comment.

The role is checked here, in the service, not only by hiding a button: a worker cannot sign off.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from sqlalchemy import select

from app.errors import NotFound, Refused
from app.services import facts
from app.store.store import Changes, Store
from models import Review, User
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
REVIEWABLE = (FactKind.VISIT, FactKind.DRUG_TEST, FactKind.ASSISTANCE, FactKind.LEAVE, FactKind.VIOLATION)


@dataclass(frozen=True)
class PendingRecord:
    kind: FactKind
    fact_id: UUID
    version_id: UUID
    version: int
    person_id: UUID
    occurred_on: date
    recorded_by: str | None
    recorded_at: datetime
    state: ReviewState  # pending, or returned (waiting for the worker's correction)


def pending(store: Store, kinds: tuple[FactKind, ...] = REVIEWABLE) -> list[PendingRecord]:
    """Current versions not yet signed off, oldest first."""
    result: list[PendingRecord] = []
    with store.read() as session:
        logins = dict(session.execute(select(User.id, User.login)).all())
        decisions: dict[UUID, ReviewState] = {}
        for version_id, decision in session.execute(
            select(Review.fact_version_id, Review.decision).order_by(Review.decided_at)
        ).all():
            decisions[version_id] = decision
        for kind in kinds:
            entity = facts.SPEC_BY_KIND[kind].entity
            rows = session.scalars(
                select(entity)
                .where(entity.office_code == store.office_code)
                .order_by(entity.fact_id, entity.version)
            ).all()
            latest: dict[UUID, object] = {}
            for row in rows:
                latest[row.fact_id] = row
            for row in latest.values():
                state = decisions.get(row.id, ReviewState.PENDING)  # type: ignore[attr-defined]
                if row.version_kind is VersionKind.VOID or state is ReviewState.SIGNED_OFF:  # type: ignore[attr-defined]
                    continue
                result.append(
                    PendingRecord(
                        kind,
                        row.fact_id,
                        row.id,
                        row.version,
                        row.person_id,
                        row.occurred_on,  # type: ignore[attr-defined]
                        logins.get(row.recorded_by),
                        row.recorded_at,
                        state,  # type: ignore[attr-defined]
                    )
                )
    result.sort(key=lambda r: (r.recorded_at, r.occurred_on))
    return result


def sign_off(store: Store, kind: FactKind, version_id: UUID) -> Changes:
    return _decide(store, kind, version_id, ReviewState.SIGNED_OFF, None)


def return_for_correction(store: Store, kind: FactKind, version_id: UUID, comment: str) -> Changes:
    try:
        require(comment, "comment", field_label("reason"))
    except ValueRuleError as exc:
        raise Refused(exc.message, "comment") from None
    return _decide(store, kind, version_id, ReviewState.RETURNED, comment)


def _decide(
    store: Store, kind: FactKind, version_id: UUID, decision: ReviewState, comment: str | None
) -> Changes:
    if store.actor is None or store.actor.role is not Role.SUPERVISOR:
        raise Refused(SUPERVISORS_ONLY())
    entity = facts.SPEC_BY_KIND[kind].entity
    with store.write() as tx:
        row = tx.session.get(entity, version_id)
        if row is None or row.office_code != store.office_code:
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
                reviewer_id=store.actor_id,
                decided_at=tx.now,
                hlc=hlc,
            )
        )
        tx.outbox("review", review_id, "insert", [c.name for c in Review.__table__.columns], hlc)
        tx.audit(f"review.{decision.value}", entity=kind.value, entity_id=version_id, person_id=row.person_id)
    return tx.changes
