"""dead letter writer: which dead-letter topic a dead letter is on, which proves who wrote it

Each producer now sets records aside on its own dead-letter topic (``maatwerk.deadletter.
<producer>.v1``), written by it alone, so the topic proves the writer; ``failed_by`` is that
proven writer from now on. The rows before this revision were all read from the former shared
topic ``maatwerk.deadletter.v1``, which every producer could write: their ``failed_by`` was the
writer's own claim (a header), so it is cleared (NULL: not proven) rather than shown as proof.
The unique constraint takes the dead-letter topic in (the same place on two topics is two
records).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

LEGACY_TOPIC = "maatwerk.deadletter.v1"
OLD_UNIQUE = (
    "origin_topic",
    "origin_partition",
    "origin_offset",
    "dlq_partition",
    "dlq_offset",
    "value_sha256",
)


def upgrade() -> None:
    with op.batch_alter_table("dead_letter", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "dlq_topic", sa.String(length=249), nullable=False, server_default=LEGACY_TOPIC
            )
        )
    op.execute(sa.text("UPDATE dead_letter SET failed_by = NULL"))
    with op.batch_alter_table("dead_letter", schema=None) as batch_op:
        batch_op.alter_column("dlq_topic", server_default=None)
        batch_op.drop_constraint("uq_dead_letter_record", type_="unique")
        batch_op.create_unique_constraint(
            "uq_dead_letter_record", [*OLD_UNIQUE[:3], "dlq_topic", *OLD_UNIQUE[3:]]
        )


def downgrade() -> None:
    with op.batch_alter_table("dead_letter", schema=None) as batch_op:
        batch_op.drop_constraint("uq_dead_letter_record", type_="unique")
        batch_op.create_unique_constraint("uq_dead_letter_record", list(OLD_UNIQUE))
        batch_op.drop_column("dlq_topic")
