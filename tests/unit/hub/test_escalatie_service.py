"""The escalation to the LET with a unit of work in memory: no FastAPI, no database.

What it must do: escalating moves the casus to ``opgeschaald`` and records the escalation with a
dossier the hub fills (instruments, organisations, registered contacts or a flag), each step
commits its message on the escalation topic with an audit entry by the caller; a step its status
does not allow is a 409 naming the status and what is allowed, and commits nothing; the dossier
is read only by those invited, each read in the processing log; knelpunten are counted per
category, law and month.
"""

from __future__ import annotations

import datetime as dt

import pytest

from hub.domain.casus import CasusStatus
from hub.domain.escalatie import EscalatieStatus, KnelpuntFilter
from hub.domain.selectie import Pagina
from hub.service import casus as casus_service
from hub.service import escalatie as service
from hub.service import opschorting as opschorting_service
from hub.service.commands import (
    AccepteerCasus,
    DienCasusIn,
    DraagOpschortingOp,
    NeemCasusInBehandeling,
)
from hub.service.errors import Conflict, NietGevonden, Ongeldig
from hub.service.escalatie_commands import (
    MeldEscalatieAan,
    PlanOverleg,
    RegistreerKnelpunt,
    RondActiepuntAf,
    StelUitkomstVast,
)
from schemas.casus import CasusOpgeschaald
from schemas.escalatie import (
    EscalatieAangemeld,
    EscalatieActiepuntAfgerond,
    EscalatieOverlegGepland,
    EscalatieUitkomstVastgesteld,
    EscalatieUitnodigingInstructie,
    KnelpuntGeregistreerd,
)
from schemas.organisaties import LET, UITVOERDERS, Uitvoerder
from schemas.topics import CASUS, ESCALATIE, instructie_topic
from tests.support.loket import LOKET_DOOR, casus_body, opschorting_body
from tests.support.register import ingeschreven
from tests.unit.hub.fakes import fake_deps

BSN = "999990019"
LET_DOOR = f"urn:nld:oin:{LET.oin}"
CJIB = UITVOERDERS[Uitvoerder.CJIB].oin
DUO = UITVOERDERS[Uitvoerder.DUO].oin
BD = UITVOERDERS[Uitvoerder.BELASTINGDIENST].oin
GEMEENTE_ONBEKEND = "00000001888888880001"


@pytest.fixture
def deps(tmp_path, klok):
    return fake_deps(tmp_path, klok, agencies=("belastingdienst", "cjib", "duo"))


async def casus_in_behandeling(uow, deps) -> str:
    casus_id = await casus_service.dien_casus_in(
        DienCasusIn(**casus_body(BSN)), uow(), deps, door=LOKET_DOOR
    )
    await casus_service.accepteer_casus(casus_id, AccepteerCasus(), uow(), deps, door=LOKET_DOOR)
    await casus_service.neem_casus_in_behandeling(
        casus_id, NeemCasusInBehandeling(behandelteam="Team A"), uow(), deps, door=LOKET_DOOR
    )
    return casus_id


def aanmelding(**changes) -> MeldEscalatieAan:
    body = {
        "reden": "Geen akkoord over de invordering",
        "samenvatting": "Huishouden met schulden bij drie uitvoerders.",
        "vraag": "Kan de invordering stoppen tot de schuldregeling loopt?",
        **changes,
    }
    return MeldEscalatieAan.model_validate(body)


async def escaleer(uow, deps, **changes) -> tuple[str, str]:
    casus_id = await casus_in_behandeling(uow, deps)
    escalatie_id = await service.meld_aan(
        casus_id, aanmelding(**changes), uow(), deps, door=LOKET_DOOR
    )
    return casus_id, escalatie_id


def nieuw(store, since: int):
    return store.published[since:]


async def test_escalating_moves_the_casus_and_shares_a_dossier_the_hub_fills(uow, deps, store):
    casus_id = await casus_in_behandeling(uow, deps)
    await ingeschreven(uow(), CJIB, naam="CJIB", team="Team maatwerk CJIB")
    await opschorting_service.draag_opschorting_op(
        casus_id,
        DraagOpschortingOp.model_validate(opschorting_body("cjib", start=deps.clock().date())),
        uow(),
        deps,
        door=LOKET_DOOR,
    )
    voor = len(store.published)
    escalatie_id = await service.meld_aan(casus_id, aanmelding(), uow(), deps, door=LOKET_DOOR)

    berichten = nieuw(store, voor)
    assert [(t, type(e.data)) for t, e in berichten[:2]] == [
        (CASUS.name, CasusOpgeschaald),
        (ESCALATIE.name, EscalatieAangemeld),
    ]
    # each invited organisation that is an installed agency also gets its instruction
    assert [(t, type(e.data)) for t, e in berichten[2:]] == [
        (instructie_topic(code).name, EscalatieUitnodigingInstructie)
        for code in ("belastingdienst", "cjib", "duo")
    ]
    data = berichten[1][1].data
    assert berichten[0][1].data.escalatie_id == escalatie_id == data.escalatie_id
    assert berichten[1][1].subject == casus_id
    # the organisations and what was tried come from the casus, the instruments from the hub
    assert [p.oin for p in data.dossier.betrokken_partijen] == [BD, CJIB, DUO]
    assert data.dossier.geprobeerd == casus_body(BSN)["geprobeerd"]
    [instrument] = data.dossier.lopende_instrumenten
    assert instrument.soort == "opschorting" and instrument.status == "pending"
    # CJIB registered a contact; the other two have none: flagged, never left out
    assert [b.partij.oin for b in data.uit_te_nodigen] == [BD, CJIB, DUO]
    assert [p.oin for p in data.zonder_contact] == [BD, DUO]

    casus = (await casus_service.lees_casus(casus_id, uow())).casus
    assert casus.status is CasusStatus.OPGESCHAALD
    audit = [(a.actor, a.actie) for a in store.audit[-2:]]
    assert audit == [(LOKET_DOOR, "casus.opgeschaald"), (LOKET_DOOR, "escalatie.aangemeld")]
    verwerkingen = [v for v in store.tables["verwerkingen"].values() if v.doel == "escalatie-let"]
    [aan_let] = verwerkingen
    assert aan_let.ontvanger == LET.oin and aan_let.casus_id == casus_id
    assert [b.pseudoniem for b in aan_let.betrokkenen] == [deps.secrets.pseudoniem(casus_id, BSN)]
    escalatie = await service.lees_escalatie(
        escalatie_id, uow(), service.Lezer(oin=LET.oin, let=True)
    )
    cjib = next(u for u in escalatie.uitnodigingen if u.partij.oin == CJIB)
    assert cjib.contact is not None and cjib.contact.team == "Team maatwerk CJIB"


async def test_escalating_a_casus_not_in_behandeling_is_409_and_records_nothing(uow, deps, store):
    casus_id = await casus_service.dien_casus_in(
        DienCasusIn(**casus_body(BSN)), uow(), deps, door=LOKET_DOOR
    )
    voor = (len(store.published), len(store.audit))
    with pytest.raises(Conflict, match=r"ingediend.*allowed: geaccepteerd, afgewezen, gesloten"):
        await service.meld_aan(casus_id, aanmelding(), uow(), deps, door=LOKET_DOOR)
    assert (len(store.published), len(store.audit)) == voor
    assert "escalaties" not in store.tables or not store.tables["escalaties"]


async def test_an_unknown_organisation_needs_its_name_and_kind(uow, deps):
    casus_id = await casus_in_behandeling(uow, deps)
    with pytest.raises(Ongeldig) as exc:
        await service.meld_aan(
            casus_id,
            aanmelding(organisaties=[{"oin": CJIB}, {"oin": GEMEENTE_ONBEKEND}]),
            uow(),
            deps,
            door=LOKET_DOOR,
        )
    assert exc.value.field == "organisaties.1.naam"


async def test_an_organisation_in_the_register_is_named_from_it(uow, deps, store):
    await ingeschreven(uow(), GEMEENTE_ONBEKEND, naam="Gemeente Ergens")
    _, _escalatie_id = await escaleer(
        uow, deps, organisaties=[{"oin": GEMEENTE_ONBEKEND, "functie": "wethouder"}]
    )
    data = store.published[-1][1].data
    [bestuurder] = data.uit_te_nodigen
    assert (bestuurder.partij.naam, bestuurder.partij.soort.value, bestuurder.functie) == (
        "Gemeente Ergens",
        "gemeente",
        "wethouder",
    )
    assert data.zonder_contact == ()


async def test_the_lifecycle_each_step_its_message_and_audit_entry(uow, deps, store, klok):
    _casus_id, escalatie_id = await escaleer(uow, deps)
    voor = len(store.published)
    aanvang = klok.now + dt.timedelta(days=7)
    await service.plan_overleg(
        escalatie_id,
        PlanOverleg(aanvang=aanvang, locatie="online", agenda=["Invordering"]),
        uow(),
        deps,
        door=LET_DOOR,
    )
    await service.plan_overleg(
        escalatie_id,
        PlanOverleg(aanvang=aanvang + dt.timedelta(days=1), locatie="Den Haag"),
        uow(),
        deps,
        door=LET_DOOR,
    )
    uiterlijk = klok.vandaag() + dt.timedelta(days=14)
    await service.stel_uitkomst_vast(
        escalatie_id,
        StelUitkomstVast.model_validate(
            {
                "uitkomst": "oplossing",
                "besluit": "Het CJIB schort de invordering op.",
                "verantwoordelijke": CJIB,
                "actiepunten": [
                    {
                        "omschrijving": "Invordering stoppen",
                        "verantwoordelijke": CJIB,
                        "uiterlijk": uiterlijk.isoformat(),
                    },
                    {
                        "omschrijving": "Regeling voorstellen",
                        "verantwoordelijke": DUO,
                        "uiterlijk": uiterlijk.isoformat(),
                    },
                ],
            }
        ),
        uow(),
        deps,
        door=LET_DOOR,
    )
    await service.rond_actiepunt_af(
        escalatie_id, 1, RondActiepuntAf(toelichting="Gestopt"), uow(), deps, door=LET_DOOR
    )
    await service.registreer_knelpunt(
        escalatie_id,
        RegistreerKnelpunt.model_validate(
            {
                "categorie": "wetgeving",
                "regel": {"regeling": "Invorderingswet 1990", "artikel": "artikel 19"},
                "omschrijving": "Geen ruimte om af te wijken van de invorderingstermijn.",
                "betrokken_partijen": [BD],
            }
        ),
        uow(),
        deps,
        door=LET_DOOR,
    )
    soorten = [type(e.data) for t, e in nieuw(store, voor) if t == ESCALATIE.name]
    assert soorten == [
        EscalatieOverlegGepland,
        EscalatieOverlegGepland,
        EscalatieUitkomstVastgesteld,
        EscalatieActiepuntAfgerond,
        KnelpuntGeregistreerd,
    ]
    # each planning (and the move) invites the installed agencies again, for that meeting
    uitnodigingen = [e.data for t, e in nieuw(store, voor) if t != ESCALATIE.name]
    assert [type(d) for d in uitnodigingen] == [EscalatieUitnodigingInstructie] * 6
    assert len({d.overleg.overleg_id for d in uitnodigingen if d.overleg}) == 2
    assert [(a.actor, a.actie) for a in store.audit[-5:]] == [
        (LET_DOOR, "escalatie.overleg-gepland"),
        (LET_DOOR, "escalatie.overleg-gepland"),
        (LET_DOOR, "escalatie.uitkomst-vastgesteld"),
        (LET_DOOR, "escalatie.actiepunt-afgerond"),
        (LET_DOOR, "escalatie.knelpunt-geregistreerd"),
    ]
    assert store.audit[-4].details["verplaatst"] is True
    e = await service.lees_escalatie(escalatie_id, uow(), service.Lezer(LET.oin, let=True))
    assert e.status is EscalatieStatus.AFGEROND and e.overleg.locatie == "Den Haag"
    # the open action becomes overdue the day after its deadline, not on it
    klok.verzet(days=14)
    assert [a.nummer for a in e.achterstallig(klok.vandaag())] == []
    klok.verzet(days=1)
    assert [a.nummer for a in e.achterstallig(klok.vandaag())] == [2]
    assert await service.achterstallige_actiepunten(uow(), deps) == 1


async def test_illegal_steps_are_409_naming_the_state_and_what_is_allowed(uow, deps, store, klok):
    _, escalatie_id = await escaleer(uow, deps)
    uitkomst = StelUitkomstVast(uitkomst="geen-oplossing", besluit="Geen akkoord")
    voor = (len(store.published), len(store.audit))
    with pytest.raises(
        Conflict, match="is aangemeld: the outcome cannot be recorded; allowed next: gepland"
    ):
        await service.stel_uitkomst_vast(escalatie_id, uitkomst, uow(), deps, door=LET_DOOR)
    assert (len(store.published), len(store.audit)) == voor
    plan = PlanOverleg(aanvang=klok.now + dt.timedelta(days=1), locatie="online")
    await service.plan_overleg(escalatie_id, plan, uow(), deps, door=LET_DOOR)
    await service.stel_uitkomst_vast(escalatie_id, uitkomst, uow(), deps, door=LET_DOOR)
    with pytest.raises(
        Conflict, match=r"is afgerond: the meeting cannot be scheduled; allowed next: none"
    ):
        await service.plan_overleg(escalatie_id, plan, uow(), deps, door=LET_DOOR)
    with pytest.raises(NietGevonden, match="no action 1"):
        await service.rond_actiepunt_af(
            escalatie_id, 1, RondActiepuntAf(), uow(), deps, door=LET_DOOR
        )


async def test_an_action_done_twice_is_409(uow, deps, klok):
    _, escalatie_id = await escaleer(uow, deps)
    plan = PlanOverleg(aanvang=klok.now + dt.timedelta(days=1), locatie="online")
    await service.plan_overleg(escalatie_id, plan, uow(), deps, door=LET_DOOR)
    uitkomst = StelUitkomstVast.model_validate(
        {
            "uitkomst": "terugverwezen",
            "besluit": "Terug naar het loket",
            "actiepunten": [
                {
                    "omschrijving": "Overleg",
                    "verantwoordelijke": DUO,
                    "uiterlijk": klok.vandaag().isoformat(),
                }
            ],
        }
    )
    await service.stel_uitkomst_vast(escalatie_id, uitkomst, uow(), deps, door=LET_DOOR)
    await service.rond_actiepunt_af(escalatie_id, 1, RondActiepuntAf(), uow(), deps, door=LET_DOOR)
    with pytest.raises(Conflict, match="done already"):
        await service.rond_actiepunt_af(
            escalatie_id, 1, RondActiepuntAf(), uow(), deps, door=LET_DOOR
        )


async def test_outcome_input_is_checked_naming_the_field(uow, deps, klok):
    _, escalatie_id = await escaleer(uow, deps)
    plan = PlanOverleg(aanvang=klok.now + dt.timedelta(days=1), locatie="online")
    await service.plan_overleg(escalatie_id, plan, uow(), deps, door=LET_DOOR)
    gisteren = (klok.vandaag() - dt.timedelta(days=1)).isoformat()
    gevallen = [
        ({"uitkomst": "oplossing", "besluit": "b"}, "verantwoordelijke"),
        (
            {"uitkomst": "oplossing", "besluit": "b", "verantwoordelijke": GEMEENTE_ONBEKEND},
            "verantwoordelijke",
        ),
        (
            {
                "uitkomst": "geen-oplossing",
                "besluit": "b",
                "actiepunten": [
                    {"omschrijving": "x", "verantwoordelijke": CJIB, "uiterlijk": gisteren}
                ],
            },
            "actiepunten.0.uiterlijk",
        ),
    ]
    for body, field in gevallen:
        with pytest.raises(Ongeldig) as exc:
            await service.stel_uitkomst_vast(
                escalatie_id, StelUitkomstVast.model_validate(body), uow(), deps, door=LET_DOOR
            )
        assert exc.value.field == field


async def test_a_meeting_in_the_past_is_refused(uow, deps, klok):
    _, escalatie_id = await escaleer(uow, deps)
    with pytest.raises(Ongeldig) as exc:
        await service.plan_overleg(
            escalatie_id,
            PlanOverleg(aanvang=klok.now - dt.timedelta(minutes=1), locatie="online"),
            uow(),
            deps,
            door=LET_DOOR,
        )
    assert exc.value.field == "aanvang"


async def test_only_those_invited_read_the_dossier_and_each_read_is_logged(uow, deps, store):
    _casus_id, escalatie_id = await escaleer(
        uow, deps, organisaties=[{"oin": CJIB}, {"oin": DUO, "uitnodigen": False}]
    )

    def gelezen() -> list:
        return [
            v
            for v in store.tables["verwerkingen"].values()
            if v.doel == "escalatie-let" and v.ontvanger != LET.oin
        ]

    # DUO is involved but not invited; BD is not involved at all: both as if it did not exist
    for oin in (DUO, BD):
        with pytest.raises(NietGevonden):
            await service.lees_escalatie(escalatie_id, uow(), service.Lezer(oin))
    assert gelezen() == []
    await service.lees_escalatie(escalatie_id, uow(), service.Lezer(CJIB))
    await service.lees_escalatie(escalatie_id, uow(), service.Lezer(CJIB))
    assert [(v.vrager, v.verstrekker, v.ontvanger) for v in gelezen()] == [
        (CJIB, LOKET_DOOR.removeprefix("urn:nld:oin:"), CJIB)
    ] * 2
    assert [a.actie for a in store.audit if a.actor == f"urn:nld:oin:{CJIB}"] == [
        "escalatie.dossier-gelezen"
    ] * 2
    # the loket that escalated reads its own dossier without a log entry
    await service.lees_escalatie(escalatie_id, uow(), service.Lezer(LOKET_DOOR[12:], loket=True))
    assert len(gelezen()) == 2


async def test_knelpunten_are_counted_per_category_law_and_month(uow, deps, klok):
    _, eerste = await escaleer(uow, deps)

    async def knelpunt(escalatie_id, categorie, regeling=None, partijen=()):
        await service.registreer_knelpunt(
            escalatie_id,
            RegistreerKnelpunt.model_validate(
                {
                    "categorie": categorie,
                    "omschrijving": "Zit vast",
                    "betrokken_partijen": list(partijen),
                    **({"regel": {"regeling": regeling}} if regeling else {}),
                }
            ),
            uow(),
            deps,
            door=LET_DOOR,
        )

    await knelpunt(eerste, "wetgeving", "Participatiewet", [CJIB])
    await knelpunt(eerste, "financiering")
    klok.verzet(days=62)  # two months on: the month between counts 0
    _, tweede = await escaleer(uow, deps)
    await knelpunt(tweede, "wetgeving", "Participatiewet", [DUO])
    await knelpunt(tweede, "uitvoering", "Awb")

    telling = await service.knelpuntrapport(KnelpuntFilter(), uow())
    assert telling.totaal == 4
    assert telling.per_categorie["wetgeving"] == 2 and telling.per_categorie["systemen"] == 0
    assert list(telling.per_regeling.items()) == [("Participatiewet", 2), ("(geen)", 1), ("Awb", 1)]
    assert telling.per_maand == {"2026-12": 2, "2027-01": 0, "2027-02": 2}

    alleen_cjib = await service.knelpuntrapport(KnelpuntFilter(oin=CJIB), uow())
    assert alleen_cjib.totaal == 1
    regels, totaal = await service.zoek_knelpunten(
        KnelpuntFilter(regeling="participatiewet"), Pagina(1, 10), uow()
    )
    assert totaal == 2 and [r.escalatie_id for r in regels] == [tweede, eerste]


async def test_a_law_knelpunt_needs_its_rule(uow, deps):
    _, escalatie_id = await escaleer(uow, deps)
    with pytest.raises(Ongeldig) as exc:
        await service.registreer_knelpunt(
            escalatie_id,
            RegistreerKnelpunt(categorie="wetgeving", omschrijving="Wet knelt"),
            uow(),
            deps,
            door=LET_DOOR,
        )
    assert exc.value.field == "regel"


def test_free_text_with_a_bsn_is_refused_naming_the_field():
    with pytest.raises(ValueError, match="samenvatting"):
        aanmelding(samenvatting=f"Mevrouw met BSN {BSN} zit vast")


async def test_a_casus_back_from_the_let_is_escalated_again_only_after_the_outcome(uow, deps, klok):
    casus_id, eerste = await escaleer(uow, deps)
    terug = NeemCasusInBehandeling(behandelteam="Team A")
    await casus_service.neem_casus_in_behandeling(casus_id, terug, uow(), deps, door=LOKET_DOOR)
    with pytest.raises(Conflict, match=f"open escalation {eerste} \\(aangemeld\\)"):
        await service.meld_aan(casus_id, aanmelding(), uow(), deps, door=LOKET_DOOR)
    casus = (await casus_service.lees_casus(casus_id, uow())).casus
    assert casus.status is CasusStatus.IN_BEHANDELING  # nothing of the refused step stayed
    plan = PlanOverleg(aanvang=klok.now + dt.timedelta(days=1), locatie="online")
    await service.plan_overleg(eerste, plan, uow(), deps, door=LET_DOOR)
    uitkomst = StelUitkomstVast(uitkomst="terugverwezen", besluit="Terug")
    await service.stel_uitkomst_vast(eerste, uitkomst, uow(), deps, door=LET_DOOR)
    klok.verzet(days=2)
    tweede = await service.meld_aan(casus_id, aanmelding(), uow(), deps, door=LOKET_DOOR)
    assert await service.escalaties_van_casus(casus_id, uow()) == [eerste, tweede]
