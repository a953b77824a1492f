"""escalatie, escalatie_actiepunt, knelpunt, knelpunt_partij: the escalation to the LET

An escalation keeps its dossier, invitations, meeting and decision as JSON (read whole); its
agreed actions (owner, deadline, done) and its knelpunten (category, law, month, organisations)
are rows of their own, so overdue actions and knelpunten per category, law and month are counted
in SQL.

Revision ID: 0022
Revises: 0020
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0020"
branch_labels = None
depends_on = None


def _indexes(table: str, *columns: str) -> None:
    for column in columns:
        op.create_index(op.f(f"ix_{table}_{column}"), table, [column], unique=False)


def upgrade() -> None:
    op.create_table(
        "escalatie",
        sa.Column("escalatie_id", sa.String(length=36), nullable=False),
        sa.Column("casus_id", sa.String(length=24), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("urgentie", sa.String(length=20), nullable=False),
        sa.Column("aangemeld_door", sa.String(length=200), nullable=False),
        sa.Column("aangemeld_op", sa.DateTime(timezone=True), nullable=False),
        sa.Column("dossier", sa.JSON(), nullable=False),
        sa.Column("uitnodigingen", sa.JSON(), nullable=False),
        sa.Column("overleg", sa.JSON(), nullable=True),
        sa.Column("besluit", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["casus_id"], ["casus.casus_id"]),
        sa.PrimaryKeyConstraint("escalatie_id"),
    )
    _indexes("escalatie", "casus_id", "status", "aangemeld_op")
    op.create_table(
        "escalatie_actiepunt",
        sa.Column("escalatie_id", sa.String(length=36), nullable=False),
        sa.Column("nummer", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("omschrijving", sa.Text(), nullable=False),
        sa.Column("verantwoordelijke", sa.JSON(), nullable=False),
        sa.Column("verantwoordelijke_oin", sa.String(length=20), nullable=False),
        sa.Column("uiterlijk", sa.Date(), nullable=False),
        sa.Column("afgerond_op", sa.DateTime(timezone=True), nullable=True),
        sa.Column("toelichting", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["escalatie_id"], ["escalatie.escalatie_id"]),
        sa.PrimaryKeyConstraint("escalatie_id", "nummer"),
    )
    _indexes("escalatie_actiepunt", "verantwoordelijke_oin", "uiterlijk")
    op.create_table(
        "knelpunt",
        sa.Column("knelpunt_id", sa.String(length=36), nullable=False),
        sa.Column("escalatie_id", sa.String(length=36), nullable=False),
        sa.Column("casus_id", sa.String(length=24), nullable=False),
        sa.Column("categorie", sa.String(length=24), nullable=False),
        sa.Column("regeling", sa.String(length=200), nullable=True),
        sa.Column("regel", sa.JSON(), nullable=True),
        sa.Column("omschrijving", sa.Text(), nullable=False),
        sa.Column("betrokken_partijen", sa.JSON(), nullable=False),
        sa.Column("voorstel", sa.Text(), nullable=True),
        sa.Column("geregistreerd_op", sa.DateTime(timezone=True), nullable=False),
        sa.Column("maand", sa.String(length=7), nullable=False),
        sa.ForeignKeyConstraint(["escalatie_id"], ["escalatie.escalatie_id"]),
        sa.PrimaryKeyConstraint("knelpunt_id"),
    )
    _indexes(
        "knelpunt", "escalatie_id", "casus_id", "categorie", "regeling", "geregistreerd_op", "maand"
    )
    op.create_table(
        "knelpunt_partij",
        sa.Column("knelpunt_id", sa.String(length=36), nullable=False),
        sa.Column("oin", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(["knelpunt_id"], ["knelpunt.knelpunt_id"]),
        sa.PrimaryKeyConstraint("knelpunt_id", "oin"),
    )
    _indexes("knelpunt_partij", "oin")


def downgrade() -> None:
    op.drop_table("knelpunt_partij")
    op.drop_table("knelpunt")
    op.drop_table("escalatie_actiepunt")
    op.drop_table("escalatie")
