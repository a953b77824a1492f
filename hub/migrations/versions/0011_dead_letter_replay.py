"""dead letter replay: when, by whom and how often an operator replayed a dead letter

A replayed dead letter is not replayed again unless the operator asks for it (``opnieuw``);
these columns say whether it was, and are what the list filters on (``replayed``). Indexes on
the reason code and the origin topic: what an operator selects a replay by.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("dead_letter", schema=None) as batch_op:
        batch_op.add_column(sa.Column("replayed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("replayed_by", sa.String(length=200), nullable=True))
        batch_op.add_column(
            sa.Column("replay_count", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.create_index(
            batch_op.f("ix_dead_letter_reason_code"), ["reason_code"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_dead_letter_origin_topic"), ["origin_topic"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("dead_letter", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dead_letter_origin_topic"))
        batch_op.drop_index(batch_op.f("ix_dead_letter_reason_code"))
        batch_op.drop_column("replay_count")
        batch_op.drop_column("replayed_by")
        batch_op.drop_column("replayed_at")
