"""outbox unsent index: the changes not yet at the server, counted without walking the whole outbox

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 18:35:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_outbox_change_unsent",
        "outbox_change",
        ["rejected_at", "seq", "acked_at"],
        unique=False,
        sqlite_where=sa.text("acked_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_outbox_change_unsent", table_name="outbox_change")
