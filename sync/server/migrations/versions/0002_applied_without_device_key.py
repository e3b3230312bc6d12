"""Faster pushes: the applied pairs lose their foreign key to the device; a device's pushed_seq.

A push writes one ``applied`` row per change, and PostgreSQL checked the key once a row (a look-up of
the device and a share lock on its row): about a third of that table's insert cost. The device is
authenticated and locked (its advisory lock) for the whole push before any row is written, devices
are never deleted (a revoked one keeps its row), so the check could never fail.

``device.pushed_seq``: the highest seq of the pushes the server has answered, so a device can send its
next batch before the answer to the one before arrives and the server still applies them in order
(``PushRequest.follows``).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30 20:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("applied", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_applied_device_id_device"), type_="foreignkey")
    with op.batch_alter_table("device", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("pushed_seq", sa.BigInteger(), server_default=sa.text("0"), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("device", schema=None) as batch_op:
        batch_op.drop_column("pushed_seq")
    with op.batch_alter_table("applied", schema=None) as batch_op:
        batch_op.create_foreign_key(
            batch_op.f("fk_applied_device_id_device"), "device", ["device_id"], ["id"]
        )
