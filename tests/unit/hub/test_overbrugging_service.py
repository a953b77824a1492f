"""The bridging handlers with a unit of work in memory: each step's message on
``maatwerk.overbrugging.v1`` and its audit entry by the caller commit with the state change; a
refused step (409 naming the state and what is allowed, 422 naming the field) stores, books and
publishes nothing."""

from __future__ import annotations

import pytest

from hub.domain.grootboek import BETAALD, ONTVANGEN, VOORFINANCIERING, te_vorderen
from hub.domain.overbrugging import OverbruggingStatus
from hub.service import casus as casus_service
from hub.service import overbrugging as service
from hub.service.commands import (
    AccepteerCasus,
    BoekTerugbetaling,
    BoekVoorfinanciering,
    DienCasusIn,
    KenOverbruggingToe,
    SluitCasus,
    VraagOverbruggingAan,
    VraagTerugbetaling,
    WijsOverbruggingAf,
    WijsVerantwoordelijkeAan,
)
from hub.service.errors import Conflict, NietGevonden, Ongeldig
from schemas.overbrugging import (
    OverbruggingAangevraagd,
    OverbruggingAfgewezen,
    OverbruggingToegekend,
    TerugbetalingGevraagd,
    TerugbetalingOntvangen,
    VerantwoordelijkeAangewezen,
    VoorfinancieringBetaald,
)
from schemas.topics import OVERBRUGGING
from tests.support.loket import LOKET_DOOR, casus_body
from tests.support.overbrugging import (
    GEMEENTE_OIN,
    LET_DOOR,
    ONBEKEND,
    aanvraag_body,
    aanwijzing_body,
    betaling_body,
    terugbetaling_body,
    toekenning_body,
)
from tests.support.register import ingeschreven

LOKET_OIN = LOKET_DOOR.removeprefix("urn:nld:oin:")


@pytest.fixture(autouse=True)
async def gemeente_in_register(uow):
    """The responsible party is an organisation in the register."""
    await ingeschreven(uow(), GEMEENTE_OIN, naam="Gemeente Utrecht")


async def open_casus(uow, deps, **changes) -> str:
    body = DienCasusIn(**{**casus_body("999990019"), **changes})
    casus_id = await casus_service.dien_casus_in(body, uow(), deps, door=LOKET_DOOR)
    await casus_service.accepteer_casus(casus_id, AccepteerCasus(), uow(), deps, door=LOKET_DOOR)
    return casus_id


async def aangevraagd(uow, deps, **changes) -> str:
    casus_id = await open_casus(uow, deps)
    return await service.vraag_aan(
        casus_id, VraagOverbruggingAan(**aanvraag_body(**changes)), uow(), deps, door=LOKET_DOOR
    )


async def toegekend(uow, deps, klok, maximum: int = 1_500_000) -> str:
    ovb = await aangevraagd(uow, deps)
    body = KenOverbruggingToe(**toekenning_body(klok.vandaag(), maximum))
    await service.ken_toe(ovb, body, uow(), deps, door=LOKET_DOOR, oin=LOKET_OIN)
    return ovb


async def betaal(uow, deps, klok, ovb: str, centen: int, kenmerk: str = "BET-1") -> str:
    body = BoekVoorfinanciering(**betaling_body(centen, klok.vandaag(), kenmerk))
    return await service.betaal(ovb, body, uow(), deps, door=LOKET_DOOR)


def overbrugging_berichten(store) -> list:
    return [e for topic, e in store.published if topic == OVERBRUGGING.name]


async def test_a_whole_bridging_publishes_each_step_and_audits_its_caller(uow, deps, store, klok):
    ovb = await toegekend(uow, deps, klok)
    klok.verzet(hours=1)
    await betaal(uow, deps, klok, ovb, 400_000, "BET-1")
    await betaal(uow, deps, klok, ovb, 100_000, "BET-2")
    await service.wijs_verantwoordelijke_aan(
        ovb, WijsVerantwoordelijkeAan(**aanwijzing_body()), uow(), deps, door=LET_DOOR
    )
    o = await service.lees(ovb, uow())
    [verzoek] = o.verzoeken
    assert verzoek.centen == 500_000 and verzoek.betaler.oin == GEMEENTE_OIN
    await service.ontvang_terugbetaling(
        ovb,
        BoekTerugbetaling(**terugbetaling_body(verzoek.verzoek_id, 200_000, klok.vandaag())),
        uow(),
        deps,
        door=LOKET_DOOR,
    )

    berichten = overbrugging_berichten(store)
    assert [type(e.data) for e in berichten] == [
        OverbruggingAangevraagd,
        OverbruggingToegekend,
        VoorfinancieringBetaald,
        VoorfinancieringBetaald,
        VerantwoordelijkeAangewezen,
        TerugbetalingGevraagd,
        TerugbetalingOntvangen,
    ]
    assert {e.subject for e in berichten} == {o.casus_id}
    gevraagd, ontvangen = berichten[5].data, berichten[6].data
    assert gevraagd.betaler.oin == GEMEENTE_OIN and gevraagd.bedrag.centen == 500_000
    assert gevraagd.ontvanger.oin == LOKET_OIN
    assert ontvangen.bedrag.centen == 200_000 and ontvangen.openstaand.centen == 300_000

    acties = [(a.actie, a.actor) for a in store.audit if a.actie.startswith("overbrugging.")]
    assert acties == [
        ("overbrugging.aangevraagd", LOKET_DOOR),
        ("overbrugging.toegekend", LOKET_DOOR),
        ("overbrugging.voorfinanciering-betaald", LOKET_DOOR),
        ("overbrugging.voorfinanciering-betaald", LOKET_DOOR),
        ("overbrugging.verantwoordelijke-aangewezen", LET_DOOR),
        ("overbrugging.terugbetaling-gevraagd", LET_DOOR),
        ("overbrugging.terugbetaling-ontvangen", LOKET_DOOR),
    ]
    o = await service.lees(ovb, uow())
    assert o.grootboek.in_balans and o.openstaand_centen == 300_000
    assert o.grootboek.saldi() == {
        VOORFINANCIERING: 0,
        BETAALD: -500_000,
        te_vorderen(GEMEENTE_OIN): 300_000,
        ONTVANGEN: 200_000,
    }
    assert await service.van_casus(o.casus_id, uow()) == [o]


async def test_the_time_to_decision_is_kept_and_undecided_urgent_requests_are_listed(
    uow, deps, klok, store
):
    ovb = await aangevraagd(uow, deps)  # the casus is urgent (hoog): so is its bridging
    klok.verzet(minutes=45)
    wachtend = await service.onbeslist(uow())
    assert wachtend.aantal == 1 and [o.overbrugging_id for o in wachtend.urgent] == [ovb]
    assert wachtend.urgent[0].beslistijd(klok()).total_seconds() == 45 * 60
    await service.wijs_af(
        ovb,
        WijsOverbruggingAf(redencode="financier-bekend", reden="De Wmo is van toepassing"),
        uow(),
        deps,
        door=LOKET_DOOR,
    )
    afgewezen = overbrugging_berichten(store)[-1].data
    assert isinstance(afgewezen, OverbruggingAfgewezen)
    assert afgewezen.redencode == "financier-bekend" and afgewezen.overbrugging_id == ovb
    klok.verzet(hours=3)
    o = await service.lees(ovb, uow())
    assert o.status is OverbruggingStatus.AFGEWEZEN
    assert o.beslistijd(klok()).total_seconds() == 45 * 60  # stops at the decision
    assert (await service.onbeslist(uow())).aantal == 0


async def test_a_request_not_marked_urgent_on_a_normal_casus_is_not_urgent(uow, deps):
    casus_id = await open_casus(uow, deps, urgentie="normaal")
    await service.vraag_aan(
        casus_id, VraagOverbruggingAan(**aanvraag_body()), uow(), deps, door=LOKET_DOOR
    )
    wachtend = await service.onbeslist(uow())
    assert wachtend.aantal == 1 and wachtend.urgent == []


async def refused(store, aanroep, soort, field: str, *, waarin: str = "") -> None:
    """``aanroep`` is refused with ``soort`` naming ``field``; nothing committed or published."""
    commits, published, audit = store.commits, len(store.published), len(store.audit)
    with pytest.raises(soort) as exc:
        await aanroep
    assert exc.value.field == field, exc.value.message
    assert waarin in exc.value.message
    assert (store.commits, len(store.published), len(store.audit)) == (commits, published, audit)


async def test_a_payment_on_a_declined_or_undecided_bridging_is_409_naming_state_and_allowed(
    uow, deps, store, klok
):
    ovb = await aangevraagd(uow, deps)
    await refused(
        store,
        betaal(uow, deps, klok, ovb, 100),
        Conflict,
        "status",
        waarin="is aangevraagd: betaling is not allowed",
    )
    await service.wijs_af(
        ovb,
        WijsOverbruggingAf(redencode="niet-urgent", reden="Kan wachten"),
        uow(),
        deps,
        door=LOKET_DOOR,
    )
    await refused(
        store, betaal(uow, deps, klok, ovb, 100), Conflict, "status", waarin="is afgewezen"
    )
    await refused(
        store,
        service.ken_toe(
            ovb,
            KenOverbruggingToe(**toekenning_body(klok.vandaag())),
            uow(),
            deps,
            door=LOKET_DOOR,
            oin=LOKET_OIN,
        ),
        Conflict,
        "status",
        waarin="allowed: none",
    )


async def test_money_rules_are_422_naming_the_field_and_book_nothing(uow, deps, store, klok):
    ovb = await toegekend(uow, deps, klok, maximum=500_000)
    await refused(
        store, betaal(uow, deps, klok, ovb, 500_001), Ongeldig, "bedrag_centen", waarin="exceeds"
    )
    await betaal(uow, deps, klok, ovb, 300_000, "BET-1")
    await refused(store, betaal(uow, deps, klok, ovb, 1, "BET-1"), Conflict, "betalingskenmerk")
    # A repayment before a responsible party exists:
    await refused(
        store,
        service.ontvang_terugbetaling(
            ovb,
            BoekTerugbetaling(**terugbetaling_body(ONBEKEND, 100, klok.vandaag())),
            uow(),
            deps,
            door=LOKET_DOOR,
        ),
        Ongeldig,
        "verzoek_id",
        waarin="no responsible party",
    )
    await refused(
        store,
        service.wijs_verantwoordelijke_aan(
            ovb,
            WijsVerantwoordelijkeAan(**aanwijzing_body("00000001999999999999")),
            uow(),
            deps,
            door=LET_DOOR,
        ),
        Ongeldig,
        "verantwoordelijke_oin",
    )
    await service.wijs_verantwoordelijke_aan(
        ovb, WijsVerantwoordelijkeAan(**aanwijzing_body()), uow(), deps, door=LET_DOOR
    )
    [verzoek] = (await service.lees(ovb, uow())).verzoeken
    ontvang = lambda centen, verzoek_id=verzoek.verzoek_id: service.ontvang_terugbetaling(  # noqa: E731
        ovb,
        BoekTerugbetaling(**terugbetaling_body(verzoek_id, centen, klok.vandaag())),
        uow(),
        deps,
        door=LOKET_DOOR,
    )
    await refused(store, ontvang(300_001), Ongeldig, "bedrag_centen", waarin="more than is open")
    await refused(store, ontvang(5, ONBEKEND), Ongeldig, "verzoek_id")
    await ontvang(100_000)
    await ontvang(200_000)  # part payments, to the cent
    await refused(store, ontvang(1), Ongeldig, "bedrag_centen")
    o = await service.lees(ovb, uow())
    assert o.openstaand_centen == 0 and o.grootboek.in_balans
    await refused(
        store,
        service.wijs_verantwoordelijke_aan(
            ovb, WijsVerantwoordelijkeAan(**aanwijzing_body()), uow(), deps, door=LET_DOOR
        ),
        Conflict,
        "status",
        waarin="verantwoordelijke is not allowed",
    )


async def test_later_payments_are_owed_at_once_and_asked_for_by_a_new_request(
    uow, deps, store, klok
):
    ovb = await toegekend(uow, deps, klok)
    await service.wijs_verantwoordelijke_aan(  # nothing paid yet: nothing to ask
        ovb, WijsVerantwoordelijkeAan(**aanwijzing_body()), uow(), deps, door=LET_DOOR
    )
    assert (await service.lees(ovb, uow())).verzoeken == []
    await refused(
        store,
        service.vraag_terugbetaling(ovb, VraagTerugbetaling(), uow(), deps, door=LOKET_DOOR),
        Conflict,
        "status",
    )
    await betaal(uow, deps, klok, ovb, 70_000)
    verzoek_id = await service.vraag_terugbetaling(
        ovb, VraagTerugbetaling(betaaltermijn_dagen=14), uow(), deps, door=LOKET_DOOR
    )
    o = await service.lees(ovb, uow())
    assert [(v.verzoek_id, v.centen) for v in o.verzoeken] == [(verzoek_id, 70_000)]
    assert o.grootboek.openstaand_bij(GEMEENTE_OIN) == 70_000


async def test_the_overview_shows_outstanding_per_party_and_overdue_repayments(uow, deps, klok):
    ovb = await toegekend(uow, deps, klok)
    await betaal(uow, deps, klok, ovb, 80_000)
    await service.wijs_verantwoordelijke_aan(
        ovb,
        WijsVerantwoordelijkeAan(**aanwijzing_body(betaaltermijn_dagen=10)),
        uow(),
        deps,
        door=LET_DOOR,
    )
    [verzoek] = (await service.lees(ovb, uow())).verzoeken
    await service.ontvang_terugbetaling(
        ovb,
        BoekTerugbetaling(**terugbetaling_body(verzoek.verzoek_id, 30_000, klok.vandaag())),
        uow(),
        deps,
        door=LOKET_DOOR,
    )
    overzicht = await service.geldoverzicht(uow(), deps)
    [partij] = overzicht.openstaand
    assert (partij.verantwoordelijke.oin, partij.openstaand_centen) == (GEMEENTE_OIN, 50_000)
    assert overzicht.achterstallig == []
    klok.verzet(days=10)
    assert (await service.geldoverzicht(uow(), deps)).achterstallig == []  # the last day itself
    klok.verzet(days=1)
    [achter] = (await service.geldoverzicht(uow(), deps)).achterstallig
    assert (achter.overbrugging_id, achter.open_centen) == (ovb, 50_000)


async def test_a_step_on_a_copy_read_before_another_step_is_refused(uow, deps, store, klok):
    ovb = await toegekend(uow, deps, klok)
    eerste, tweede = uow(), uow()
    async with eerste:
        a = await eerste.overbruggingen.get(ovb)
    async with tweede:
        b = await tweede.overbruggingen.get(ovb)
        b.betaal(
            __import__("hub.domain.overbrugging", fromlist=["Betaling"]).Betaling(
                "p2", 10, "x", klok.vandaag(), "K2", klok()
            ),
            door=LOKET_DOOR,
            nu=klok(),
        )
        await tweede.overbruggingen.save(b)
        await tweede.commit()
    async with eerste:
        from hub.domain.overbrugging import GelijktijdigGewijzigd

        with pytest.raises(GelijktijdigGewijzigd):
            await eerste.overbruggingen.save(a)


async def test_a_bridging_needs_an_open_casus(uow, deps, store):
    casus_id = await open_casus(uow, deps)
    await casus_service.sluit_casus(
        casus_id, SluitCasus(redencode="ingetrokken", toelichting="x"), uow(), deps, door=LOKET_DOOR
    )
    await refused(
        store,
        service.vraag_aan(
            casus_id, VraagOverbruggingAan(**aanvraag_body()), uow(), deps, door=LOKET_DOOR
        ),
        Conflict,
        "casus_id",
        waarin="is gesloten",
    )
    with pytest.raises(NietGevonden):
        await service.lees("onbekend", uow())


async def test_the_responsible_party_is_an_organisation_with_a_current_register_entry(
    uow, deps, store, klok
):
    ovb = await toegekend(uow, deps, klok)
    async with uow() as work:
        registratie = await work.register.get(GEMEENTE_OIN)
        registratie.verwijder("Gaat op in een regionale organisatie", door=LOKET_DOOR, op=klok())
        await work.register.save(registratie)
        await work.commit()
    await refused(
        store,
        service.wijs_verantwoordelijke_aan(
            ovb, WijsVerantwoordelijkeAan(**aanwijzing_body()), uow(), deps, door=LET_DOOR
        ),
        Ongeldig,
        "verantwoordelijke_oin",
        waarin="not an organisation in the register",
    )
    await ingeschreven(uow(), GEMEENTE_OIN, naam="Gemeente Utrecht (nieuw)")
    await service.wijs_verantwoordelijke_aan(
        ovb, WijsVerantwoordelijkeAan(**aanwijzing_body()), uow(), deps, door=LET_DOOR
    )
    o = await service.lees(ovb, uow())
    assert o.verantwoordelijke.organisatie.naam == "Gemeente Utrecht (nieuw)"
    assert o.verantwoordelijke.organisatie.soort == "gemeente"
