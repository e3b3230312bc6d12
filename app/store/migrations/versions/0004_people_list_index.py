"""people list index: the office's ids in record order without reading the rows

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 15:20:00
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.create_index("ix_person_office_record", ["office_code", "record_no", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_index("ix_person_office_record")
