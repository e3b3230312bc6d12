"""The plain facts the rules read: one person's measures, status history and recorded facts, as of now.

The caller (a service over the store) fills these from the database. They hold ids, dates and enums only:
no names, no free text the rules would have to decrypt, no ORM objects, so they can cross threads and be
built for a whole caseload in one pass. Corrections and voids are resolved before this point: every fact
here is the current, non-void version. The order of the tuples does not matter; the rules sort what they need.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from models.enums import (
    EscalationKind,
    MeasureKind,
    PersonStatus,
    RiskColour,
    RiskFlagKind,
    SampleType,
    TestResult,
    ViolationKind,
    VisitKind,
)

# A record's id. The store's reader hands over the 32-digit hex text the store keeps (a million UUID
# objects would cost seconds); tests and other callers may pass UUIDs. The rules only compare, sort and
# echo ids, so either works as long as one person's facts use one form.
RecordId = UUID | str


@dataclass(frozen=True, slots=True)
class MeasureFacts:
    """One order (社区戒毒, 社区康复 or 强制隔离戒毒). The clock starts on the report date."""

    id: RecordId
    kind: MeasureKind
    ordered_on: date
    reported_on: date | None = None  # None: ordered, not yet reported
    # An end the order itself fixes (e.g. 2 years of rehab); None: the policy's term from the report date.
    ends_on: date | None = None


@dataclass(frozen=True, slots=True)
class StatusEvent:
    """One change of status. Also what lifecycle.transition() returns for the service to store."""

    id: RecordId
    on: date
    from_status: PersonStatus
    to_status: PersonStatus
    by: UUID | None = None  # the user who recorded it
    reason: str = ""  # kept for the record and the audit; no rule reads it, so callers may leave it empty
    office_code: str = ""  # the office holding the record after the event (set on transfers); "" unchanged


@dataclass(frozen=True, slots=True)
class TestFact:
    __test__ = False  # not a pytest class, despite the name

    # None for a negative result: no rule names one (incidents are positives and refusals), and a
    # county's caseload holds hundreds of thousands of them.
    id: RecordId | None
    on: date  # the day the sample was taken
    sample: SampleType
    result: TestResult
    # When the office learnt of it (a lab result, a backdated entry); None: `on`.
    recorded_on: date | None = None


@dataclass(frozen=True, slots=True)
class VisitFact:
    id: RecordId | None  # no rule names a visit; the store's reader leaves it None (see TestFact.id)
    on: date
    kind: VisitKind


@dataclass(frozen=True, slots=True)
class LeaveFact:
    """An approved leave (请假). `ends_on` is the last day away; being back on it is on time."""

    id: RecordId
    starts_on: date
    ends_on: date
    returned_on: date | None = None  # None: not back yet (or the return is not recorded)


@dataclass(frozen=True, slots=True)
class ViolationFact:
    id: RecordId
    on: date
    kind: ViolationKind
    days: int = 0  # for absences: days away without permission (0 counts as 1)
    recorded_on: date | None = None  # None: `on`


@dataclass(frozen=True, slots=True)
class AgreementFact:
    id: RecordId
    signed_on: date
    measure_id: RecordId | None = None  # None: whichever measure runs on the signing day
    valid_until: date | None = None  # None: for the whole measure


@dataclass(frozen=True, slots=True)
class PoliceReportFact:
    """The worker's record that an escalation was reported to the police."""

    id: RecordId
    reported_on: date
    kind: EscalationKind
    # The incidents reported (Escalation.incident_id). Empty: every incident of this kind known by that day,
    # which is what a ledger import can say.
    incident_ids: frozenset[RecordId] = frozenset()


@dataclass(frozen=True, slots=True)
class RiskFlag:
    id: RecordId
    on: date
    kind: RiskFlagKind
    until: date | None = None  # the day the worker judged it over; None: it holds for the policy's hold days


@dataclass(frozen=True, slots=True)
class RiskAssessment:
    """The worker's latest assessment: driver name → value, as the policy's [risk.drivers] name them."""

    id: RecordId
    on: date
    drivers: tuple[tuple[str, str | int], ...] = ()

    @classmethod
    def of(cls, id: RecordId, on: date, **drivers: str | int) -> RiskAssessment:
        return cls(id, on, tuple(sorted(drivers.items())))


@dataclass(frozen=True, slots=True)
class RiskOverride:
    """The worker's own colour, with a reason (audited by the service that stores it)."""

    id: RecordId
    on: date
    colour: RiskColour
    until: date | None = None  # None: until changed
    by: UUID | None = None
    reason: str = ""


@dataclass(frozen=True, slots=True)
class PersonFacts:
    person_id: UUID
    status: PersonStatus
    # The colour on file (e.g. from a ledger): used when there is no assessment.
    risk_colour: RiskColour | None = None
    risk_override: RiskOverride | None = None  # the latest override, if any
    measures: tuple[MeasureFacts, ...] = ()
    status_events: tuple[StatusEvent, ...] = ()
    tests: tuple[TestFact, ...] = ()
    visits: tuple[VisitFact, ...] = ()
    leaves: tuple[LeaveFact, ...] = ()
    violations: tuple[ViolationFact, ...] = ()
    agreements: tuple[AgreementFact, ...] = ()
    police_reports: tuple[PoliceReportFact, ...] = ()
    risk_flags: tuple[RiskFlag, ...] = ()
    risk_assessment: RiskAssessment | None = None  # the latest assessment, if any


def learnt_on(fact: TestFact | ViolationFact) -> date:
    """The day the office knew of a fact: deadlines run from here, never from a backdated `on`."""
    return fact.recorded_on if fact.recorded_on is not None and fact.recorded_on > fact.on else fact.on
