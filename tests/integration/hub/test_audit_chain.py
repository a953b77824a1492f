"""The audit trail is a hash chain on SQLite and PostgreSQL: concurrent appends do not fork it,
an upgraded store verifies, and ``maatwerk-hub audit verify`` names the first entry changed,
removed or inserted."""

from __future__ import annotations

import asyncio
import datetime as dt
import json

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from hub.adapters.database import create_engine
from hub.adapters.migrations import upgrade
from hub.cli import app
from hub.domain.auditketen import entry_hash
from hub.service.audit import verifieer_audit
from hub.settings import get_settings

UNITS = 40


async def _append(hub, n: int, *, per_unit: int = 1) -> None:
    async with hub.uow() as uow:
        for i in range(per_unit):
            uow.audit.record(
                actor=f"urn:nld:oin:{n:020d}", actie="test.stap", casus_id=None, details={"i": i}
            )
        await uow.commit()


async def _fill(hub, count: int = 5) -> None:
    for n in range(count):
        await _append(hub, n)


async def _sql(hub, sql: str, **params) -> list:
    async with hub.engine.begin() as conn:
        result = await conn.execute(text(sql), params)
        return result.all() if result.returns_rows else []


async def test_concurrent_units_of_work_append_one_chain(hub):
    """Many transactions append at once (two entries each): one chain, no gaps, no fork."""
    await asyncio.gather(*(_append(hub, n, per_unit=2) for n in range(UNITS)))

    uitslag = await verifieer_audit(hub.uow())

    assert uitslag.intact, uitslag.breuk
    assert uitslag.aantal == uitslag.head_sequence == 2 * UNITS
    rows = await _sql(hub, "SELECT sequence, previous_hash FROM audit ORDER BY sequence")
    assert [r[0] for r in rows] == list(range(1, 2 * UNITS + 1))
    assert len({r[1] for r in rows}) == 2 * UNITS  # every entry chains onto a different one


async def test_a_changed_detail_is_named(hub):
    await _fill(hub)
    await _sql(hub, "UPDATE audit SET details = :d WHERE sequence = 3", d=json.dumps({"i": 9}))

    uitslag = await verifieer_audit(hub.uow())

    assert uitslag.breuk is not None
    assert uitslag.breuk.sequence == 3
    assert "changed" in uitslag.breuk.reden
    assert uitslag.aantal == 2


async def test_a_removed_middle_entry_is_named(hub):
    await _fill(hub)
    await _sql(hub, "DELETE FROM audit WHERE sequence = 3")

    uitslag = await verifieer_audit(hub.uow())

    assert uitslag.breuk is not None
    assert uitslag.breuk.sequence == 4
    assert "missing" in uitslag.breuk.reden


async def test_a_removed_last_entry_is_caught_by_the_head(hub):
    await _fill(hub)
    await _sql(hub, "DELETE FROM audit WHERE sequence = 5")

    uitslag = await verifieer_audit(hub.uow())

    assert uitslag.breuk is not None
    assert "end" in uitslag.breuk.reden


async def test_a_forged_entry_inserted_is_named(hub):
    """A forger who knows the hash function appends a well-formed entry; the chain head, which
    they did not move, gives them away. A forged entry numbered into the chain is named too."""
    await _fill(hub)
    last_hash = (await _sql(hub, "SELECT hash FROM audit WHERE sequence = 5"))[0][0]
    at = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
    forged = entry_hash(
        sequence=6,
        at=at,
        actor="urn:nld:oin:00000001999999990201",
        actie="opschorting.opgeheven",
        casus_id=None,
        details={},
        previous_hash=last_hash,
    )
    insert = (
        "INSERT INTO audit (sequence, at, actor, actie, casus_id, details, previous_hash, hash) "
        "VALUES (:s, :at, 'urn:nld:oin:00000001999999990201', 'opschorting.opgeheven', NULL, "
        "'{}', :p, :h)"
    )
    await _sql(hub, insert, s=6, at=at, p=last_hash, h=forged)

    uitslag = await verifieer_audit(hub.uow())
    assert uitslag.breuk is not None
    assert "added to its end" in uitslag.breuk.reden

    await _sql(hub, "DELETE FROM audit WHERE sequence = 6")
    await _sql(hub, insert, s=0, at=at, p="0" * 64, h=forged)
    uitslag = await verifieer_audit(hub.uow())
    assert uitslag.breuk is not None
    assert uitslag.breuk.sequence == 0
    assert "inserted" in uitslag.breuk.reden


async def test_verify_reads_the_trail_in_slices(hub):
    await _fill(hub, 7)
    uitslag = await verifieer_audit(hub.uow(), slice_size=2)
    assert uitslag.intact
    assert uitslag.aantal == 7


async def test_the_command_exits_1_naming_the_entry_and_0_with_a_count(
    hub, database_url, monkeypatch
):
    await _fill(hub)
    monkeypatch.setenv("HUB_DATABASE_URL", database_url)
    get_settings.cache_clear()
    try:
        intact = await _verify_command()
        assert intact.exit_code == 0, intact.output
        assert "intact, 5 entries" in intact.output

        await _sql(hub, "UPDATE audit SET actor = 'someone else' WHERE sequence = 2")
        broken = await _verify_command()
        assert broken.exit_code == 1
        assert "sequence 2 (id " in broken.output
        assert "changed" in broken.output
    finally:
        get_settings.cache_clear()


async def _verify_command():
    """The command runs its own event loop: in a thread of its own, as from a shell."""
    return await asyncio.to_thread(CliRunner().invoke, app, ["audit", "verify"])


@pytest.fixture
def store_url(empty_database_url):
    return empty_database_url


async def test_an_upgraded_store_chains_its_entries_in_order_of_id(store_url):
    engine = create_engine(store_url)
    try:
        await upgrade(engine, "0006")
        async with engine.begin() as conn:
            for n, at in enumerate(["2026-11-22 10:00:00+00:00", "2026-11-22 09:00:00.5+00:00"]):
                await conn.execute(
                    text(
                        "INSERT INTO audit (at, actor, actie, casus_id, details) "
                        "VALUES (:at, 'loket', 'casus.ingediend', NULL, :d)"
                    ),
                    {
                        "at": dt.datetime.fromisoformat(at),
                        "d": json.dumps({"n": n, "é": [1, 2.5]}),
                    },
                )
        await upgrade(engine)

        from hub.adapters.database import session_factory
        from hub.service.sql_unit_of_work import SqlUnitOfWork

        uow = SqlUnitOfWork(
            session_factory(engine), bus=None, clock=lambda: dt.datetime.now(dt.UTC)
        )
        uitslag = await verifieer_audit(uow)
        assert uitslag.intact, uitslag.breuk
        assert uitslag.aantal == 2
        async with uow:
            uow.audit.record(actor="loket", actie="na.upgrade", casus_id=None, details={})
            await uow.commit()
        assert (await verifieer_audit(uow)).aantal == 3
    finally:
        await engine.dispose()
