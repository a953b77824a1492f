"""dead_letter.redencode: one word for a reason code

A dead letter's reason code was ``reason_code`` while every answer of the contract says
``redencode``; the column and its index take the one word (the Kafka header stays
``dlq-reason-code``: producers already in the field write it). ``RENAME COLUMN`` works in place on
SQLite (3.25 and later) and PostgreSQL.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06
"""

from __future__ import annotations

from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_dead_letter_reason_code", table_name="dead_letter")
    op.execute("ALTER TABLE dead_letter RENAME COLUMN reason_code TO redencode")
    op.create_index("ix_dead_letter_redencode", "dead_letter", ["redencode"])


def downgrade() -> None:
    op.drop_index("ix_dead_letter_redencode", table_name="dead_letter")
    op.execute("ALTER TABLE dead_letter RENAME COLUMN redencode TO reason_code")
    op.create_index("ix_dead_letter_reason_code", "dead_letter", ["reason_code"])
