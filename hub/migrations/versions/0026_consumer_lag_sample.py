"""consumer_lag_sample: each consumer group's lag per minute, for the dashboard's chart

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "consumer_lag_sample",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("groep", sa.String(length=200), nullable=False),
        sa.Column("minuut", sa.DateTime(timezone=True), nullable=False),
        sa.Column("achterstand", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("groep", "minuut", name="uq_consumer_lag_sample"),
    )
    with op.batch_alter_table("consumer_lag_sample") as batch_op:
        batch_op.create_index(batch_op.f("ix_consumer_lag_sample_minuut"), ["minuut"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("consumer_lag_sample") as batch_op:
        batch_op.drop_index(batch_op.f("ix_consumer_lag_sample_minuut"))
    op.drop_table("consumer_lag_sample")
