"""outbox.discarded_at: a dead row an operator discarded

A dead row holds the later rows of its casus (key) until an operator retries or discards it;
a discarded row is never published and holds nothing. Rows before this revision have none.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("outbox", sa.Column("discarded_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.drop_column("outbox", "discarded_at")
