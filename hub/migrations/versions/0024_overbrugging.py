"""overbrugging and its books: the bridging procedure

A bridging (``overbrugging``) with its payments, repayment requests and repayments, and its
double-entry ledger (``overbrugging_boeking``: every amount on a debit and a credit account, in
integer cents; the store refuses a zero or negative amount and a booking on one account only).
``overbrugging.versie`` lets only one of two concurrent steps of a bridging be stored.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "overbrugging",
        sa.Column("overbrugging_id", sa.String(length=36), nullable=False),
        sa.Column("casus_id", sa.String(length=24), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("aangevraagd_op", sa.DateTime(timezone=True), nullable=False),
        sa.Column("besloten_op", sa.DateTime(timezone=True), nullable=True),
        sa.Column("zorgvoorziening", sa.Text(), nullable=False),
        sa.Column("mogelijke_financiers", sa.JSON(), nullable=False),
        sa.Column("geraamd_centen", sa.BigInteger(), nullable=False),
        sa.Column("aanvrager", sa.JSON(), nullable=False),
        sa.Column("toekenning", sa.JSON(), nullable=True),
        sa.Column("afwijzing", sa.JSON(), nullable=True),
        sa.Column("verantwoordelijke_oin", sa.String(length=20), nullable=True),
        sa.Column("verantwoordelijke", sa.JSON(), nullable=True),
        sa.Column("versie", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["casus_id"],
            ["casus.casus_id"],
        ),
        sa.PrimaryKeyConstraint("overbrugging_id"),
    )
    with op.batch_alter_table("overbrugging", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_overbrugging_aangevraagd_op"), ["aangevraagd_op"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_overbrugging_casus_id"), ["casus_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_overbrugging_status"), ["status"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_overbrugging_verantwoordelijke_oin"),
            ["verantwoordelijke_oin"],
            unique=False,
        )

    op.create_table(
        "overbrugging_betaling",
        sa.Column("betaling_id", sa.String(length=36), nullable=False),
        sa.Column("overbrugging_id", sa.String(length=36), nullable=False),
        sa.Column("volgnummer", sa.Integer(), nullable=False),
        sa.Column("centen", sa.BigInteger(), nullable=False),
        sa.Column("ontvanger", sa.String(length=200), nullable=False),
        sa.Column("betaaldatum", sa.Date(), nullable=False),
        sa.Column("betalingskenmerk", sa.String(length=100), nullable=False),
        sa.Column("geboekt_op", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["overbrugging_id"],
            ["overbrugging.overbrugging_id"],
        ),
        sa.PrimaryKeyConstraint("betaling_id"),
        sa.UniqueConstraint("overbrugging_id", "betalingskenmerk", name="uq_overbrugging_betaling"),
        sa.UniqueConstraint(
            "overbrugging_id", "volgnummer", name="uq_overbrugging_betaling_volgorde"
        ),
    )
    with op.batch_alter_table("overbrugging_betaling", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_overbrugging_betaling_overbrugging_id"),
            ["overbrugging_id"],
            unique=False,
        )

    op.create_table(
        "overbrugging_boeking",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("overbrugging_id", sa.String(length=36), nullable=False),
        sa.Column("volgnummer", sa.Integer(), nullable=False),
        sa.Column("debet", sa.String(length=40), nullable=False),
        sa.Column("credit", sa.String(length=40), nullable=False),
        sa.Column("centen", sa.BigInteger(), nullable=False),
        sa.Column("referentie", sa.String(length=64), nullable=False),
        sa.Column("geboekt_op", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("centen > 0", name="ck_overbrugging_boeking_positief"),
        sa.CheckConstraint("debet <> credit", name="ck_overbrugging_boeking_twee_rekeningen"),
        sa.ForeignKeyConstraint(
            ["overbrugging_id"],
            ["overbrugging.overbrugging_id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("overbrugging_id", "volgnummer", name="uq_overbrugging_boeking"),
    )
    with op.batch_alter_table("overbrugging_boeking", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_overbrugging_boeking_credit"), ["credit"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_overbrugging_boeking_debet"), ["debet"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_overbrugging_boeking_overbrugging_id"), ["overbrugging_id"], unique=False
        )

    op.create_table(
        "overbrugging_terugbetalingsverzoek",
        sa.Column("verzoek_id", sa.String(length=36), nullable=False),
        sa.Column("overbrugging_id", sa.String(length=36), nullable=False),
        sa.Column("volgnummer", sa.Integer(), nullable=False),
        sa.Column("betaler_oin", sa.String(length=20), nullable=False),
        sa.Column("betaler", sa.JSON(), nullable=False),
        sa.Column("centen", sa.BigInteger(), nullable=False),
        sa.Column("uiterlijk", sa.Date(), nullable=False),
        sa.Column("betalingskenmerk", sa.String(length=100), nullable=False),
        sa.Column("gevraagd_op", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["overbrugging_id"],
            ["overbrugging.overbrugging_id"],
        ),
        sa.PrimaryKeyConstraint("verzoek_id"),
        sa.UniqueConstraint(
            "overbrugging_id", "volgnummer", name="uq_overbrugging_verzoek_volgorde"
        ),
    )
    with op.batch_alter_table("overbrugging_terugbetalingsverzoek", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_overbrugging_terugbetalingsverzoek_betaler_oin"),
            ["betaler_oin"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_overbrugging_terugbetalingsverzoek_overbrugging_id"),
            ["overbrugging_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_overbrugging_terugbetalingsverzoek_uiterlijk"),
            ["uiterlijk"],
            unique=False,
        )

    op.create_table(
        "overbrugging_terugbetaling",
        sa.Column("terugbetaling_id", sa.String(length=36), nullable=False),
        sa.Column("verzoek_id", sa.String(length=36), nullable=False),
        sa.Column("overbrugging_id", sa.String(length=36), nullable=False),
        sa.Column("volgnummer", sa.Integer(), nullable=False),
        sa.Column("centen", sa.BigInteger(), nullable=False),
        sa.Column("ontvangstdatum", sa.Date(), nullable=False),
        sa.Column("geboekt_op", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["overbrugging_id"],
            ["overbrugging.overbrugging_id"],
        ),
        sa.ForeignKeyConstraint(
            ["verzoek_id"],
            ["overbrugging_terugbetalingsverzoek.verzoek_id"],
        ),
        sa.PrimaryKeyConstraint("terugbetaling_id"),
        sa.UniqueConstraint(
            "overbrugging_id", "volgnummer", name="uq_overbrugging_terugbetaling_volgorde"
        ),
    )
    with op.batch_alter_table("overbrugging_terugbetaling", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_overbrugging_terugbetaling_overbrugging_id"),
            ["overbrugging_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_overbrugging_terugbetaling_verzoek_id"), ["verzoek_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("overbrugging_terugbetaling", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_overbrugging_terugbetaling_verzoek_id"))
        batch_op.drop_index(batch_op.f("ix_overbrugging_terugbetaling_overbrugging_id"))

    op.drop_table("overbrugging_terugbetaling")
    with op.batch_alter_table("overbrugging_terugbetalingsverzoek", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_overbrugging_terugbetalingsverzoek_uiterlijk"))
        batch_op.drop_index(batch_op.f("ix_overbrugging_terugbetalingsverzoek_overbrugging_id"))
        batch_op.drop_index(batch_op.f("ix_overbrugging_terugbetalingsverzoek_betaler_oin"))

    op.drop_table("overbrugging_terugbetalingsverzoek")
    with op.batch_alter_table("overbrugging_boeking", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_overbrugging_boeking_overbrugging_id"))
        batch_op.drop_index(batch_op.f("ix_overbrugging_boeking_debet"))
        batch_op.drop_index(batch_op.f("ix_overbrugging_boeking_credit"))

    op.drop_table("overbrugging_boeking")
    with op.batch_alter_table("overbrugging_betaling", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_overbrugging_betaling_overbrugging_id"))

    op.drop_table("overbrugging_betaling")
    with op.batch_alter_table("overbrugging", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_overbrugging_verantwoordelijke_oin"))
        batch_op.drop_index(batch_op.f("ix_overbrugging_status"))
        batch_op.drop_index(batch_op.f("ix_overbrugging_casus_id"))
        batch_op.drop_index(batch_op.f("ix_overbrugging_aangevraagd_op"))

    op.drop_table("overbrugging")
