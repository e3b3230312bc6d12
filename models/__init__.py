"""The domain model: typed SQLAlchemy entities, enums and value rules. Imports nothing else of ours."""

from models.base import Base
from models.facts import (
    FACT_ENTITIES,
    Agreement,
    Assistance,
    DrugTest,
    FactVersion,
    Leave,
    PoliceReport,
    Review,
    RiskAssessment,
    RiskFlag,
    RiskOverride,
    Violation,
    Visit,
)
from models.org import Office, User
from models.person import Measure, Person, StatusEvent, WorkGroupMember
from models.sync import SyncConflict, SyncFieldClock, SyncParked, SyncState
from models.system import AuditEntry, OutboxChange, RulesView, Setting

__all__ = [
    "FACT_ENTITIES",
    "Agreement",
    "Assistance",
    "AuditEntry",
    "Base",
    "DrugTest",
    "FactVersion",
    "Leave",
    "Measure",
    "Office",
    "OutboxChange",
    "Person",
    "PoliceReport",
    "Review",
    "RiskAssessment",
    "RiskFlag",
    "RiskOverride",
    "RulesView",
    "Setting",
    "StatusEvent",
    "SyncConflict",
    "SyncFieldClock",
    "SyncParked",
    "SyncState",
    "User",
    "Violation",
    "Visit",
    "WorkGroupMember",
]
