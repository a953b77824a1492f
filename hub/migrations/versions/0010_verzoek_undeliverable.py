"""verzoek: why a request is undeliverable (status ``undeliverable``)

A connector's ``nl.maatwerk.aflevering.mislukt.v1`` report, or the hub's outbox giving up on an
instruction, makes a request ``undeliverable`` with its reason: code, text, whether it is final,
and since when. The status column takes the new value as it is (a string); the reason columns are
null for every other status.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("verzoek", schema=None) as batch_op:
        batch_op.add_column(sa.Column("aflevering_reden_code", sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column("aflevering_toelichting", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("aflevering_definitief", sa.Boolean(), nullable=True))
        batch_op.add_column(
            sa.Column("aflevering_sinds", sa.DateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    # An undeliverable request was not answered: before this revision that is pending.
    op.execute("UPDATE verzoek SET status = 'pending' WHERE status = 'undeliverable'")
    with op.batch_alter_table("verzoek", schema=None) as batch_op:
        batch_op.drop_column("aflevering_sinds")
        batch_op.drop_column("aflevering_definitief")
        batch_op.drop_column("aflevering_toelichting")
        batch_op.drop_column("aflevering_reden_code")
