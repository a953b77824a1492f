"""The information request's and debt overview's handlers with a unit of work in memory: no
FastAPI, no database, no broker."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from hub.adapters.afspraken_loader import laad_afspraken
from hub.domain.afspraak import Doel
from hub.service.afspraken import BuitenAfspraak, Gevraagd
from hub.service.antwoorden import AntwoordAfgewezen, verwerk_antwoord
from hub.service.casus import dien_casus_in
from hub.service.commands import DienCasusIn
from hub.service.errors import Conflict, Ongeldig
from hub.service.informatie import Vragen, lees_informatieverzoek, vraag_informatie
from hub.service.schuldenoverzicht import (
    lees_schuldenoverzicht,
    schort_op,
    vraag_schuldenoverzicht,
)
from schemas import CloudEvent, make_event
from schemas.gedeeld import Regel
from schemas.informatie import (
    Gegeven,
    Gegevenscategorie,
    InformatieVerstrekt,
    InformatieVerzoek,
    VorderingInhoud,
)
from schemas.opschorting import Maatregel, OpschortingInstructie
from schemas.organisaties import UITVOERDERS, Uitvoerder
from schemas.topics import informatie_antwoord_topic, informatie_verzoek_topic
from schemas.versleuteling import load_public_key_text, seal
from simulators import AGENCIES
from tests.support.loket import LOKET_DOOR, WOONGEMEENTE_OIN, casus_body
from tests.unit.hub.fakes import FakeUnitOfWork, Klok, Store, fake_deps

BSN, ANDER = "999990019", "999990020"
WAMS = Regel(regeling="Wet aanpak meervoudige problematiek sociaal domein")
TABEL = laad_afspraken(None)
VORDERINGEN = Gegevenscategorie.VORDERINGEN


@pytest.fixture
def klok() -> Klok:
    return Klok(dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC))


@pytest.fixture
def deps(tmp_path, klok):
    return fake_deps(tmp_path, klok, AGENCIES)


@pytest.fixture
def store() -> Store:
    return Store()


@pytest.fixture
def uow(store, deps):
    return lambda: FakeUnitOfWork(store, deps)


async def casus(uow, deps) -> tuple[str, list[str]]:
    casus_id = await dien_casus_in(
        DienCasusIn(**casus_body(BSN, ANDER)), uow(), deps, door=LOKET_DOOR
    )
    async with uow() as work:
        return casus_id, [lid.pseudoniem for lid in await work.casussen.leden(casus_id)]


async def vraag(uow, deps, casus_id: str, personen: list[str], *gevraagd: Gevraagd) -> str:
    return await vraag_informatie(
        casus_id,
        Vragen(doel=Doel.SCHULDENOVERZICHT, grondslag=WAMS, gevraagd=gevraagd, personen=personen),
        TABEL,
        uow(),
        deps,
        rol_loket=True,
        uitvoerder=None,
        door=LOKET_DOOR,
    )


def verzoeken(store: Store, agency: str) -> list[CloudEvent[Any]]:
    topic = informatie_verzoek_topic(agency).name
    return [e for t, e in store.published if t == topic]


def antwoord(event: CloudEvent[Any], *inhoud: tuple[Gegevenscategorie, str]) -> CloudEvent[Any]:
    data: InformatieVerzoek = event.data
    assert data.ontvanger_sleutel is not None
    sleutel = load_public_key_text(data.ontvanger_sleutel)
    return make_event(
        InformatieVerstrekt(
            verzoek_id=data.verzoek_id,
            casus_id=data.casus_id,
            verstrekker=data.verstrekker,
            verzoek_event_id=event.id,
            gevraagde_categorieen=tuple({c for c, _ in inhoud} | set(data.gevraagde_categorieen)),
            gegevens=tuple(
                Gegeven(
                    categorie=c,
                    pseudoniem=data.personen[0].pseudoniem,
                    inhoud=seal(t, sleutel),
                    peildatum=dt.date(2026, 11, 30),
                )
                for c, t in inhoud
            ),
            verstrekt_op=dt.datetime(2026, 12, 1, 10, tzinfo=dt.UTC),
        ),
        source=UITVOERDERS[Uitvoerder(data.verstrekker)].source,
        subject=data.casus_id,
    )


async def neem(uow, deps, event: CloudEvent[Any]) -> bool:
    topic = informatie_antwoord_topic(event.data.verstrekker).name
    return (await verwerk_antwoord(event, uow(), deps, topic=topic)).gewijzigd


async def test_a_request_queues_one_message_per_agency_per_person_and_logs_each(uow, deps, store):
    casus_id, personen = await casus(uow, deps)
    verzoek_id = await vraag(
        uow, deps, casus_id, personen, Gevraagd(Uitvoerder.CJIB, (VORDERINGEN,))
    )
    berichten = verzoeken(store, "cjib")
    assert len(berichten) == 2
    assert {e.data.personen[0].pseudoniem for e in berichten} == set(personen)
    assert all(BSN not in e.model_dump_json() for e in berichten)
    verzoek = await lees_informatieverzoek(verzoek_id, uow(), verzoeker="loket")
    assert {e.id for e in berichten} == {v.instructie_id for v in verzoek.keten}
    log = store.tables["verwerkingen"].values()
    assert sorted(p.pseudoniem for v in log for p in v.betrokkenen) == sorted(personen)
    assert [a.actie for a in store.audit][-1] == "informatie.gevraagd"


async def test_outside_the_agreement_or_an_unconnected_agency_records_and_sends_nothing(
    uow, deps, store, tmp_path
):
    casus_id, personen = await casus(uow, deps)
    voor = len(store.published)
    with pytest.raises(BuitenAfspraak) as buiten:
        await vraag(
            uow, deps, casus_id, personen, Gevraagd(Uitvoerder.DUO, (Gegevenscategorie.TOESLAGEN,))
        )
    assert buiten.value.field == "uitvoerders.0.categorieen.0"
    (tmp_path / "keys" / "cjib.pub").unlink()
    deps.keys._cache.clear()
    with pytest.raises(Ongeldig) as los:
        await vraag(uow, deps, casus_id, personen, Gevraagd(Uitvoerder.CJIB, (VORDERINGEN,)))
    assert los.value.field == "uitvoerders.0.uitvoerder"
    assert len(store.published) == voor and not store.tables.get("informatieverzoeken")


async def test_an_extra_category_is_refused_and_nothing_changes_then_a_valid_answer_counts(
    uow, deps, store
):
    casus_id, personen = await casus(uow, deps)
    verzoek_id = await vraag(
        uow, deps, casus_id, personen[:1], Gevraagd(Uitvoerder.CJIB, (VORDERINGEN,))
    )
    [event] = verzoeken(store, "cjib")
    te_veel = antwoord(event, (VORDERINGEN, "x"), (Gegevenscategorie.BESLAGEN, "y"))
    with pytest.raises(AntwoordAfgewezen, match="gegevens carries beslagen, not asked of cjib"):
        await neem(uow, deps, te_veel)
    assert te_veel.id not in store.processed
    assert await neem(uow, deps, antwoord(event, (VORDERINGEN, "x")))
    verzoek = await lees_informatieverzoek(verzoek_id, uow(), verzoeker="loket")
    assert verzoek.keten[0].status.value == "confirmed"
    uitkomsten = [v.uitkomst for v in store.tables["verwerkingen"].values()]
    assert uitkomsten.count("verstrekt") == 1


async def test_the_debt_overview_adds_up_and_orders_a_time_out_on_its_claims(uow, deps, store):
    casus_id, _ = await casus(uow, deps)
    overzicht_id = await vraag_schuldenoverzicht(
        casus_id, None, None, TABEL, uow(), deps, door=LOKET_DOOR
    )
    with pytest.raises(Conflict):
        await schort_op(
            overzicht_id,
            ingangsdatum=None,
            einddatum=dt.date(2027, 2, 1),
            maatregelen=[Maatregel.BESLAG],
            grondslag="Time-outbevoegdheid",
            reden="Ruimte",
            uow=uow(),
            deps=deps,
            door=LOKET_DOOR,
        )
    bedragen = {"belastingdienst": 290750, "cjib": 117800}
    for agency, bedrag in bedragen.items():
        for i, event in enumerate(verzoeken(store, agency)):
            claim = VorderingInhoud(
                referentie=f"{agency}-{i}",
                soort="vordering",
                oorspronkelijk_bedrag_centen=bedrag // 2,
                openstaand_bedrag_centen=bedrag // 2,
            )
            assert await neem(uow, deps, antwoord(event, (VORDERINGEN, claim.model_dump_json())))
    overzicht = await lees_schuldenoverzicht(overzicht_id, uow(), deps, door=LOKET_DOOR)
    assert overzicht.totaal_openstaand_centen == 290750 + 117800
    niet_geantwoord = [a for a in AGENCIES if a not in bedragen]  # duo and the others
    assert overzicht.ontbrekend == niet_geantwoord
    opschorting_id, ontbrekend = await schort_op(
        overzicht_id,
        ingangsdatum=None,
        einddatum=dt.date(2027, 2, 1),
        maatregelen=[Maatregel.BESLAG],
        grondslag="Time-outbevoegdheid",
        reden="Ruimte",
        uow=uow(),
        deps=deps,
        door=LOKET_DOOR,
    )
    assert ontbrekend == niet_geantwoord and opschorting_id
    instructies = {
        e.data.uitvoerder.value: e.data.vorderingen
        for _, e in store.published
        if isinstance(e.data, OpschortingInstructie)
    }
    assert instructies == {
        "belastingdienst": ("belastingdienst-0", "belastingdienst-1"),
        "cjib": ("cjib-0", "cjib-1"),
    }


async def test_the_gemeente_is_asked_at_the_woongemeente_and_skipped_without_one(uow, deps, store):
    casus_id, _ = await casus(uow, deps)
    await vraag_schuldenoverzicht(casus_id, None, None, TABEL, uow(), deps, door=LOKET_DOOR)
    assert {e.data.gemeente for e in verzoeken(store, "gemeente")} == {WOONGEMEENTE_OIN}
    assert {e.data.gemeente for e in verzoeken(store, "cjib")} == {None}
    zonder = {k: v for k, v in casus_body(BSN).items() if k != "woongemeente"}
    elders = await dien_casus_in(DienCasusIn(**zonder), uow(), deps, door=LOKET_DOOR)
    voor = len(verzoeken(store, "gemeente"))
    overzicht_id = await vraag_schuldenoverzicht(
        elders, None, None, TABEL, uow(), deps, door=LOKET_DOOR
    )
    assert len(verzoeken(store, "gemeente")) == voor  # no municipality to ask
    overzicht = await lees_schuldenoverzicht(overzicht_id, uow(), deps, door=LOKET_DOOR)
    assert "gemeente" not in overzicht.ontbrekend
    with pytest.raises(Ongeldig, match="woongemeente") as info:
        await vraag_schuldenoverzicht(
            elders, [Uitvoerder.GEMEENTE], None, TABEL, uow(), deps, door=LOKET_DOOR
        )
    assert info.value.field == "uitvoerders.0.uitvoerder"
