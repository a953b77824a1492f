"""abonnement and aflevering: HTTPS delivery for parties without Kafka

A party's subscriptions (``abonnement``: push to its endpoint or pull by cursor) and one row
per message per subscription (``aflevering``: the feed position and the push queue).

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "abonnement",
        sa.Column("abonnement_id", sa.String(length=36), nullable=False),
        sa.Column("oin", sa.String(length=20), nullable=False),
        sa.Column("protocol", sa.String(length=20), nullable=False),
        sa.Column("types", sa.JSON(), nullable=False),
        sa.Column("endpoint", sa.String(length=2000), nullable=True),
        sa.Column("geheim", sa.Text(), nullable=False),
        sa.Column("token", sa.Text(), nullable=True),
        sa.Column("aangemaakt_op", sa.DateTime(timezone=True), nullable=False),
        sa.Column("beeindigd_op", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reden", sa.String(length=200), nullable=True),
        sa.Column("bevestigd_tot", sa.Integer(), nullable=False),
        sa.Column("wacht_tot", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("abonnement_id"),
    )
    op.create_index("ix_abonnement_oin", "abonnement", ["oin"])
    op.create_table(
        "aflevering",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("abonnement_id", sa.String(length=36), nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("event_type", sa.String(length=200), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("value", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("execute_after", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("afgeleverd_op", sa.DateTime(timezone=True), nullable=True),
        sa.Column("dead_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["abonnement_id"], ["abonnement.abonnement_id"]),
        sa.PrimaryKeyConstraint("seq"),
        sa.UniqueConstraint("abonnement_id", "event_id", name="uq_aflevering_event"),
    )
    for column in ("abonnement_id", "key", "created_at", "afgeleverd_op", "dead_at"):
        op.create_index(f"ix_aflevering_{column}", "aflevering", [column])


def downgrade() -> None:
    op.drop_table("aflevering")
    op.drop_table("abonnement")
