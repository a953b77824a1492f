"""On SQLite and PostgreSQL: the check before collecting finds a time-out by the person's lookup
key in one query, every check and instruction is in the processing log, and no table holds a
BSN."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import event, select

from hub.adapters.orm import VerwerkingBetrokkeneRow, VerwerkingRow
from hub.domain.selectie import Pagina
from hub.service.antwoorden import verwerk_antwoord
from hub.service.controle import ControleerOpschorting, controleer
from hub.service.opschorting import lees_opschorting
from hub.service.verwerkingen import ZoekVerwerkingenPerPersoon, zoek_per_persoon
from schemas import make_event
from schemas.opschorting import OpschortingDeelsBevestigd
from schemas.organisaties import UITVOERDERS, Uitvoerder
from schemas.versleuteling import load_public_key, seal
from tests.integration.hub.test_store import BSN, op_topic, order
from tests.support.loket import CJIB_DEELS_OPGESCHORT

CJIB_OIN = UITVOERDERS[Uitvoerder.CJIB].oin
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"


async def check(hub, **vraag) -> bool:
    controle = await controleer(
        ControleerOpschorting(**vraag),
        hub.uow(),
        hub.deps,
        uitvoerder="cjib",
        oin=CJIB_OIN,
        trace_id=TRACE_ID,
    )
    return controle.in_force


async def test_check_by_sealed_bsn_and_pseudonym_is_logged_and_no_table_holds_a_bsn(hub):
    opschorting_id = await order(hub)
    opschorting = await lees_opschorting(opschorting_id, hub.uow(), hub.deps)
    async with hub.uow() as uow:
        [lid] = await uow.casussen.leden(opschorting.casus_id)
    sealed = seal(BSN, load_public_key(hub.deps.secrets.publieke_bsn_sleutel))

    assert await check(hub, bsn_versleuteld=sealed) is True
    assert await check(hub, pseudoniem=lid.pseudoniem) is True
    after = opschorting.einddatum + dt.timedelta(days=1)
    assert await check(hub, pseudoniem=lid.pseudoniem, peildatum=after) is False

    log, totaal = await zoek_per_persoon(ZoekVerwerkingenPerPersoon(bsn=BSN), hub.uow(), hub.deps)
    checks = [v for v in log if v.doel == "controle-opschorting"]
    assert totaal == len(log) == 3 + len(opschorting.keten)
    assert [v.uitkomst for v in checks] == ["not-in-force", "in-force", "in-force"]
    assert {v.trace_id for v in checks} == {TRACE_ID}

    async with hub.uow() as uow:
        by_casus, _ = await uow.verwerkingen.zoek(Pagina(1, 10), casus_id=opschorting.casus_id)
    assert {v.doel for v in by_casus} == {"opschorting-instructie"}

    async with hub.sessions() as session:
        rows = [
            *(await session.execute(select(VerwerkingRow))).all(),
            *(await session.execute(select(VerwerkingBetrokkeneRow))).all(),
        ]
    text = " ".join(str(row[0].__dict__) for row in rows)
    assert "verwerking_id" in text and BSN not in text


async def test_the_check_gives_the_claims_the_agency_confirmed_and_names_the_refused_one(hub):
    """The per-claim answer of a partial confirmation is stored with the request and read back
    by the check's one query: only the confirmed claim is in scope."""
    opschorting_id = await order(hub)
    opschorting = await lees_opschorting(opschorting_id, hub.uow(), hub.deps)
    data = OpschortingDeelsBevestigd(
        opschorting_id=opschorting_id,
        casus_id=opschorting.casus_id,
        uitvoerder=Uitvoerder.CJIB,
        instructie_id=opschorting.verzoek_van("cjib").instructie_id,
        beantwoord_op=dt.datetime.now(dt.UTC),
        referentie="CJIB-OPS-1",
        vorderingen=CJIB_DEELS_OPGESCHORT,
    )
    event = make_event(data, source=UITVOERDERS[Uitvoerder.CJIB].source, subject=data.casus_id)
    await verwerk_antwoord(event, hub.uow(), hub.deps, topic=op_topic(event))
    controle = await controleer(
        ControleerOpschorting(
            bsn_versleuteld=seal(BSN, load_public_key(hub.deps.secrets.publieke_bsn_sleutel)),
            peildatum=opschorting.ingangsdatum,
        ),
        hub.uow(),
        hub.deps,
        uitvoerder="cjib",
        oin=CJIB_OIN,
        trace_id=None,
    )
    [periode] = controle.perioden
    assert controle.in_force and periode.vorderingen == ("WAHV-2025-000120",)
    assert periode.antwoord.value == "partially_confirmed"
    assert [(r.vordering, r.opgeschort, r.redencode) for r in periode.resultaten] == [
        ("WAHV-2025-000120", True, None),
        ("WAHV-2025-000220", False, "bezwaar-of-beroep"),
    ]


@pytest.mark.parametrize("store_engine", ["sqlite"])  # PostgreSQL plans by its statistics
async def test_the_check_reads_through_the_persons_casussen_not_all_the_agencys_requests(hub):
    """What keeps the check fast however many orders are stored: each table is searched by an
    index, and the requests by the person's casussen (SQLite's plan; PostgreSQL plans by its own
    statistics)."""
    opschorting_id = await order(hub)
    opschorting = await lees_opschorting(opschorting_id, hub.uow(), hub.deps)
    async with hub.uow() as uow:
        [lid] = await uow.casussen.leden(opschorting.casus_id)
    statements: list[tuple[str, object]] = []

    def seen(conn, cursor, statement, parameters, context, executemany):
        if "FROM opschorting JOIN verzoek" in statement:
            statements.append((statement, parameters))

    event.listen(hub.engine.sync_engine, "before_cursor_execute", seen)
    try:
        assert await check(hub, pseudoniem=lid.pseudoniem) is True
    finally:
        event.remove(hub.engine.sync_engine, "before_cursor_execute", seen)
    [(statement, parameters)] = statements
    async with hub.engine.connect() as connection:
        plan = (
            await connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
        ).all()
    steps = [row[-1] for row in plan]
    assert not [s for s in steps if s.startswith("SCAN")], steps
    assert "(casus_id=?)" in steps[0] and "uitvoerder" not in steps[0], steps
