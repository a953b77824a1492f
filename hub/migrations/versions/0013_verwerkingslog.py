"""verwerking, verwerking_betrokkene: the processing log; an index on huishoudlid.pseudoniem

Every exchange of personal data (a check before collecting, an instruction to an agency) is
logged as a processing activity, with the persons it is about by pseudonym and/or the hub's
lookup key (never a BSN). The pseudonym index makes a check by pseudonym one indexed lookup.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "verwerking",
        sa.Column("verwerking_id", sa.String(length=36), nullable=False),
        sa.Column("op", sa.DateTime(timezone=True), nullable=False),
        sa.Column("vrager", sa.String(length=40), nullable=False),
        sa.Column("verstrekker", sa.String(length=40), nullable=False),
        sa.Column("ontvanger", sa.String(length=40), nullable=False),
        sa.Column("doel", sa.String(length=80), nullable=False),
        sa.Column("grondslag", sa.Text(), nullable=False),
        sa.Column("categorieen", sa.JSON(), nullable=False),
        sa.Column("casus_id", sa.String(length=24), nullable=True),
        sa.Column("uitkomst", sa.String(length=40), nullable=True),
        sa.Column("trace_id", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("verwerking_id"),
    )
    op.create_index(op.f("ix_verwerking_op"), "verwerking", ["op"], unique=False)
    op.create_index(op.f("ix_verwerking_casus_id"), "verwerking", ["casus_id"], unique=False)
    op.create_table(
        "verwerking_betrokkene",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("verwerking_id", sa.String(length=36), nullable=False),
        sa.Column("pseudoniem", sa.String(length=40), nullable=True),
        sa.Column("bsn_zoeksleutel", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["verwerking_id"],
            ["verwerking.verwerking_id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    for column in ("verwerking_id", "pseudoniem", "bsn_zoeksleutel"):
        op.create_index(
            op.f(f"ix_verwerking_betrokkene_{column}"),
            "verwerking_betrokkene",
            [column],
            unique=False,
        )
    with op.batch_alter_table("huishoudlid", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_huishoudlid_pseudoniem"), ["pseudoniem"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("huishoudlid", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_huishoudlid_pseudoniem"))
    op.drop_table("verwerking_betrokkene")
    op.drop_table("verwerking")
