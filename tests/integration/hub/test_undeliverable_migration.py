"""Revision 0010 adds why a request is undeliverable; its downgrade makes such a request pending
again (what it was before the status existed) and drops the reason."""

from __future__ import annotations

import sqlalchemy as sa

from hub.adapters.migrations import downgrade, upgrade
from hub.service.aflevering import publicatie_opgegeven
from hub.service.opschorting import lees_opschorting
from tests.integration.hub.test_store import order


async def verzoeken(hub) -> list[dict]:
    async with hub.engine.connect() as conn:
        rows = await conn.execute(sa.text("SELECT * FROM verzoek ORDER BY uitvoerder"))
        return [dict(r._mapping) for r in rows]


async def test_downgrade_makes_an_undeliverable_request_pending_and_upgrade_brings_the_columns(
    hub,
):
    opschorting_id = await order(hub)
    cjib = (await lees_opschorting(opschorting_id, hub.uow(), hub.deps)).verzoek_van("cjib")
    await publicatie_opgegeven([(cjib.instructie_id, "KafkaTimeoutError")], hub.uow(), hub.deps)
    rows = {r["uitvoerder"]: r for r in await verzoeken(hub)}
    assert rows["cjib"]["status"] == "undeliverable"
    assert rows["cjib"]["aflevering_redencode"] == "publicatie-opgegeven"
    assert rows["cjib"]["aflevering_definitief"] in (True, 1)

    await downgrade(hub.engine, "0009")
    rows = {r["uitvoerder"]: r for r in await verzoeken(hub)}
    assert {r["status"] for r in rows.values()} == {"pending"}
    assert not {"aflevering_reden_code", "aflevering_redencode"} & rows["cjib"].keys()

    await upgrade(hub.engine)
    rows = {r["uitvoerder"]: r for r in await verzoeken(hub)}
    assert rows["cjib"]["status"] == "pending" and rows["cjib"]["aflevering_redencode"] is None
    link = (await lees_opschorting(opschorting_id, hub.uow(), hub.deps)).verzoek_van("cjib")
    assert link.aflevering is None
