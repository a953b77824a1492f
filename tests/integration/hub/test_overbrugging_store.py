"""On SQLite and PostgreSQL: a bridging's steps commit with their messages on
``maatwerk.overbrugging.v1``; its ledger is stored one row per booking and balances in SQL as in
the domain; the overviews summed in SQL agree with the books; a step on a stale copy stores
nothing; the store refuses a booking the ledger would never write."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from hub.adapters.orm import BoekingRow, OutboxRow
from hub.domain.opschorting import NL
from hub.domain.overbrugging import Betaling, GelijktijdigGewijzigd
from hub.service import casus as casus_service
from hub.service import overbrugging as service
from hub.service.commands import (
    AccepteerCasus,
    BoekTerugbetaling,
    BoekVoorfinanciering,
    DienCasusIn,
    KenOverbruggingToe,
    VraagOverbruggingAan,
    WijsVerantwoordelijkeAan,
)
from schemas import parse_event
from schemas.topics import OVERBRUGGING
from tests.integration.hub.test_store import BSN
from tests.support.loket import LOKET_DOOR, casus_body
from tests.support.overbrugging import (
    GEMEENTE_OIN,
    LET_DOOR,
    aanvraag_body,
    aanwijzing_body,
    betaling_body,
    terugbetaling_body,
    toekenning_body,
)
from tests.support.register import ingeschreven

LOKET_OIN = LOKET_DOOR.removeprefix("urn:nld:oin:")
BETALINGEN = (250_000, 125_050, 10, 20, 30)


async def bridging(hub) -> tuple[str, str]:
    await ingeschreven(hub.uow(), GEMEENTE_OIN, naam="Gemeente Utrecht")
    casus_id = await casus_service.dien_casus_in(
        DienCasusIn(**casus_body(BSN)), hub.uow(), hub.deps, door=LOKET_DOOR
    )
    await casus_service.accepteer_casus(
        casus_id, AccepteerCasus(), hub.uow(), hub.deps, door=LOKET_DOOR
    )
    ovb = await service.vraag_aan(
        casus_id, VraagOverbruggingAan(**aanvraag_body()), hub.uow(), hub.deps, door=LOKET_DOOR
    )
    return casus_id, ovb


async def test_a_bridging_and_its_books_in_the_store(hub):
    nu = dt.datetime.now(dt.UTC).replace(microsecond=0)
    hub.deps = dataclasses.replace(hub.deps, clock=lambda: nu)
    vandaag = nu.astimezone(NL).date()
    casus_id, ovb = await bridging(hub)
    await service.ken_toe(
        ovb,
        KenOverbruggingToe(**toekenning_body(vandaag)),
        hub.uow(),
        hub.deps,
        door=LOKET_DOOR,
        oin=LOKET_OIN,
    )
    for n, centen in enumerate(BETALINGEN):  # all at one instant: kept in booking order
        await service.betaal(
            ovb,
            BoekVoorfinanciering(**betaling_body(centen, vandaag, f"B{n}")),
            hub.uow(),
            hub.deps,
            door=LOKET_DOOR,
        )
    await service.wijs_verantwoordelijke_aan(
        ovb,
        WijsVerantwoordelijkeAan(**aanwijzing_body(betaaltermijn_dagen=5)),
        hub.uow(),
        hub.deps,
        door=LET_DOOR,
    )
    [verzoek] = (await service.lees(ovb, hub.uow())).verzoeken
    await service.ontvang_terugbetaling(
        ovb,
        BoekTerugbetaling(**terugbetaling_body(verzoek.verzoek_id, 100_000, vandaag)),
        hub.uow(),
        hub.deps,
        door=LOKET_DOOR,
    )

    async with hub.sessions() as session:
        rows = list(
            await session.scalars(
                select(OutboxRow)
                .where(OutboxRow.topic == OVERBRUGGING.name)
                .order_by(OutboxRow.seq)
            )
        )
        debet = await session.scalar(select(func.sum(BoekingRow.centen)))
        boekingen = list(await session.scalars(select(BoekingRow).order_by(BoekingRow.volgnummer)))
    types = [parse_event(r.value).type for r in rows]
    assert types == [
        "nl.maatwerk.overbrugging.aangevraagd.v1",
        "nl.maatwerk.overbrugging.toegekend.v1",
        *["nl.maatwerk.overbrugging.voorfinanciering-betaald.v1"] * len(BETALINGEN),
        "nl.maatwerk.overbrugging.verantwoordelijke-aangewezen.v1",
        "nl.maatwerk.overbrugging.terugbetaling-gevraagd.v1",
        "nl.maatwerk.overbrugging.terugbetaling-ontvangen.v1",
    ]
    assert {r.key for r in rows} == {casus_id}
    assert [b.volgnummer for b in boekingen] == list(range(1, len(BETALINGEN) + 3))
    assert debet == sum(b.centen for b in boekingen)  # each amount once debit, once credit

    o = await service.lees(ovb, hub.uow())
    assert o.grootboek.in_balans and o.openstaand_centen == sum(BETALINGEN) - 100_000
    assert [(b.centen, b.betalingskenmerk) for b in o.betalingen] == [
        (centen, f"B{n}") for n, centen in enumerate(BETALINGEN)
    ]

    overzicht = await service.geldoverzicht(hub.uow(), hub.deps)
    [partij] = overzicht.openstaand
    assert (partij.verantwoordelijke.oin, partij.openstaand_centen, partij.overbruggingen) == (
        GEMEENTE_OIN,
        sum(BETALINGEN) - 100_000,
        1,
    )
    assert overzicht.achterstallig == []
    later = nu + dt.timedelta(days=6)
    hub.deps = dataclasses.replace(hub.deps, clock=lambda: later)
    [achter] = (await service.geldoverzicht(hub.uow(), hub.deps)).achterstallig
    assert (achter.overbrugging_id, achter.casus_id, achter.open_centen) == (
        ovb,
        casus_id,
        sum(BETALINGEN) - 100_000,
    )
    assert achter.verzoek.uiterlijk == vandaag + dt.timedelta(days=5)


async def test_a_step_on_a_stale_copy_stores_nothing(hub):
    nu = dt.datetime.now(dt.UTC)
    hub.deps = dataclasses.replace(hub.deps, clock=lambda: nu)
    vandaag = nu.astimezone(NL).date()
    _, ovb = await bridging(hub)
    await service.ken_toe(
        ovb,
        KenOverbruggingToe(**toekenning_body(vandaag)),
        hub.uow(),
        hub.deps,
        door=LOKET_DOOR,
        oin=LOKET_OIN,
    )
    oud = await service.lees(ovb, hub.uow())
    await service.betaal(
        ovb,
        BoekVoorfinanciering(**betaling_body(1_000, vandaag, "B1")),
        hub.uow(),
        hub.deps,
        door=LOKET_DOOR,
    )
    async with hub.uow() as uow:
        oud.betaal(Betaling("p-oud", 999, "X", vandaag, "B-oud", nu), door=LOKET_DOOR, nu=nu)
        with pytest.raises(GelijktijdigGewijzigd):
            await uow.overbruggingen.save(oud)
    o = await service.lees(ovb, hub.uow())
    assert [b.betalingskenmerk for b in o.betalingen] == ["B1"] and o.openstaand_centen == 1_000


async def test_the_store_refuses_a_booking_of_zero_or_on_one_account(hub):
    _, ovb = await bridging(hub)
    for debet, centen in (("voorfinanciering", 0), ("betaald", 5)):
        async with hub.sessions() as session:
            with pytest.raises(IntegrityError):
                await session.execute(
                    insert(BoekingRow).values(
                        overbrugging_id=ovb,
                        volgnummer=1,
                        debet=debet,
                        credit="betaald",
                        centen=centen,
                        referentie="x",
                        geboekt_op=dt.datetime.now(dt.UTC),
                    )
                )
