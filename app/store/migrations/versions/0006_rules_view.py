"""rules view: each person's facts as the rules read them, kept between sessions

Derived and sealed; triggers delete a person's row whenever a record the rules read is written for them,
whatever writes it, so a kept row is never stale (app.services.caseload_reader).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 17:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# Every table app.services.caseload_reader reads a person's facts from.
RULES_TABLES = (
    "measure",
    "status_event",
    "drug_test",
    "visit",
    "leave",
    "violation",
    "agreement",
    "police_report",
    "risk_flag",
    "risk_assessment",
    "risk_override",
)


def _triggers(table: str, key: str = "person_id") -> dict[str, str]:
    forget = "DELETE FROM rules_view WHERE person_id = {row}.{key};"
    return {
        f"rules_view_{table}_insert": f"AFTER INSERT ON {table} BEGIN "
        + forget.format(row="NEW", key=key)
        + " END",
        f"rules_view_{table}_update": f"AFTER UPDATE ON {table} BEGIN "
        + forget.format(row="OLD", key=key)
        + " "
        + forget.format(row="NEW", key=key)
        + " END",
        f"rules_view_{table}_delete": f"AFTER DELETE ON {table} BEGIN "
        + forget.format(row="OLD", key=key)
        + " END",
    }


def triggers() -> dict[str, str]:
    found: dict[str, str] = {}
    for table in RULES_TABLES:
        found.update(_triggers(table))
    # A person's status and colour are read from their row each time; only a removed person's view goes.
    found["rules_view_person_delete"] = (
        "AFTER DELETE ON person BEGIN DELETE FROM rules_view WHERE person_id = OLD.id; END"
    )
    return found


def upgrade() -> None:
    op.create_table(
        "rules_view",
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("facts", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_rules_view")),
    )
    for name, body in triggers().items():
        op.execute(f"CREATE TRIGGER {name} {body}")


def downgrade() -> None:
    for name in triggers():
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table("rules_view")
