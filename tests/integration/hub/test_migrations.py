"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from hub.adapters.database import create_engine, create_schema
from hub.adapters.migrations import alembic_config, downgrade, newest_revision, upgrade
from hub.adapters.orm import Base


async def test_migrated_store_matches_the_models_and_upgrading_twice_is_harmless(
    empty_database_url,
):
    engine = create_engine(empty_database_url)
    try:
        await create_schema(engine)
        await create_schema(engine)
        async with engine.connect() as conn:
            diff = await conn.run_sync(
                lambda sync: compare_metadata(MigrationContext.configure(sync), Base.metadata)
            )
        assert diff == []
    finally:
        await engine.dispose()


async def test_a_store_one_revision_behind_is_brought_to_alembics_head(empty_database_url):
    """The start-up check names the head from the scripts' file names, without Alembic: it
    must be Alembic's own head, and a store behind it must be upgraded, not taken as done."""
    [head] = ScriptDirectory.from_config(alembic_config()).get_heads()
    assert newest_revision() == head
    engine = create_engine(empty_database_url)
    try:
        await create_schema(engine)
        await downgrade(engine, "-1")
        await upgrade(engine)
        async with engine.connect() as conn:
            version = await conn.execute(text("SELECT version_num FROM alembic_version"))
            assert version.scalars().all() == [head]
    finally:
        await engine.dispose()


async def test_downgrade_to_base_removes_every_table(empty_database_url):
    engine = create_engine(empty_database_url)
    try:
        await create_schema(engine)

        def downgrade(sync):
            config = alembic_config()
            config.attributes["connection"] = sync
            command.downgrade(config, "base")

        async with engine.begin() as conn:
            await conn.run_sync(downgrade)
        async with engine.connect() as conn:
            tables = await conn.run_sync(lambda sync: inspect(sync).get_table_names())
        assert set(tables) <= {"alembic_version"}
    finally:
        await engine.dispose()


async def test_upgrade_moves_the_chain_links_into_the_request_table(empty_database_url):
    """A store from before revision 0004 keeps every answer: links of orders and of changes become
    requests, and each order gets its chain status."""
    engine = create_engine(empty_database_url)
    at = "2026-11-22 10:00:00+00:00"

    def seed(sync) -> None:
        run = lambda sql: sync.execute(text(sql))  # noqa: E731
        run(
            "INSERT INTO casus (casus_id, indiener_oin, status, urgentie, gegevens, ingediend_op) "
            f"VALUES ('MWL-2026-0000000001', '00000001999999990201', 'ingediend', 'hoog', '{{}}', "
            f"'{at}')"
        )
        for opschorting_id in ("o-1", "o-2"):
            run(
                "INSERT INTO opschorting (opschorting_id, casus_id, maatregelen, ingangsdatum, "
                "einddatum, grondslag, reden, opgedragen_op) VALUES "
                f"('{opschorting_id}', 'MWL-2026-0000000001', '[\"beslag\"]', '2026-12-01', "
                f"'2027-03-01', 'g', 'r', '{at}')"
            )
        links = [
            ("o-1", "cjib", "i-1", "confirmed", "CJIB-1"),
            ("o-1", "duo", "i-2", "refused", None),
            ("o-2", "cjib", "i-3", "confirmed", "CJIB-2"),
            ("o-2", "duo", "i-4", "pending", None),
        ]
        for opschorting_id, uitvoerder, instructie_id, status, referentie in links:
            ref = "NULL" if referentie is None else f"'{referentie}'"
            run(
                "INSERT INTO opschorting_schakel (opschorting_id, uitvoerder, instructie_id, "
                "reageer_uiterlijk, status, referentie, vorderingen) VALUES "
                f"('{opschorting_id}', '{uitvoerder}', '{instructie_id}', '{at}', '{status}', "
                f"{ref}, '[]')"
            )
        run(
            "INSERT INTO opschorting_wijziging (wijziging_id, opschorting_id, soort, reden, "
            f"gewijzigd_op, nieuwe_einddatum) VALUES ('w-1', 'o-1', 'verlenging', 'r', '{at}', "
            "'2027-06-01')"
        )
        run(
            "INSERT INTO wijziging_schakel (wijziging_id, uitvoerder, instructie_id, "
            "reageer_uiterlijk, status, referentie, vorderingen) VALUES "
            f"('w-1', 'cjib', 'i-5', '{at}', 'confirmed', 'CJIB-W1', '[]')"
        )

    try:
        await upgrade(engine, "0003")
        async with engine.begin() as conn:
            await conn.run_sync(seed)
        await upgrade(engine, "0004")
        async with engine.connect() as conn:
            requests = (
                await conn.execute(
                    text(
                        "SELECT instructie_id, soort, keten_id, instrument_id, uitvoerder, status, "
                        "referentie FROM verzoek ORDER BY instructie_id"
                    )
                )
            ).all()
            orders = dict(
                (await conn.execute(text("SELECT opschorting_id, status FROM opschorting"))).all()
            )
        assert [tuple(r) for r in requests] == [
            ("i-1", "opschorting", "o-1", "o-1", "cjib", "confirmed", "CJIB-1"),
            ("i-2", "opschorting", "o-1", "o-1", "duo", "refused", None),
            ("i-3", "opschorting", "o-2", "o-2", "cjib", "confirmed", "CJIB-2"),
            ("i-4", "opschorting", "o-2", "o-2", "duo", "pending", None),
            ("i-5", "verlenging", "w-1", "o-1", "cjib", "confirmed", "CJIB-W1"),
        ]
        assert orders == {"o-1": "incomplete", "o-2": "pending"}
        await downgrade(engine, "0003")
        async with engine.connect() as conn:
            back = (
                await conn.execute(text("SELECT instructie_id, status FROM wijziging_schakel"))
            ).all()
        assert [tuple(r) for r in back] == [("i-5", "confirmed")]
    finally:
        await engine.dispose()
