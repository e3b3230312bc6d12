"""A person under a measure: the profile, the measures, the status history and the work group.

The profile is the one mutable record (fields merge one by one when offices sync); measures and status
events are appended, never rewritten.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, enum_type, id_column, sealed
from models.enums import MeasureKind, PersonStatus, RiskColour, WorkGroupRole


class Person(Base):
    __tablename__ = "person"
    __table_args__ = (
        Index("ix_person_office_status", "office_code", "status"),
        # The people list in record order, ids only, straight from the index (10,000 rows per keystroke).
        Index("ix_person_office_record", "office_code", "record_no", "id"),
        Index("ix_person_id_blind", "id_blind"),
        Index("ix_person_phone_blind", "phone_blind"),
    )

    id: Mapped[uuid.UUID] = id_column()
    office_code: Mapped[str] = mapped_column(ForeignKey("office.code"))
    record_no: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[bytes] = sealed(nullable=False)
    aliases: Mapped[bytes | None] = sealed()  # JSON list
    gender: Mapped[bytes] = sealed(nullable=False)
    birth_date: Mapped[bytes] = sealed(nullable=False)
    id_number: Mapped[bytes] = sealed(nullable=False)
    id_blind: Mapped[bytes] = mapped_column(LargeBinary(16))  # keyed blind index of id_number
    phone: Mapped[bytes | None] = sealed()
    phone_blind: Mapped[bytes | None] = mapped_column(LargeBinary(16))
    household_address: Mapped[bytes | None] = sealed()
    residence_address: Mapped[bytes | None] = sealed()
    drug_types: Mapped[bytes | None] = sealed()  # JSON list of Drug codes
    notes: Mapped[bytes | None] = sealed()
    first_found_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[PersonStatus] = mapped_column(enum_type(PersonStatus))
    risk_colour: Mapped[RiskColour] = mapped_column(enum_type(RiskColour))
    assigned_worker_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    hlc: Mapped[str] = mapped_column(String(40))
    # The clock of each profile field's last change (JSON object field → HLC): offices merge the profile
    # field by field, the later clock winning. Clock values only, never field values.
    field_hlc: Mapped[str | None] = mapped_column(Text)


class WorkGroupMember(Base):
    """Someone in the person's work group (工作小组): police officer, medic, family, volunteer."""

    __tablename__ = "work_group_member"

    id: Mapped[uuid.UUID] = id_column()
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"), index=True)
    role: Mapped[WorkGroupRole] = mapped_column(enum_type(WorkGroupRole))
    name: Mapped[bytes] = sealed(nullable=False)
    phone: Mapped[bytes | None] = sealed()
    removed: Mapped[bool] = mapped_column(default=False)
    hlc: Mapped[str] = mapped_column(String(40))


class Measure(Base):
    """A measure ordered by the police; its dates drive the schedules, so they stay plain."""

    __tablename__ = "measure"

    id: Mapped[uuid.UUID] = id_column()
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"), index=True)
    office_code: Mapped[str] = mapped_column(ForeignKey("office.code"))
    kind: Mapped[MeasureKind] = mapped_column(enum_type(MeasureKind))
    ordered_on: Mapped[date] = mapped_column(Date)
    reported_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    ordered_by: Mapped[bytes | None] = sealed()
    document_no: Mapped[bytes | None] = sealed()
    recorded_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("app_user.id"))
    recorded_at: Mapped[datetime]
    hlc: Mapped[str] = mapped_column(String(40))


class StatusEvent(Base):
    """Every change of a person's status, with its date, reason and who recorded it."""

    __tablename__ = "status_event"

    id: Mapped[uuid.UUID] = id_column()
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"), index=True)
    office_code: Mapped[str] = mapped_column(ForeignKey("office.code"))
    from_status: Mapped[PersonStatus | None] = mapped_column(enum_type(PersonStatus))
    to_status: Mapped[PersonStatus] = mapped_column(enum_type(PersonStatus))
    on: Mapped[date] = mapped_column(Date)
    reason: Mapped[bytes | None] = sealed()
    recorded_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("app_user.id"))
    recorded_at: Mapped[datetime]
    hlc: Mapped[str] = mapped_column(String(40))
