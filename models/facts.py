"""Facts: things that happened. Append-only — a correction is a new version, a void a tombstone.

Every version is its own row. ``fact_id`` names the fact across versions (it equals the first version's
id), ``version`` counts from 1, and ``supersedes_id`` points to the version it replaces. What a worker
sees is the latest version of each fact; a void version hides the fact but keeps every earlier one.
Dates and kinds that schedules and indicators query stay plain; everything personal or about health is
in the sealed ``content`` (one JSON document per row, so reading a timeline costs one decryption a row).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from models.base import Base, enum_type, id_column, sealed
from models.enums import (
    AssistanceKind,
    EscalationKind,
    FactKind,
    ReviewState,
    RiskColour,
    RiskFlagKind,
    SampleType,
    TestMethod,
    VersionKind,
    ViolationKind,
    VisitKind,
)


class FactVersion:
    """Columns shared by every fact table."""

    id: Mapped[uuid.UUID] = id_column()
    fact_id: Mapped[uuid.UUID] = mapped_column(index=True)
    version: Mapped[int] = mapped_column(Integer)
    version_kind: Mapped[VersionKind] = mapped_column(enum_type(VersionKind))
    supersedes_id: Mapped[uuid.UUID | None]
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"))
    office_code: Mapped[str] = mapped_column(ForeignKey("office.code"))
    occurred_on: Mapped[date] = mapped_column(Date)
    content: Mapped[bytes] = sealed(nullable=False)
    change_reason: Mapped[bytes | None] = sealed()  # why it was corrected or voided
    recorded_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("app_user.id"))
    recorded_at: Mapped[datetime]
    hlc: Mapped[str] = mapped_column(String(40))

    # The columns the rules read of the big tables (visits and tests: most of a caseload's facts), kept
    # in an index of their own so the whole caseload is read from the index instead of the wide rows.
    rules_columns: tuple[str, ...] = ()

    @declared_attr.directive
    def __table_args__(cls) -> tuple[object, ...]:
        table = cls.__tablename__
        args: list[object] = [
            Index(f"ix_{table}_person_on", "person_id", "occurred_on"),
            UniqueConstraint("fact_id", "version"),
        ]
        if cls.rules_columns:
            args.append(Index(f"ix_{table}_rules", *cls.rules_columns))
            # Corrected facts (a version above 1) are few: reading their ids first spares the check for
            # a newer version on every other row.
            args.append(
                Index(f"ix_{table}_corrected", "fact_id", "version", sqlite_where=text("version > 1"))
            )
        return tuple(args)


class Visit(FactVersion, Base):
    __tablename__ = FactKind.VISIT.value
    rules_columns = ("person_id", "version_kind", "occurred_on", "kind", "fact_id", "version")
    kind: Mapped[VisitKind] = mapped_column(enum_type(VisitKind))
    next_contact_on: Mapped[date | None] = mapped_column(Date)


class DrugTest(FactVersion, Base):
    __tablename__ = FactKind.DRUG_TEST.value
    rules_columns = (
        "person_id",
        "version_kind",
        "occurred_on",
        "sample",
        "fact_id",
        "version",
        "id",
        "recorded_at",
        "result",
    )
    sample: Mapped[SampleType] = mapped_column(enum_type(SampleType))
    method: Mapped[TestMethod] = mapped_column(enum_type(TestMethod))
    result: Mapped[bytes] = sealed(nullable=False)  # TestResult code: health data, so sealed


class Assistance(FactVersion, Base):
    __tablename__ = FactKind.ASSISTANCE.value
    kind: Mapped[AssistanceKind] = mapped_column(enum_type(AssistanceKind))


class Leave(FactVersion, Base):
    __tablename__ = FactKind.LEAVE.value
    ends_on: Mapped[date] = mapped_column(Date)
    returned_on: Mapped[date | None] = mapped_column(Date)


class Violation(FactVersion, Base):
    __tablename__ = FactKind.VIOLATION.value
    kind: Mapped[ViolationKind] = mapped_column(enum_type(ViolationKind))
    reported_to_police_on: Mapped[date | None] = mapped_column(Date)


class Agreement(FactVersion, Base):
    __tablename__ = FactKind.AGREEMENT.value
    measure_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("measure.id"))
    valid_until: Mapped[date | None] = mapped_column(Date)


class PoliceReport(FactVersion, Base):
    """The worker reported a relapse, refusal or serious violation to the police (the escalation closes)."""

    __tablename__ = FactKind.POLICE_REPORT.value
    kind: Mapped[EscalationKind] = mapped_column(enum_type(EscalationKind))


class RiskFlag(FactVersion, Base):
    """Self-harm or mental instability observed: the person goes to the top colour at once."""

    __tablename__ = FactKind.RISK_FLAG.value
    kind: Mapped[RiskFlagKind] = mapped_column(enum_type(RiskFlagKind))
    until: Mapped[date | None] = mapped_column(Date)


class RiskAssessment(FactVersion, Base):
    """The worker's assessment of the risk drivers (sealed: drug use, family, work are health data)."""

    __tablename__ = FactKind.RISK_ASSESSMENT.value


class RiskOverride(FactVersion, Base):
    """A colour the worker set by hand, with a reason (sealed), instead of the computed one."""

    __tablename__ = FactKind.RISK_OVERRIDE.value
    colour: Mapped[RiskColour] = mapped_column(enum_type(RiskColour))
    until: Mapped[date | None] = mapped_column(Date)


FACT_ENTITIES: dict[FactKind, type[FactVersion]] = {
    FactKind.VISIT: Visit,
    FactKind.DRUG_TEST: DrugTest,
    FactKind.ASSISTANCE: Assistance,
    FactKind.LEAVE: Leave,
    FactKind.VIOLATION: Violation,
    FactKind.AGREEMENT: Agreement,
    FactKind.POLICE_REPORT: PoliceReport,
    FactKind.RISK_FLAG: RiskFlag,
    FactKind.RISK_ASSESSMENT: RiskAssessment,
    FactKind.RISK_OVERRIDE: RiskOverride,
}


class Review(Base):
    """A supervisor's decision on one fact version: signed off (frozen) or returned with a comment."""

    __tablename__ = "review"

    id: Mapped[uuid.UUID] = id_column()
    fact_kind: Mapped[FactKind] = mapped_column(enum_type(FactKind))
    fact_version_id: Mapped[uuid.UUID] = mapped_column(index=True)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"))
    office_code: Mapped[str] = mapped_column(ForeignKey("office.code"))
    decision: Mapped[ReviewState] = mapped_column(enum_type(ReviewState))
    comment: Mapped[bytes | None] = sealed()
    reviewer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("app_user.id"))
    decided_at: Mapped[datetime]
    hlc: Mapped[str] = mapped_column(String(40))
