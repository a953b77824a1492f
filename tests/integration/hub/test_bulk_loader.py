"""The benchmark's bulk loader (``bench/seed.py``) leaves a store the hub reads as if every order
had come through the API, on SQLite and PostgreSQL: the audit chain verifies, each casus has its
own person (pseudonym, lookup key and encryption the hub's own), the check before collecting
finds a seeded person as it finds the one ordered through the service, the outbox holds nothing
left to publish for the copies, and no BSN is stored in clear."""

from __future__ import annotations

import itertools
import json

import pytest
from sqlalchemy import select

from bench import seed as seed_module
from bench.seed import TEMPLATE_BSN, bsns, seed
from hub.adapters.orm import Base, LidRow, OutboxRow, VerzoekRow
from hub.service.audit import verifieer_audit
from hub.service.casus import zoek_casussen
from hub.service.controle import ControleerOpschorting, controleer
from hub.service.queries import ZoekCasussen
from schemas.organisaties import UITVOERDERS, Uitvoerder
from schemas.versleuteling import load_public_key, seal

ORDERS = 7


async def _rows(hub, table):
    async with hub.engine.connect() as connection:
        return (await connection.execute(select(table))).mappings().all()


async def _check(hub, bsn: str):
    public = load_public_key(hub.deps.secrets.publieke_bsn_sleutel)
    return await controleer(
        ControleerOpschorting(bsn_versleuteld=seal(bsn, public)),
        hub.uow(),
        hub.deps,
        uitvoerder="cjib",
        oin=UITVOERDERS[Uitvoerder.CJIB].oin,
        trace_id=None,
    )


@pytest.fixture
def small_batches(monkeypatch):
    monkeypatch.setattr(seed_module, "BATCH", 4)  # the copies in two batches


async def test_seeded_store_is_as_valid_as_through_the_api(hub, small_batches):
    assert await seed(hub, ORDERS) == ORDERS

    uitslag = await verifieer_audit(hub.uow())
    assert uitslag.intact, uitslag.breuk
    audit_per_order = uitslag.aantal // ORDERS
    assert audit_per_order >= 2 and uitslag.aantal == ORDERS * audit_per_order

    lijst = await zoek_casussen(ZoekCasussen(per_pagina=100), hub.uow())
    assert lijst.totaal == ORDERS
    people = [TEMPLATE_BSN, *itertools.islice(bsns(), ORDERS - 1)]
    leden = await _rows(hub, LidRow.__table__)
    assert len({m["casus_id"] for m in leden}) == ORDERS
    by_casus = {m["casus_id"]: m for m in leden}
    secrets = hub.deps.secrets
    opened = {secrets.ontsleutel_opslag(m["bsn_opgeslagen"]) for m in leden}
    assert opened == set(people)
    for casus_id, lid in by_casus.items():
        bsn = secrets.ontsleutel_opslag(lid["bsn_opgeslagen"])
        assert lid["pseudoniem"] == secrets.pseudoniem(casus_id, bsn)
        assert lid["bsn_zoeksleutel"] == secrets.zoeksleutel(bsn)

    verzoeken = await _rows(hub, VerzoekRow.__table__)
    assert len({v["instructie_id"] for v in verzoeken}) == len(verzoeken) == 2 * ORDERS
    assert {v["casus_id"] for v in verzoeken} == set(by_casus)

    template = await _check(hub, TEMPLATE_BSN)
    for bsn in people[1:]:
        assert await _check(hub, bsn) == template  # found, with the same time-out


async def test_copies_leave_nothing_to_publish_and_no_bsn_in_clear(hub, small_batches):
    await seed(hub, ORDERS)

    outbox = await _rows(hub, OutboxRow.__table__)
    pending = [r for r in outbox if r["sent_at"] is None]
    assert len(pending) == len(outbox) // ORDERS  # the real order's own, for the relay
    assert len({r["event_id"] for r in outbox}) == len(outbox)
    for row in outbox:
        event = json.loads(row["value"])
        assert event["id"] == row["event_id"] and event["subject"] == row["key"]

    people = [TEMPLATE_BSN, *itertools.islice(bsns(), ORDERS - 1)]
    for table in Base.metadata.sorted_tables:
        for row in await _rows(hub, table):
            text = json.dumps(
                {k: v.decode() if isinstance(v, bytes) else v for k, v in row.items()},
                default=str,
            )
            assert not [b for b in people if b in text], (table.name, text[:200])
