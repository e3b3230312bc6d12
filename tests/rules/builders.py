"""Synthetic facts for the rules tests: small helpers so each table row reads as the case it tests."""

from __future__ import annotations

import itertools
import uuid
from datetime import date

from app.rules.facts import (
    AgreementFact,
    LeaveFact,
    MeasureFacts,
    PersonFacts,
    StatusEvent,
    TestFact,
    ViolationFact,
    VisitFact,
)
from app.rules.policy import Policy, default_policy
from models.enums import MeasureKind, PersonStatus, SampleType, TestResult, ViolationKind, VisitKind

S = PersonStatus
TREATMENT = MeasureKind.COMMUNITY_TREATMENT
REHAB = MeasureKind.COMMUNITY_REHAB
PERSON = uuid.UUID("00000000-0000-7000-8000-000000000001")
_counter = itertools.count(1000)


def new_id() -> uuid.UUID:
    """Ids that sort in creation order, like the store's UUIDv7."""
    return uuid.UUID(int=next(_counter))


def d(text: str) -> date:
    return date.fromisoformat(text)


def policy() -> Policy:
    return default_policy()


def measure(
    reported: str | None,
    *,
    kind: MeasureKind = TREATMENT,
    ordered: str | None = None,
    ends: str | None = None,
) -> MeasureFacts:
    ordered_on = d(ordered) if ordered else d(reported) if reported else d("2024-01-01")
    return MeasureFacts(
        new_id(), kind, ordered_on, d(reported) if reported else None, d(ends) if ends else None
    )


def event(on: str, frm: PersonStatus, to: PersonStatus) -> StatusEvent:
    return StatusEvent(new_id(), d(on), frm, to)


def reported(m: MeasureFacts) -> StatusEvent:
    to = S.IN_TREATMENT if m.kind is TREATMENT else S.IN_REHAB
    assert m.reported_on is not None
    return StatusEvent(new_id(), m.reported_on, S.NOT_REPORTED, to)


def drug_test(
    on: str,
    result: TestResult = TestResult.NEGATIVE,
    sample: SampleType = SampleType.URINE,
    recorded: str | None = None,
) -> TestFact:
    return TestFact(new_id(), d(on), sample, result, d(recorded) if recorded else None)


def visit(on: str, kind: VisitKind = VisitKind.HOME) -> VisitFact:
    return VisitFact(new_id(), d(on), kind)


def leave(starts: str, ends: str, returned: str | None = None) -> LeaveFact:
    return LeaveFact(new_id(), d(starts), d(ends), d(returned) if returned else None)


def violation(on: str, kind: ViolationKind, days: int = 0, recorded: str | None = None) -> ViolationFact:
    return ViolationFact(new_id(), d(on), kind, days, d(recorded) if recorded else None)


def agreement(on: str, m: MeasureFacts | None = None, until: str | None = None) -> AgreementFact:
    return AgreementFact(new_id(), d(on), m.id if m else None, d(until) if until else None)


def under(
    m: MeasureFacts,
    *,
    status: PersonStatus | None = None,
    events: tuple[StatusEvent, ...] = (),
    signed: bool = True,
    **facts: object,
) -> PersonFacts:
    """A person under measure `m` since its report date, with an agreement signed that day unless told not."""
    assert m.reported_on is not None
    status = status or (S.IN_TREATMENT if m.kind is TREATMENT else S.IN_REHAB)
    agreements = tuple(facts.pop("agreements", ()))  # type: ignore[arg-type]
    if signed:
        agreements += (agreement(m.reported_on.isoformat(), m),)
    return PersonFacts(
        PERSON, status, measures=(m,), status_events=(reported(m), *events), agreements=agreements, **facts
    )  # type: ignore[arg-type]
