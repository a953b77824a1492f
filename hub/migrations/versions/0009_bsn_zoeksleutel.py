"""bsn_zoeksleutel: the hub's lookup key of a household member's BSN, equal across casussen

Pseudonyms are per casus from this release on (``HubSecrets.pseudoniem``); where the hub itself
must find a person's casussen it uses this keyed lookup value, which never leaves the hub.

The migration cannot compute it: it has no access to the hub's secrets. The column is nullable,
and the hub fills the rows that lack it when it starts (``hub.service.casus.vul_zoeksleutels_aan``,
called by ``hub.bootstrap.build_hub`` after the migrations). Existing pseudonyms are left as they
are: they were published on topics already, and changing them would break the link between those
messages and the casus.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("huishoudlid", schema=None) as batch_op:
        batch_op.add_column(sa.Column("bsn_zoeksleutel", sa.String(length=64), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_huishoudlid_bsn_zoeksleutel"), ["bsn_zoeksleutel"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("huishoudlid", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_huishoudlid_bsn_zoeksleutel"))
        batch_op.drop_column("bsn_zoeksleutel")
