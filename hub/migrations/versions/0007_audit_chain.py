"""audit chain: every audit entry holds its sequence, the previous entry's hash and its own

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30

The audit trail becomes a hash chain (``hub.domain.auditketen``). Upgrading chains the entries
already there in order of id, so an upgraded store verifies, and writes the chain head (one row,
``audit_chain_head``) that appending locks. The hash function is imported, not copied: it is the
chain's format, and a copy that drifted would make every upgraded store fail its verification.
Downgrading drops the chain (the entries themselves stay).
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import op

from hub.domain.auditketen import GENESIS, entry_hash

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

audit = sa.table(
    "audit",
    sa.column("id", sa.Integer()),
    sa.column("sequence", sa.BigInteger()),
    sa.column("at", sa.DateTime(timezone=True)),
    sa.column("actor", sa.String()),
    sa.column("actie", sa.String()),
    sa.column("casus_id", sa.String()),
    sa.column("details", sa.JSON()),
    sa.column("previous_hash", sa.String()),
    sa.column("hash", sa.String()),
)


def _utc(moment: dt.datetime) -> dt.datetime:
    """As ``hub.adapters.orm.UtcDateTime`` reads it back (SQLite drops the zone; it is UTC)."""
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def upgrade() -> None:
    with op.batch_alter_table("audit", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sequence", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("previous_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("hash", sa.String(length=64), nullable=True))

    bind = op.get_bind()
    sequence, previous = 0, GENESIS
    rows = bind.execute(sa.select(audit).order_by(audit.c.id)).all()
    for row in rows:
        sequence += 1
        own = entry_hash(
            sequence=sequence,
            at=_utc(row.at),
            actor=row.actor,
            actie=row.actie,
            casus_id=row.casus_id,
            details=row.details,
            previous_hash=previous,
        )
        bind.execute(
            audit.update()
            .where(audit.c.id == row.id)
            .values(sequence=sequence, previous_hash=previous, hash=own)
        )
        previous = own

    with op.batch_alter_table("audit", schema=None) as batch_op:
        batch_op.alter_column("sequence", existing_type=sa.BigInteger(), nullable=False)
        batch_op.alter_column("previous_hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column("hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.create_index(batch_op.f("ix_audit_sequence"), ["sequence"], unique=True)

    head = op.create_table(
        "audit_chain_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("sequence", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.bulk_insert(head, [{"id": 1, "sequence": sequence, "hash": previous}])


def downgrade() -> None:
    op.drop_table("audit_chain_head")
    with op.batch_alter_table("audit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_sequence"))
        batch_op.drop_column("hash")
        batch_op.drop_column("previous_hash")
        batch_op.drop_column("sequence")
