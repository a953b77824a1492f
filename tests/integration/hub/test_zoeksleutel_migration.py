"""Revision 0009 adds the BSN lookup key; the migration cannot compute it (it has no access to the
hub's secrets), so the hub fills it when it starts. Existing pseudonyms stay as they are. On
SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from hub.adapters.database import create_engine
from hub.adapters.migrations import downgrade, upgrade
from hub.adapters.secrets import HubSecrets
from hub.bootstrap import build_hub
from hub.service.casus import casussen_van, lees_casus
from hub.settings import Settings

BSN = "999990019"
OUDE_PSEUDONIEM = "psn-00000000000000000000000000000001"
LEDEN = [  # (casus, pseudonym, stored BSN: None = the real one, sealed with the storage key)
    ("MWL-2026-OUD0000001", OUDE_PSEUDONIEM, None),
    ("MWL-2026-OUD0000002", OUDE_PSEUDONIEM, None),
    ("MWL-2026-OUD0000003", "psn-00000000000000000000000000000003", "not-a-fernet-token"),
]


def rows_before_0009(sync, secrets: HubSecrets) -> None:
    meta = sa.MetaData()
    meta.reflect(sync, only=["casus", "huishoudlid"])
    for casus_id, pseudoniem, opgeslagen in LEDEN:
        sync.execute(
            meta.tables["casus"].insert(),
            {
                "casus_id": casus_id,
                "indiener_oin": "00000001999999990201",
                "status": "ingediend",
                "urgentie": "hoog",
                "ingediend_op": dt.datetime(2026, 11, 20, 8, 30, tzinfo=dt.UTC),
                "functionaris_naam": "Team Maatwerk Utrecht",
                "functionaris_email": "maatwerk@utrecht.example",
                "probleemdomeinen": ["schulden"],
                "geprobeerd": "Betalingsregelingen aangevraagd.",
                "gevraagde_instrumenten": ["time-out"],
            },
        )
        sync.execute(
            meta.tables["huishoudlid"].insert(),
            {
                "casus_id": casus_id,
                "pseudoniem": pseudoniem,
                "rol": "aanvrager",
                "bsn_opgeslagen": opgeslagen or secrets.versleutel_opslag(BSN),
            },
        )


def leden(sync) -> list[dict]:
    meta = sa.MetaData()
    meta.reflect(sync, only=["huishoudlid"])
    table = meta.tables["huishoudlid"]
    return [dict(r._mapping) for r in sync.execute(sa.select(table).order_by(table.c.id))]


async def test_the_hub_fills_the_lookup_keys_at_start_and_keeps_the_pseudonyms(
    empty_database_url, tmp_path
):
    settings = Settings(database_url=empty_database_url, keys_dir=tmp_path / "keys")
    secrets = HubSecrets.load(settings.keys_dir)
    engine = create_engine(empty_database_url)
    try:
        await upgrade(engine, "0008")
        async with engine.begin() as conn:
            await conn.run_sync(rows_before_0009, secrets)
        await upgrade(engine, "0009")
        async with engine.connect() as conn:
            assert [lid["bsn_zoeksleutel"] for lid in await conn.run_sync(leden)] == [None] * 3
    finally:
        await engine.dispose()

    for _ in range(2):  # a second start finds nothing to fill and changes nothing
        hub = await build_hub(settings)
        try:
            async with hub.engine.connect() as conn:
                rows = await conn.run_sync(leden)
            gevonden = await casussen_van(BSN, hub.uow(), hub.deps)
            casus = (await lees_casus("MWL-2026-OUD0000001", hub.uow())).casus
        finally:
            await hub.close()
        sleutel = secrets.zoeksleutel(BSN)
        assert [(r["pseudoniem"], r["bsn_zoeksleutel"]) for r in rows] == [
            (OUDE_PSEUDONIEM, sleutel),
            (OUDE_PSEUDONIEM, sleutel),
            ("psn-00000000000000000000000000000003", None),  # unreadable: left as it was
        ]
        assert gevonden == ["MWL-2026-OUD0000001", "MWL-2026-OUD0000002"]
        assert casus.leden[0].bsn_zoeksleutel == sleutel
        assert casus.leden[0].pseudoniem == OUDE_PSEUDONIEM

    engine = create_engine(empty_database_url)
    try:
        await downgrade(engine, "0008")
        async with engine.connect() as conn:
            rows = await conn.run_sync(leden)
        assert "bsn_zoeksleutel" not in rows[0] and len(rows) == 3
        await upgrade(engine, "head")
    finally:
        await engine.dispose()


async def test_filling_goes_on_past_unreadable_rows_batch_by_batch(empty_database_url, tmp_path):
    from hub.service.casus import vul_zoeksleutels_aan

    settings = Settings(database_url=empty_database_url, keys_dir=tmp_path / "keys")
    hub = await build_hub(settings)
    try:
        async with hub.engine.begin() as conn:
            await conn.run_sync(rows_before_0009, hub.deps.secrets)
        # unreadable row first: a batch of one that fills nothing must not end the filling
        async with hub.engine.begin() as conn:
            await conn.execute(
                sa.text("UPDATE huishoudlid SET bsn_opgeslagen = 'not-a-fernet-token' WHERE id = 1")
            )
        assert await vul_zoeksleutels_aan(hub.uow, hub.deps, per_keer=1) == 1
        assert await vul_zoeksleutels_aan(hub.uow, hub.deps, per_keer=1) == 0
        async with hub.engine.connect() as conn:
            rows = await conn.run_sync(leden)
    finally:
        await hub.close()
    sleutel = hub.deps.secrets.zoeksleutel(BSN)
    assert [r["bsn_zoeksleutel"] for r in rows] == [None, sleutel, None]
