"""casus lifecycle: the casus in columns, its organisations and its history in tables of their own

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30

Until now a casus was stored as its ``casus.ingediend`` payload (``casus.gegevens``, JSON). The
loket filters casussen on status, urgency, organisation and submission time, on SQLite and
PostgreSQL alike, so those become indexed columns and a table of involved organisations; the
lifecycle gets a history table. Upgrading converts each existing casus (its payload into the new
columns and ``casus_organisatie``, its submission as the first ``casus_transitie``: the hub never
moved a casus past ``ingediend`` before this revision); downgrading rebuilds the payload from the
columns, the organisations and the household members (pseudonyms only: the BSN stays sealed in
``huishoudlid`` either way).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_NIEUWE_KOLOMMEN: list[sa.Column[Any]] = [
    sa.Column("functionaris_naam", sa.String(length=200)),
    sa.Column("functionaris_email", sa.String(length=320)),
    sa.Column("functionaris_telefoon", sa.String(length=40)),
    sa.Column("probleemdomeinen", sa.JSON()),
    sa.Column("geprobeerd", sa.Text()),
    sa.Column("gevraagde_instrumenten", sa.JSON()),
]
_VERPLICHT = [c.name for c in _NIEUWE_KOLOMMEN if c.name != "functionaris_telefoon"]
_INDEXEN = ["status", "urgentie", "ingediend_op"]
_VASTE_KOLOMMEN = ["casus_id", "indiener_oin", "status", "urgentie", "ingediend_op"]

casus = sa.table(
    "casus",
    sa.column("casus_id", sa.String()),
    sa.column("indiener_oin", sa.String()),
    sa.column("urgentie", sa.String()),
    sa.column("ingediend_op", sa.DateTime(timezone=True)),
    sa.column("gegevens", sa.JSON()),
    *(sa.column(c.name, c.type) for c in _NIEUWE_KOLOMMEN),
)
organisatie = sa.table(
    "casus_organisatie",
    sa.column("casus_id", sa.String()),
    sa.column("uitvoerder", sa.String()),
    sa.column("positie", sa.Integer()),
)
transitie = sa.table(
    "casus_transitie",
    sa.column("casus_id", sa.String()),
    sa.column("van", sa.String()),
    sa.column("naar", sa.String()),
    sa.column("op", sa.DateTime(timezone=True)),
    sa.column("door", sa.String()),
    sa.column("details", sa.JSON()),
)
lid = sa.table(
    "huishoudlid",
    sa.column("id", sa.Integer()),
    sa.column("casus_id", sa.String()),
    sa.column("pseudoniem", sa.String()),
    sa.column("rol", sa.String()),
)


@contextlib.contextmanager
def _leeg_tijdens_herbouw(kolommen: list[str]) -> Iterator[None]:
    """Let SQLite rebuild ``casus`` while other tables point at it.

    SQLite changes a table by copying it, dropping the original and renaming the copy. Dropping
    a table that rows of ``huishoudlid``, ``opschorting``... reference fails while foreign keys
    are enforced, and ``PRAGMA foreign_keys`` cannot be switched off inside the migration's
    transaction. So the checks are deferred to the commit, the rows are parked in a temporary
    table and the empty table is rebuilt; putting the rows back (``kolommen``: the columns both
    shapes have) satisfies the deferred checks again. PostgreSQL alters in place: nothing to do.
    """
    if op.get_bind().dialect.name != "sqlite":
        yield
        return
    namen = ", ".join(kolommen)
    op.execute("PRAGMA defer_foreign_keys = ON")
    op.execute(f"CREATE TEMP TABLE casus_0006 AS SELECT {namen} FROM casus")  # noqa: S608 (our own column names)
    op.execute("DELETE FROM casus")
    yield
    op.execute(f"INSERT INTO casus ({namen}) SELECT {namen} FROM casus_0006")  # noqa: S608
    op.execute("DROP TABLE casus_0006")


def upgrade() -> None:
    op.create_table(
        "casus_organisatie",
        sa.Column("casus_id", sa.String(length=24), nullable=False),
        sa.Column("uitvoerder", sa.String(length=40), nullable=False),
        sa.Column("positie", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["casus_id"], ["casus.casus_id"]),
        sa.PrimaryKeyConstraint("casus_id", "uitvoerder"),
    )
    with op.batch_alter_table("casus_organisatie", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_casus_organisatie_uitvoerder"), ["uitvoerder"], unique=False
        )
    op.create_table(
        "casus_transitie",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("casus_id", sa.String(length=24), nullable=False),
        sa.Column("van", sa.String(length=20), nullable=True),
        sa.Column("naar", sa.String(length=20), nullable=False),
        sa.Column("op", sa.DateTime(timezone=True), nullable=False),
        sa.Column("door", sa.String(length=200), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["casus_id"], ["casus.casus_id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("casus_transitie", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_casus_transitie_casus_id"), ["casus_id"], unique=False)

    with op.batch_alter_table("casus", schema=None) as batch_op:
        for kolom in _NIEUWE_KOLOMMEN:
            batch_op.add_column(sa.Column(kolom.name, kolom.type, nullable=True))
    _gegevens_naar_kolommen()

    nieuw = [*_VASTE_KOLOMMEN, *(c.name for c in _NIEUWE_KOLOMMEN)]
    with _leeg_tijdens_herbouw(nieuw), op.batch_alter_table("casus", schema=None) as batch_op:
        for naam in _VERPLICHT:
            kolom = next(c for c in _NIEUWE_KOLOMMEN if c.name == naam)
            batch_op.alter_column(naam, existing_type=kolom.type, nullable=False)
        batch_op.drop_column("gegevens")
        for naam in _INDEXEN:
            batch_op.create_index(batch_op.f(f"ix_casus_{naam}"), [naam], unique=False)


def _gegevens_naar_kolommen() -> None:
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(casus.c.casus_id, casus.c.indiener_oin, casus.c.ingediend_op, casus.c.gegevens)
    ).all()
    for row in rows:
        gegevens = row.gegevens
        functionaris = gegevens["maatwerkfunctionaris"]
        bind.execute(
            casus.update()
            .where(casus.c.casus_id == row.casus_id)
            .values(
                functionaris_naam=functionaris["naam"],
                functionaris_email=functionaris["email"],
                functionaris_telefoon=functionaris.get("telefoon"),
                probleemdomeinen=list(gegevens["probleemdomeinen"]),
                geprobeerd=gegevens["geprobeerd"],
                gevraagde_instrumenten=list(gegevens["gevraagde_instrumenten"]),
            )
        )
        organisaties = gegevens.get("betrokken_organisaties") or []
        if organisaties:
            bind.execute(
                organisatie.insert(),
                [
                    {"casus_id": row.casus_id, "uitvoerder": code, "positie": positie}
                    for positie, code in enumerate(organisaties)
                ],
            )
        bind.execute(
            transitie.insert().values(
                casus_id=row.casus_id,
                van=None,
                naar="ingediend",
                op=row.ingediend_op,
                door=f"urn:nld:oin:{row.indiener_oin}",
                details={},
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("casus", schema=None) as batch_op:
        batch_op.add_column(sa.Column("gegevens", sa.JSON(), nullable=True))
    _kolommen_naar_gegevens()

    with op.batch_alter_table("casus_transitie", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_casus_transitie_casus_id"))
    op.drop_table("casus_transitie")
    with op.batch_alter_table("casus_organisatie", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_casus_organisatie_uitvoerder"))
    op.drop_table("casus_organisatie")

    oud = [*_VASTE_KOLOMMEN, "gegevens"]
    with _leeg_tijdens_herbouw(oud), op.batch_alter_table("casus", schema=None) as batch_op:
        for naam in _INDEXEN:
            batch_op.drop_index(batch_op.f(f"ix_casus_{naam}"))
        batch_op.alter_column("gegevens", existing_type=sa.JSON(), nullable=False)
        for kolom in reversed(_NIEUWE_KOLOMMEN):
            batch_op.drop_column(kolom.name)


def _kolommen_naar_gegevens() -> None:
    """The ``casus.ingediend`` payload as revision 0005 stored it."""
    bind = op.get_bind()
    leden: dict[str, list[dict[str, str]]] = {}
    for row in bind.execute(sa.select(lid).order_by(lid.c.id)):
        leden.setdefault(row.casus_id, []).append({"pseudoniem": row.pseudoniem, "rol": row.rol})
    organisaties: dict[str, list[str]] = {}
    for row in bind.execute(sa.select(organisatie).order_by(organisatie.c.positie)):
        organisaties.setdefault(row.casus_id, []).append(row.uitvoerder)
    for row in bind.execute(sa.select(casus)).all():
        gegevens = {
            "casus_id": row.casus_id,
            "indiener_oin": row.indiener_oin,
            "maatwerkfunctionaris": {
                "naam": row.functionaris_naam,
                "email": row.functionaris_email,
                "telefoon": row.functionaris_telefoon,
            },
            "huishouden": leden.get(row.casus_id, []),
            "probleemdomeinen": row.probleemdomeinen,
            "betrokken_organisaties": organisaties.get(row.casus_id, []),
            "geprobeerd": row.geprobeerd,
            "urgentie": row.urgentie,
            "gevraagde_instrumenten": row.gevraagde_instrumenten,
            "ingediend_op": _iso(row.ingediend_op),
        }
        bind.execute(
            casus.update().where(casus.c.casus_id == row.casus_id).values(gegevens=gegevens)
        )


def _iso(moment: dt.datetime) -> str:
    """As pydantic writes an aware UTC datetime (``...Z``)."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)
    return aware.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
