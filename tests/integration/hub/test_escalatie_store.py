"""The escalation in the store, on SQLite and on a real PostgreSQL: its steps and their messages
in the outbox with the state change, the dossier, invitations, actions and knelpunten read back
as written, overdue actions and knelpunten counted in SQL (the same cases as the in-memory one)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import select

from hub.adapters.orm import OutboxRow
from hub.domain.escalatie import EscalatieStatus, KnelpuntFilter
from hub.domain.selectie import Pagina
from hub.service import casus as casus_service
from hub.service import escalatie as service
from hub.service.commands import AccepteerCasus, DienCasusIn, NeemCasusInBehandeling
from hub.service.errors import Conflict
from hub.service.escalatie_commands import (
    MeldEscalatieAan,
    PlanOverleg,
    RegistreerKnelpunt,
    RondActiepuntAf,
    StelUitkomstVast,
)
from schemas.escalatie import Knelpuntcategorie
from schemas.organisaties import LET, UITVOERDERS, Uitvoerder
from tests.support.loket import LOKET_DOOR, casus_body
from tests.support.register import ingeschreven
from tests.unit.hub.fakes import Klok

BSN = "999990019"
LET_DOOR = f"urn:nld:oin:{LET.oin}"
CJIB = UITVOERDERS[Uitvoerder.CJIB].oin
DUO = UITVOERDERS[Uitvoerder.DUO].oin


@pytest.fixture
def klok(hub):
    klok = Klok(dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC))
    hub.deps = dataclasses.replace(hub.deps, clock=klok)
    return klok


async def escaleer(hub, **changes) -> tuple[str, str]:
    casus_id = await casus_service.dien_casus_in(
        DienCasusIn(**casus_body(BSN)), hub.uow(), hub.deps, door=LOKET_DOOR
    )
    await casus_service.accepteer_casus(
        casus_id, AccepteerCasus(), hub.uow(), hub.deps, door=LOKET_DOOR
    )
    await casus_service.neem_casus_in_behandeling(
        casus_id,
        NeemCasusInBehandeling(behandelteam="Team A"),
        hub.uow(),
        hub.deps,
        door=LOKET_DOOR,
    )
    cmd = MeldEscalatieAan.model_validate(
        {"reden": "Vast", "samenvatting": "Schulden", "vraag": "Wie beslist?", **changes}
    )
    return casus_id, await service.meld_aan(casus_id, cmd, hub.uow(), hub.deps, door=LOKET_DOOR)


async def outbox_types(hub, casus_id: str) -> list[str]:
    async with hub.sessions() as session:
        rows = await session.scalars(
            select(OutboxRow).where(OutboxRow.key == casus_id).order_by(OutboxRow.seq)
        )
        return [row.event_type for row in rows]


async def test_an_escalation_is_stored_step_by_step_with_its_messages(hub, klok):
    await ingeschreven(hub.uow(), CJIB, naam="CJIB", team="Team maatwerk CJIB")
    casus_id, escalatie_id = await escaleer(
        hub,
        organisaties=[{"oin": CJIB, "functie": "directeur"}, {"oin": DUO}],
        documenten=[{"kenmerk": "DOC-1", "titel": "Casusbeschrijving"}],
    )
    plan = PlanOverleg(aanvang=klok.now + dt.timedelta(days=3), locatie="online", agenda=["A"])
    await service.plan_overleg(escalatie_id, plan, hub.uow(), hub.deps, door=LET_DOOR)
    uiterlijk = klok.vandaag() + dt.timedelta(days=10)
    uitkomst = StelUitkomstVast.model_validate(
        {
            "uitkomst": "oplossing",
            "besluit": "CJIB stopt",
            "verantwoordelijke": CJIB,
            "actiepunten": [
                {"omschrijving": "Stoppen", "verantwoordelijke": CJIB, "uiterlijk": str(uiterlijk)},
                {"omschrijving": "Bellen", "verantwoordelijke": DUO, "uiterlijk": str(uiterlijk)},
            ],
        }
    )
    await service.stel_uitkomst_vast(escalatie_id, uitkomst, hub.uow(), hub.deps, door=LET_DOOR)
    await service.rond_actiepunt_af(
        escalatie_id, 2, RondActiepuntAf(toelichting="Gebeld"), hub.uow(), hub.deps, door=LET_DOOR
    )
    knelpunt = RegistreerKnelpunt.model_validate(
        {
            "categorie": "wetgeving",
            "regel": {"regeling": "Invorderingswet 1990", "bwb_id": "BWBR0004770"},
            "omschrijving": "Geen ruimte",
            "betrokken_partijen": [CJIB, DUO],
        }
    )
    await service.registreer_knelpunt(escalatie_id, knelpunt, hub.uow(), hub.deps, door=LET_DOOR)

    e = await service.lees_escalatie(escalatie_id, hub.uow(), service.Lezer(LET.oin, let=True))
    assert e.status is EscalatieStatus.AFGEROND
    assert e.overleg is not None and e.overleg.aanvang == klok.now + dt.timedelta(days=3)
    assert [(u.partij.oin, u.functie, u.zonder_contact) for u in e.uitnodigingen] == [
        (CJIB, "directeur", False),
        (DUO, "bestuurder", True),
    ]
    assert e.uitnodigingen[0].contact is not None
    assert e.uitnodigingen[0].contact.team == "Team maatwerk CJIB"
    assert e.dossier.documenten[0].kenmerk == "DOC-1"
    assert e.besluit is not None and e.besluit.verantwoordelijke.oin == CJIB
    assert [(a.nummer, a.afgerond_op is not None, a.toelichting) for a in e.actiepunten] == [
        (1, False, None),
        (2, True, "Gebeld"),
    ]
    [k] = e.knelpunten
    assert k.regel is not None and k.regel.bwb_id == "BWBR0004770"
    assert [p.oin for p in k.betrokken_partijen] == [CJIB, DUO]
    assert await service.escalaties_van_casus(casus_id, hub.uow()) == [escalatie_id]

    assert await outbox_types(hub, casus_id) == [
        "nl.maatwerk.casus.ingediend.v1",
        "nl.maatwerk.casus.geaccepteerd.v1",
        "nl.maatwerk.casus.in-behandeling.v1",
        "nl.maatwerk.casus.opgeschaald.v1",
        "nl.maatwerk.escalatie.aangemeld.v1",
        # the invited agencies (CJIB, DUO) each get an invitation through their connector, and a
        # new one once the meeting is planned
        "nl.maatwerk.escalatie.uitnodiging.v1",
        "nl.maatwerk.escalatie.uitnodiging.v1",
        "nl.maatwerk.escalatie.overleg-gepland.v1",
        "nl.maatwerk.escalatie.uitnodiging.v1",
        "nl.maatwerk.escalatie.uitnodiging.v1",
        "nl.maatwerk.escalatie.uitkomst-vastgesteld.v1",
        "nl.maatwerk.escalatie.actiepunt-afgerond.v1",
        "nl.maatwerk.escalatie.knelpunt-geregistreerd.v1",
    ]
    # action 1 is open: overdue the day after its deadline, not on it
    klok.verzet(days=10)
    assert await service.achterstallige_actiepunten(hub.uow(), hub.deps) == 0
    klok.verzet(days=1)
    assert await service.achterstallige_actiepunten(hub.uow(), hub.deps) == 1
    with pytest.raises(Conflict):
        await service.rond_actiepunt_af(
            escalatie_id, 2, RondActiepuntAf(), hub.uow(), hub.deps, door=LET_DOOR
        )


async def test_knelpunten_are_filtered_and_counted_in_sql(hub, klok):
    _, eerste = await escaleer(hub)

    async def knelpunt(escalatie_id, categorie, regeling=None, partijen=()):
        cmd = RegistreerKnelpunt.model_validate(
            {
                "categorie": categorie,
                "omschrijving": "Zit vast",
                "betrokken_partijen": list(partijen),
                **({"regel": {"regeling": regeling}} if regeling else {}),
            }
        )
        await service.registreer_knelpunt(escalatie_id, cmd, hub.uow(), hub.deps, door=LET_DOOR)

    await knelpunt(eerste, "wetgeving", "Participatiewet", [CJIB])
    await knelpunt(eerste, "financiering")
    klok.verzet(days=62)
    _, tweede = await escaleer(hub)
    await knelpunt(tweede, "wetgeving", "Participatiewet", [DUO])
    await knelpunt(tweede, "uitvoering", "Awb")

    telling = await service.knelpuntrapport(KnelpuntFilter(), hub.uow())
    assert telling.totaal == 4
    assert telling.per_categorie == {
        "wetgeving": 2,
        "uitvoering": 1,
        "samenwerking": 0,
        "financiering": 1,
        "informatiedeling": 0,
        "systemen": 0,
    }
    assert list(telling.per_regeling.items()) == [("Participatiewet", 2), ("(geen)", 1), ("Awb", 1)]
    assert telling.per_maand == {"2026-12": 2, "2027-01": 0, "2027-02": 2}
    assert (await service.knelpuntrapport(KnelpuntFilter(oin=CJIB), hub.uow())).totaal == 1
    februari = KnelpuntFilter(vanaf_maand="2027-02", tot_en_met_maand="2027-02")
    assert (await service.knelpuntrapport(februari, hub.uow())).totaal == 2
    regels, totaal = await service.zoek_knelpunten(
        KnelpuntFilter(regeling="PARTICIPATIEWET"), Pagina(1, 1), hub.uow()
    )
    assert totaal == 2 and [r.escalatie_id for r in regels] == [tweede]
    leeg = await service.knelpuntrapport(
        KnelpuntFilter(categorieen=(Knelpuntcategorie.SYSTEMEN,)), hub.uow()
    )
    assert (leeg.totaal, leeg.per_maand, leeg.per_regeling) == (0, {}, {})
