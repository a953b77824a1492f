"""verzoek.personen_in_scope: the household members a request names

A time-out ordered from a debt overview sends each agency only the household members who hold
the claims in its scope (their pseudonyms); its extension and lifting reach the same persons.
Null: the whole household, as every request before this revision.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


# Plain ALTER TABLE (SQLite >= 3.35 drops a column in place): a batch copy of the table would
# have to carry the partial unique index of revision 0014 over.


def upgrade() -> None:
    op.add_column("verzoek", sa.Column("personen_in_scope", sa.JSON(), nullable=True))


def downgrade() -> None:
    op.drop_column("verzoek", "personen_in_scope")
