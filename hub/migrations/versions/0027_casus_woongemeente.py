"""casus.woongemeente: the household's municipality of residence (its OIN), where instruments
for gemeente go

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("casus") as batch_op:
        batch_op.add_column(sa.Column("woongemeente", sa.String(length=20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("casus") as batch_op:
        batch_op.drop_column("woongemeente")
