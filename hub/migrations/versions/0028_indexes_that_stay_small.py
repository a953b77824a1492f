"""Indexes for the questions the hub asks all the time, that stay small as the store grows

The relay asks for the unsent outbox rows every half second; the deadline watcher for running
time-outs ending soon and for requests past their deadline every minute; the retention purge
for outbox rows sent or discarded long ago. Each of these is a handful of rows among millions,
but the indexes at hand did not find them: ``ix_outbox_dead_at`` held every row (a NULL for each
row not dead), so SQLite searched it for ``dead_at IS NULL``, every row of the outbox, and sorted
them; the watcher's questions had no index and read every time-out and every unanswered request.
With a million orders stored, each question took seconds, and an order waited behind them
(bench P4, ``bench/PROFILE.md`` round 3).

Each index below holds only the rows its question can want (a partial index, on SQLite and
PostgreSQL alike): the dead outbox rows, the discarded ones, the running time-outs, the requests
not escalated yet. The outbox's ``created_at`` and the request's ``verwerkt_op`` get a plain
index for the dashboard's hourly series, which read the last day.

The loket's list counted every casus for its total at each call (65 ms with a million): the
count is kept in ``casus_telling`` (one row, moved as a casus is added), started here from the
casussen stored.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-07
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None

DEAD = "dead_at IS NOT NULL"
DISCARDED = "discarded_at IS NOT NULL"
LOPEND = "opgeheven_per IS NULL AND verlopen_op IS NULL"
NIET_GEESCALEERD = "geescaleerd_op IS NULL"


def _partial(where: str) -> dict[str, Any]:
    return {"sqlite_where": sa.text(where), "postgresql_where": sa.text(where)}


def upgrade() -> None:
    telling = op.create_table(
        "casus_telling",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("aantal", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("id = 1", name="ck_casus_telling_een_rij"),
    )
    aantal = op.get_bind().scalar(sa.text("SELECT count(*) FROM casus"))
    op.bulk_insert(telling, [{"id": 1, "aantal": int(aantal or 0)}])
    op.drop_index("ix_outbox_dead_at", table_name="outbox")
    op.create_index("ix_outbox_dead_at", "outbox", ["dead_at"], **_partial(DEAD))
    op.create_index("ix_outbox_discarded_at", "outbox", ["discarded_at"], **_partial(DISCARDED))
    op.create_index("ix_outbox_created_at", "outbox", ["created_at"])
    op.create_index(
        "ix_opschorting_lopend", "opschorting", ["einddatum", "opschorting_id"], **_partial(LOPEND)
    )
    op.create_index(
        "ix_verzoek_te_escaleren",
        "verzoek",
        ["status", "reageer_uiterlijk"],
        **_partial(NIET_GEESCALEERD),
    )
    op.create_index("ix_verzoek_verwerkt_op", "verzoek", ["verwerkt_op"])


def downgrade() -> None:
    op.drop_index("ix_verzoek_verwerkt_op", table_name="verzoek")
    op.drop_index("ix_verzoek_te_escaleren", table_name="verzoek")
    op.drop_index("ix_opschorting_lopend", table_name="opschorting")
    op.drop_index("ix_outbox_created_at", table_name="outbox")
    op.drop_index("ix_outbox_discarded_at", table_name="outbox")
    op.drop_index("ix_outbox_dead_at", table_name="outbox")
    op.create_index("ix_outbox_dead_at", "outbox", ["dead_at"])
    op.drop_table("casus_telling")
