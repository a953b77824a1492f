"""verzoek.aflevering_redencode: one word for a reason code

The reason an instruction could not be delivered was ``reden_code`` while every answer of the
contract says ``redencode``; the column takes the one word. ``RENAME COLUMN`` works in place on
SQLite (3.25 and later) and PostgreSQL, so the partial unique index of revision 0014 stays.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06
"""

from __future__ import annotations

from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE verzoek RENAME COLUMN aflevering_reden_code TO aflevering_redencode")


def downgrade() -> None:
    op.execute("ALTER TABLE verzoek RENAME COLUMN aflevering_redencode TO aflevering_reden_code")
