"""outbox as a delivery queue

The outbox gets ``execute_after`` (next attempt not before) and ``dead_at`` (attempts ran out),
indexes for the relay's per-key check and the operators' dead rows, and ``processed_event`` an
index on ``processed_at`` for the retention purge. Rows already in the outbox are due at once.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("execute_after", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("dead_at", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE outbox SET execute_after = created_at")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.alter_column(
            "execute_after", existing_type=sa.DateTime(timezone=True), nullable=False
        )
        batch_op.create_index(batch_op.f("ix_outbox_key"), ["key"], unique=False)
        batch_op.create_index(batch_op.f("ix_outbox_dead_at"), ["dead_at"], unique=False)
    with op.batch_alter_table("processed_event", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_processed_event_processed_at"), ["processed_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("processed_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_processed_event_processed_at"))
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_dead_at"))
        batch_op.drop_index(batch_op.f("ix_outbox_key"))
        batch_op.drop_column("dead_at")
        batch_op.drop_column("execute_after")
