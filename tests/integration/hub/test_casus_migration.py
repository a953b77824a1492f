"""Revision 0006 converts the casussen stored before it (a JSON payload each) and converts them
back on downgrade, on SQLite and PostgreSQL, while other tables point at them."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from hub.adapters.database import create_engine
from hub.adapters.migrations import downgrade, upgrade

CASUS_ID = "MWL-2026-OUD0000001"
GEGEVENS = {
    "casus_id": CASUS_ID,
    "indiener_oin": "00000001999999990201",
    "maatwerkfunctionaris": {
        "naam": "Team Maatwerk Utrecht",
        "email": "maatwerk@utrecht.example",
        "telefoon": None,
    },
    "huishouden": [{"pseudoniem": "psn-00000000000000000000000000000001", "rol": "aanvrager"}],
    "probleemdomeinen": ["schulden", "inkomen"],
    "betrokken_organisaties": ["duo", "belastingdienst"],
    "geprobeerd": "Betalingsregelingen aangevraagd.",
    "urgentie": "hoog",
    "gevraagde_instrumenten": ["time-out"],
    "ingediend_op": "2026-11-20T08:30:00Z",
}
INGEDIEND_OP = dt.datetime(2026, 11, 20, 8, 30, tzinfo=dt.UTC)


def old_casus_rows(sync) -> None:
    meta = sa.MetaData()
    meta.reflect(sync, only=["casus", "huishoudlid", "opschorting"])
    sync.execute(
        meta.tables["casus"].insert(),
        {
            "casus_id": CASUS_ID,
            "indiener_oin": GEGEVENS["indiener_oin"],
            "status": "ingediend",
            "urgentie": "hoog",
            "gegevens": GEGEVENS,
            "ingediend_op": INGEDIEND_OP,
        },
    )
    sync.execute(
        meta.tables["huishoudlid"].insert(),
        {
            "casus_id": CASUS_ID,
            "pseudoniem": GEGEVENS["huishouden"][0]["pseudoniem"],
            "rol": "aanvrager",
            "bsn_opgeslagen": "sealed-bsn",
        },
    )
    sync.execute(
        meta.tables["opschorting"].insert(),
        {
            "opschorting_id": "00000000-0000-0000-0000-000000000001",
            "casus_id": CASUS_ID,
            "maatregelen": ["invordering"],
            "ingangsdatum": dt.date(2026, 12, 1),
            "einddatum": dt.date(2027, 2, 1),
            "grondslag": "Time-outbevoegdheid",
            "reden": "Ruimte",
            "opgedragen_op": INGEDIEND_OP,
        },
    )


def rows(sync, table: str) -> list[dict]:
    meta = sa.MetaData()
    meta.reflect(sync, only=[table])
    return [dict(r._mapping) for r in sync.execute(sa.select(meta.tables[table]))]


async def test_existing_casus_is_converted_and_restored(empty_database_url):
    engine = create_engine(empty_database_url)
    try:
        await upgrade(engine, "0005")
        async with engine.begin() as conn:
            await conn.run_sync(old_casus_rows)

        await upgrade(engine, "head")
        async with engine.connect() as conn:
            [casus] = await conn.run_sync(rows, "casus")
            organisaties = await conn.run_sync(rows, "casus_organisatie")
            [transitie] = await conn.run_sync(rows, "casus_transitie")
            [lid] = await conn.run_sync(rows, "huishoudlid")
            [opschorting] = await conn.run_sync(rows, "opschorting")
        assert "gegevens" not in casus
        assert casus["functionaris_naam"] == "Team Maatwerk Utrecht"
        assert casus["functionaris_telefoon"] is None
        assert casus["probleemdomeinen"] == ["schulden", "inkomen"]
        assert casus["gevraagde_instrumenten"] == ["time-out"]
        assert casus["geprobeerd"] == "Betalingsregelingen aangevraagd."
        assert sorted((o["positie"], o["uitvoerder"]) for o in organisaties) == [
            (0, "duo"),
            (1, "belastingdienst"),
        ]
        assert (transitie["van"], transitie["naar"], transitie["door"]) == (
            None,
            "ingediend",
            "urn:nld:oin:00000001999999990201",
        )
        assert lid["bsn_opgeslagen"] == "sealed-bsn" and opschorting["casus_id"] == CASUS_ID

        await downgrade(engine, "0005")
        async with engine.connect() as conn:
            [casus] = await conn.run_sync(rows, "casus")
            tables = await conn.run_sync(lambda sync: sa.inspect(sync).get_table_names())
        assert casus["gegevens"] == GEGEVENS
        assert "functionaris_naam" not in casus
        assert not {"casus_organisatie", "casus_transitie"} & set(tables)

        await upgrade(engine, "head")  # and up again
    finally:
        await engine.dispose()


async def test_converted_casus_loads_as_an_aggregate(empty_database_url, tmp_path):
    from hub.bootstrap import build_hub
    from hub.service.casus import lees_casus
    from hub.settings import Settings

    engine = create_engine(empty_database_url)
    try:
        await upgrade(engine, "0005")
        async with engine.begin() as conn:
            await conn.run_sync(old_casus_rows)
    finally:
        await engine.dispose()
    hub = await build_hub(Settings(database_url=empty_database_url, keys_dir=tmp_path / "keys"))
    try:
        casus = (await lees_casus(CASUS_ID, hub.uow())).casus
    finally:
        await hub.close()
    assert casus.status == "ingediend"
    assert casus.ingediend_op == INGEDIEND_OP
    assert casus.betrokken_organisaties == ("duo", "belastingdienst")
    assert casus.transities[0].op == INGEDIEND_OP
    assert [lid.pseudoniem for lid in casus.leden] == [GEGEVENS["huishouden"][0]["pseudoniem"]]
