"""Plain input objects: what a form, a ledger row or the demo generator hands to a service.

They carry typed, already-parsed values; the services validate the rules that need the store.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from uuid import UUID

from models.enums import (
    AssistanceKind,
    AssistanceOutcome,
    Drug,
    EscalationKind,
    Gender,
    MeasureKind,
    PersonStatus,
    RiskColour,
    RiskFlagKind,
    SampleType,
    TestMethod,
    TestResult,
    ViolationKind,
    VisitKind,
    WorkGroupRole,
)


@dataclass
class WorkGroupMemberInput:
    role: WorkGroupRole
    name: str
    phone: str = ""


@dataclass
class PersonInput:
    name: str
    id_number: str  # 18 digits (15-digit legacy numbers are upgraded by the service)
    gender: Gender | None = None  # derived from the ID number when omitted
    birth_date: date | None = None  # derived from the ID number when omitted
    aliases: list[str] = field(default_factory=list)
    phone: str = ""
    household_address: str = ""  # 户籍地
    residence_address: str = ""  # 居住地
    drug_types: list[Drug] = field(default_factory=list)
    first_found_on: date | None = None
    risk_colour: RiskColour = RiskColour.BLUE
    assigned_worker_id: UUID | None = None  # None: the user who registers the person
    notes: str = ""
    work_group: list[WorkGroupMemberInput] = field(default_factory=list)


@dataclass
class MeasureInput:
    person_id: UUID
    kind: MeasureKind
    ordered_on: date
    ordered_by: str = ""  # the deciding police authority
    document_no: str = ""
    reported_on: date | None = None  # None: ordered, not yet reported
    ends_on: date | None = None  # None: the statutory term from the report date


@dataclass
class StatusChangeInput:
    person_id: UUID
    to_status: PersonStatus
    on: date
    reason: str


@dataclass
class VisitInput:
    person_id: UUID
    visited_on: date
    kind: VisitKind
    participants: list[str] = field(default_factory=list)
    employment: str = ""
    family: str = ""
    health: str = ""
    mental_state: str = ""
    needs: str = ""
    summary: str = ""
    next_contact_on: date | None = None


@dataclass
class DrugTestInput:
    person_id: UUID
    tested_on: date
    sample: SampleType = SampleType.URINE
    method: TestMethod = TestMethod.ON_SITE
    result: TestResult = TestResult.NEGATIVE
    # Result per substance tested; when empty the overall result stands alone.
    substance_results: dict[Drug, TestResult] = field(default_factory=dict)
    kit_lot: str = ""
    witness: str = ""
    notes: str = ""


@dataclass
class AssistanceInput:
    person_id: UUID
    given_on: date
    kind: AssistanceKind
    provider: str = ""
    amount: Decimal | None = None  # yuan, where money is involved
    outcome: AssistanceOutcome = AssistanceOutcome.PENDING
    details: str = ""


@dataclass
class LeaveInput:
    person_id: UUID
    starts_on: date
    ends_on: date
    destination: str = ""
    reason: str = ""
    approved_by: str = ""
    returned_on: date | None = None


@dataclass
class ViolationInput:
    person_id: UUID
    occurred_on: date
    kind: ViolationKind
    description: str = ""
    reported_to_police_on: date | None = None
    days: int = 0  # for an absence: the days away without permission


@dataclass
class AgreementInput:
    person_id: UUID
    signed_on: date
    measure_id: UUID | None = None
    valid_until: date | None = None
    terms: str = ""


@dataclass
class PoliceReportInput:
    """The worker reported an escalation (relapse, refusal, serious violation) to the police."""

    person_id: UUID
    reported_on: date
    kind: EscalationKind
    incident_ids: list[UUID] = field(default_factory=list)  # empty: every open incident of this kind
    station: str = ""
    notes: str = ""


@dataclass
class RiskFlagInput:
    person_id: UUID
    noted_on: date
    kind: RiskFlagKind
    until: date | None = None
    notes: str = ""


@dataclass
class RiskAssessmentInput:
    person_id: UUID
    assessed_on: date
    drivers: dict[str, str | int] = field(default_factory=dict)  # as the policy's [risk.drivers] name them
    notes: str = ""


@dataclass
class RiskOverrideInput:
    person_id: UUID
    set_on: date
    colour: RiskColour
    reason: str
    until: date | None = None
