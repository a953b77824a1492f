"""afwijking: deviation decisions recorded on a casus; the deadline watcher's marks

One row per decision (``hub.domain.afwijking``), never changed: the rule deviated from, what is
done instead and why, who decided under which mandate, the household members (pseudonyms), the
period, and the LET's knelpunt it points to.

The deadline watcher (``hub.domain.signalering``) marks what it signalled, so it signals once,
across restarts and replicas: ``verzoek.geescaleerd_op`` (a request escalated, late, to its
agency's maatwerkfunctionaris) and ``opschorting.einde_gewaarschuwd_voor`` (the end date the loket
and agencies were warned of). Both null for what was stored before: a request already late is
escalated at the first round after the upgrade, as it should have been.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "afwijking",
        sa.Column("afwijking_id", sa.String(length=36), nullable=False),
        sa.Column("casus_id", sa.String(length=24), nullable=False),
        sa.Column("regel", sa.JSON(), nullable=False),
        sa.Column("afwijking", sa.Text(), nullable=False),
        sa.Column("motivering", sa.Text(), nullable=False),
        sa.Column("besloten_door", sa.JSON(), nullable=False),
        sa.Column("mandaat", sa.Text(), nullable=False),
        sa.Column("betrokkenen", sa.JSON(), nullable=False),
        sa.Column("geldig_van", sa.Date(), nullable=True),
        sa.Column("geldig_tot", sa.Date(), nullable=True),
        sa.Column("besluitdatum", sa.Date(), nullable=False),
        sa.Column("knelpunt_id", sa.String(length=36), nullable=True),
        sa.Column("vastgelegd_op", sa.DateTime(timezone=True), nullable=False),
        sa.Column("vastgelegd_door", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["casus_id"], ["casus.casus_id"]),
        sa.PrimaryKeyConstraint("afwijking_id"),
    )
    for column in ("casus_id", "knelpunt_id", "vastgelegd_op"):
        op.create_index(op.f(f"ix_afwijking_{column}"), "afwijking", [column], unique=False)
    op.add_column("verzoek", sa.Column("geescaleerd_op", sa.DateTime(timezone=True), nullable=True))
    op.add_column("opschorting", sa.Column("einde_gewaarschuwd_voor", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("opschorting") as batch_op:
        batch_op.drop_column("einde_gewaarschuwd_voor")
    with op.batch_alter_table("verzoek") as batch_op:
        batch_op.drop_column("geescaleerd_op")
    for column in ("casus_id", "knelpunt_id", "vastgelegd_op"):
        op.drop_index(op.f(f"ix_afwijking_{column}"), table_name="afwijking")
    op.drop_table("afwijking")
