"""one request table for every agency request (verzoek)

The links of the time-out orders (``opschorting_schakel``) and of their changes
(``wijziging_schakel``) move into one table, ``verzoek``; each order keeps its chain status in
``opschorting.status``.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_NEW = "INSERT INTO verzoek (soort, keten_id, instrument_id, casus_id, pogingen, "
_LINK_COLUMNS = (
    "uitvoerder, instructie_id, reageer_uiterlijk, vorderingen_in_scope, status, referentie, "
    "redencode, reden, vorderingen, beantwoord_op, verwerkt_op"
)


def _link_table(name: str, parent: str, parent_table: str) -> None:
    op.create_table(
        name,
        sa.Column(parent, sa.String(length=36), nullable=False),
        sa.Column("uitvoerder", sa.String(length=40), nullable=False),
        sa.Column("instructie_id", sa.String(length=36), nullable=False),
        sa.Column("reageer_uiterlijk", sa.DateTime(timezone=True), nullable=False),
        sa.Column("vorderingen_in_scope", sa.JSON(), nullable=True),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("referentie", sa.String(length=200), nullable=True),
        sa.Column("redencode", sa.String(length=60), nullable=True),
        sa.Column("reden", sa.Text(), nullable=True),
        sa.Column("vorderingen", sa.JSON(), nullable=False),
        sa.Column("beantwoord_op", sa.DateTime(timezone=True), nullable=True),
        sa.Column("verwerkt_op", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint([parent], [f"{parent_table}.{parent}"]),
        sa.PrimaryKeyConstraint(parent, "uitvoerder"),
        sa.UniqueConstraint("instructie_id"),
    )
    with op.batch_alter_table(name, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f"ix_{name}_status"), ["status"], unique=False)


def _chain_status(statuses: list[str]) -> str:
    # The rule as it stood when this revision was written (hub.domain.verzoek.keten_status).
    if "pending" in statuses:
        return "pending"
    return "confirmed" if all(s == "confirmed" for s in statuses) else "incomplete"


def upgrade() -> None:
    op.create_table(
        "verzoek",
        sa.Column("instructie_id", sa.String(length=64), nullable=False),
        sa.Column("soort", sa.String(length=20), nullable=False),
        sa.Column("keten_id", sa.String(length=36), nullable=False),
        sa.Column("instrument_id", sa.String(length=36), nullable=False),
        sa.Column("casus_id", sa.String(length=24), nullable=False),
        sa.Column("uitvoerder", sa.String(length=40), nullable=False),
        sa.Column("reageer_uiterlijk", sa.DateTime(timezone=True), nullable=False),
        sa.Column("vorderingen_in_scope", sa.JSON(), nullable=True),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("referentie", sa.String(length=200), nullable=True),
        sa.Column("redencode", sa.String(length=60), nullable=True),
        sa.Column("reden", sa.Text(), nullable=True),
        sa.Column("vorderingen", sa.JSON(), nullable=False),
        sa.Column("beantwoord_op", sa.DateTime(timezone=True), nullable=True),
        sa.Column("verwerkt_op", sa.DateTime(timezone=True), nullable=True),
        sa.Column("pogingen", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["casus_id"], ["casus.casus_id"]),
        sa.PrimaryKeyConstraint("instructie_id"),
        sa.UniqueConstraint("keten_id", "uitvoerder", name="uq_verzoek_keten"),
    )
    with op.batch_alter_table("verzoek", schema=None) as batch_op:
        for column in ("casus_id", "instrument_id", "keten_id", "status", "uitvoerder"):
            batch_op.create_index(batch_op.f(f"ix_verzoek_{column}"), [column], unique=False)
    with op.batch_alter_table("opschorting", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("status", sa.String(length=24), nullable=False, server_default="pending")
        )
        batch_op.create_index(batch_op.f("ix_opschorting_status"), ["status"], unique=False)

    op.execute(
        f"{_NEW}{_LINK_COLUMNS}) "  # noqa: S608 (constants only)
        f"SELECT 'opschorting', s.opschorting_id, s.opschorting_id, o.casus_id, 1, "
        f"{', '.join('s.' + c.strip() for c in _LINK_COLUMNS.split(','))} "
        "FROM opschorting_schakel s JOIN opschorting o ON o.opschorting_id = s.opschorting_id"
    )
    op.execute(
        f"{_NEW}{_LINK_COLUMNS}) "  # noqa: S608 (constants only)
        f"SELECT w.soort, s.wijziging_id, w.opschorting_id, o.casus_id, 1, "
        f"{', '.join('s.' + c.strip() for c in _LINK_COLUMNS.split(','))} "
        "FROM wijziging_schakel s "
        "JOIN opschorting_wijziging w ON w.wijziging_id = s.wijziging_id "
        "JOIN opschorting o ON o.opschorting_id = w.opschorting_id"
    )
    bind = op.get_bind()
    statuses: dict[str, list[str]] = defaultdict(list)
    for keten_id, status in bind.execute(
        sa.text("SELECT keten_id, status FROM verzoek WHERE soort = 'opschorting'")
    ):
        statuses[keten_id].append(status)
    for opschorting_id, of_chain in statuses.items():
        bind.execute(
            sa.text("UPDATE opschorting SET status = :status WHERE opschorting_id = :id"),
            {"status": _chain_status(of_chain), "id": opschorting_id},
        )

    for name in ("opschorting_schakel", "wijziging_schakel"):
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{name}_status"))
        op.drop_table(name)


def downgrade() -> None:
    _link_table("opschorting_schakel", "opschorting_id", "opschorting")
    _link_table("wijziging_schakel", "wijziging_id", "opschorting_wijziging")
    op.execute(
        f"INSERT INTO opschorting_schakel (opschorting_id, {_LINK_COLUMNS}) "  # noqa: S608
        f"SELECT keten_id, {_LINK_COLUMNS} FROM verzoek WHERE soort = 'opschorting'"
    )
    op.execute(
        f"INSERT INTO wijziging_schakel (wijziging_id, {_LINK_COLUMNS}) "  # noqa: S608
        f"SELECT keten_id, {_LINK_COLUMNS} FROM verzoek WHERE soort <> 'opschorting'"
    )
    with op.batch_alter_table("opschorting", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_opschorting_status"))
        batch_op.drop_column("status")
    with op.batch_alter_table("verzoek", schema=None) as batch_op:
        for column in ("casus_id", "instrument_id", "keten_id", "status", "uitvoerder"):
            batch_op.drop_index(batch_op.f(f"ix_verzoek_{column}"))
    op.drop_table("verzoek")
