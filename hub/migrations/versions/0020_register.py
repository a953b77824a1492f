"""register: the Landelijk Maatwerkregister (an entry per organisation, its domains)

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "register_inschrijving",
        sa.Column("organisatie_oin", sa.String(20), primary_key=True),
        sa.Column("organisatie_naam", sa.String(200), nullable=False),
        sa.Column("organisatiesoort", sa.String(40), nullable=False),
        sa.Column("team", sa.String(200), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("telefoon", sa.String(40), nullable=False),
        sa.Column("mandaat", sa.JSON(), nullable=False),
        sa.Column("geregistreerd_op", sa.DateTime(timezone=True), nullable=False),
        sa.Column("gewijzigd_op", sa.DateTime(timezone=True), nullable=False),
        sa.Column("verwijderd_op", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index(
        "ix_register_inschrijving_organisatie_naam", "register_inschrijving", ["organisatie_naam"]
    )
    op.create_index(
        "ix_register_inschrijving_organisatiesoort", "register_inschrijving", ["organisatiesoort"]
    )
    op.create_table(
        "register_domein",
        sa.Column(
            "organisatie_oin",
            sa.String(20),
            sa.ForeignKey("register_inschrijving.organisatie_oin"),
            primary_key=True,
        ),
        sa.Column("domein", sa.String(40), primary_key=True),
        sa.Column("positie", sa.Integer(), nullable=False),
    )
    op.create_index("ix_register_domein_domein", "register_domein", ["domein"])


def downgrade() -> None:
    op.drop_index("ix_register_domein_domein", table_name="register_domein")
    op.drop_table("register_domein")
    op.drop_index("ix_register_inschrijving_organisatiesoort", table_name="register_inschrijving")
    op.drop_index("ix_register_inschrijving_organisatie_naam", table_name="register_inschrijving")
    op.drop_table("register_inschrijving")
