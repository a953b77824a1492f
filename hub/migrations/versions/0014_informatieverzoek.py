"""informatieverzoek, informatie_vraag, informatie_gegeven: information requests and their answers

An information request (and a debt overview, which is one) asks one question per agency per
person; each question is a ``verzoek`` row (soort ``informatie``) with an ``informatie_vraag``
row saying what it asks. What an agency gives is kept in ``informatie_gegeven`` sealed for the
receiver, until the retention purge deletes the content (``inhoud`` null, ``verwijderd_op``).

A chain's requests stay unique per agency, except an information request's (one per agency per
person): the unique constraint on ``verzoek (keten_id, uitvoerder)`` becomes a partial unique
index that leaves soort ``informatie`` out.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


_NIET_INFORMATIE = "soort <> 'informatie'"


def upgrade() -> None:
    with op.batch_alter_table("verzoek", schema=None) as batch_op:
        batch_op.drop_constraint("uq_verzoek_keten", type_="unique")
    op.create_index(
        "uq_verzoek_keten",
        "verzoek",
        ["keten_id", "uitvoerder"],
        unique=True,
        sqlite_where=sa.text(_NIET_INFORMATIE),
        postgresql_where=sa.text(_NIET_INFORMATIE),
    )
    op.create_table(
        "informatieverzoek",
        sa.Column("informatieverzoek_id", sa.String(length=36), nullable=False),
        sa.Column("casus_id", sa.String(length=24), nullable=False),
        sa.Column("verzoeker", sa.String(length=40), nullable=False),
        sa.Column("door", sa.String(length=200), nullable=False),
        sa.Column("doel", sa.String(length=40), nullable=False),
        sa.Column("grondslag", sa.JSON(), nullable=False),
        sa.Column("delen", sa.JSON(), nullable=False),
        sa.Column("personen", sa.JSON(), nullable=False),
        sa.Column("ontvanger", sa.String(length=20), nullable=False),
        sa.Column("ontvanger_sleutel", sa.String(length=64), nullable=True),
        sa.Column("gevraagd_op", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reageer_uiterlijk", sa.DateTime(timezone=True), nullable=False),
        sa.Column("schuldenoverzicht", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.ForeignKeyConstraint(["casus_id"], ["casus.casus_id"]),
        sa.PrimaryKeyConstraint("informatieverzoek_id"),
    )
    for column in ("casus_id", "gevraagd_op", "status"):
        op.create_index(
            op.f(f"ix_informatieverzoek_{column}"), "informatieverzoek", [column], unique=False
        )
    op.create_table(
        "informatie_vraag",
        sa.Column("instructie_id", sa.String(length=64), nullable=False),
        sa.Column("informatieverzoek_id", sa.String(length=36), nullable=False),
        sa.Column("uitvoerder", sa.String(length=40), nullable=False),
        sa.Column("pseudoniem", sa.String(length=40), nullable=False),
        sa.Column("categorieen", sa.JSON(), nullable=False),
        sa.Column("niet_verstrekt", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["instructie_id"], ["verzoek.instructie_id"]),
        sa.ForeignKeyConstraint(
            ["informatieverzoek_id"], ["informatieverzoek.informatieverzoek_id"]
        ),
        sa.PrimaryKeyConstraint("instructie_id"),
    )
    for column in ("informatieverzoek_id", "pseudoniem"):
        op.create_index(
            op.f(f"ix_informatie_vraag_{column}"), "informatie_vraag", [column], unique=False
        )
    op.create_table(
        "informatie_gegeven",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("instructie_id", sa.String(length=64), nullable=False),
        sa.Column("informatieverzoek_id", sa.String(length=36), nullable=False),
        sa.Column("categorie", sa.String(length=40), nullable=False),
        sa.Column("pseudoniem", sa.String(length=40), nullable=False),
        sa.Column("peildatum", sa.Date(), nullable=False),
        sa.Column("inhoud", sa.Text(), nullable=True),
        sa.Column("ontvangen_op", sa.DateTime(timezone=True), nullable=False),
        sa.Column("verwijderd_op", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["instructie_id"], ["informatie_vraag.instructie_id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    for column in ("instructie_id", "informatieverzoek_id", "ontvangen_op"):
        op.create_index(
            op.f(f"ix_informatie_gegeven_{column}"), "informatie_gegeven", [column], unique=False
        )


def downgrade() -> None:
    op.drop_table("informatie_gegeven")
    op.drop_table("informatie_vraag")
    op.drop_table("informatieverzoek")
    op.execute("DELETE FROM verzoek WHERE soort = 'informatie'")
    op.drop_index("uq_verzoek_keten", table_name="verzoek")
    with op.batch_alter_table("verzoek", schema=None) as batch_op:
        batch_op.create_unique_constraint("uq_verzoek_keten", ["keten_id", "uitvoerder"])
