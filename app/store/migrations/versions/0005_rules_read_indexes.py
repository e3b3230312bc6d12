"""rules read indexes: a caseload's visits and tests read from indexes, not from the wide rows

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 17:35:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

RULES_COLUMNS = {
    "visit": ["person_id", "version_kind", "occurred_on", "kind", "fact_id", "version"],
    "drug_test": [
        "person_id",
        "version_kind",
        "occurred_on",
        "sample",
        "fact_id",
        "version",
        "id",
        "recorded_at",
        "result",
    ],
}


def upgrade() -> None:
    # Plain CREATE INDEX: a batch operation would copy each table, minutes on a county's store.
    for table, columns in RULES_COLUMNS.items():
        op.create_index(f"ix_{table}_rules", table, columns, unique=False)
        op.create_index(
            f"ix_{table}_corrected",
            table,
            ["fact_id", "version"],
            unique=False,
            sqlite_where=sa.text("version > 1"),
        )


def downgrade() -> None:
    for table in RULES_COLUMNS:
        op.drop_index(f"ix_{table}_corrected", table_name=table)
        op.drop_index(f"ix_{table}_rules", table_name=table)
