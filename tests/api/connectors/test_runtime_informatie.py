"""Information requests through the connector runtime, in memory: FastStream's TestKafkaBroker and
each agency's simulator app behind ``httpx.ASGITransport`` (the simulators are FastAPI apps).

The household of test person 999990019 (and partner 999990020) is asked at each agency, one
request per person as the hub sends them; the opened claims add up to the README's figures, and a
time-out ordered on exactly the references an answer gave suspends exactly those claims."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from faststream.kafka import TestKafkaBroker
from faststream.kafka.annotations import KafkaMessage

from connectors.base.backoffice import BackofficeClient
from connectors.base.koppeling import laad_koppeling
from connectors.base.runtime import Herhaalbeleid, antwoord_event_id, bouw_broker
from schemas import CloudEvent, parse_event
from schemas.informatie import (
    Gegevenscategorie,
    InformatieGeweigerd,
    InformatieVerstrekt,
    Weigeringsgrond,
)
from schemas.opschorting import OpschortingBevestigd
from schemas.topics import (
    dead_letter_topic,
    informatie_antwoord_topic,
    informatie_verzoek_topic,
    instructie_topic,
    opschorting_antwoord_topic,
)
from simulators import belastingdienst, cjib, duo, ind, uwv
from tests.unit.connectors.berichten import instructie, sleutel
from tests.unit.connectors.informatieverzoeken import verzoek, vorderingen

AANVRAGER, PARTNER = "999990019", "999990020"
AFGESCHERMD = "999990111"
NERGENS_BEKEND = "999990081"
SIMULATORS = {"belastingdienst": belastingdienst, "cjib": cjib, "duo": duo, "uwv": uwv, "ind": ind}

# README, "Seeded claims of the household": outstanding amounts in cents.
GESEED = {
    "belastingdienst": {
        AANVRAGER: {"2024.IB.000101": 184000, "2023.ZVW.000102": 41250},
        PARTNER: {"2024.IB.000201": 65500},
    },
    "cjib": {
        AANVRAGER: {"WAHV-2025-000119": 23900, "STRAF-2024-000219": 45000},
        PARTNER: {"WAHV-2025-000120": 10900, "WAHV-2025-000220": 38000},
    },
    "duo": {AANVRAGER: {"SF-2019-000119": 1845000}, PARTNER: {}},
    "uwv": {
        AANVRAGER: {"TV-WW-2025-000119": 121500},
        PARTNER: {"TV-ZW-2024-000120": 64000, "TV-WIA-2023-000220": 230000},
    },
    "ind": {AANVRAGER: {"IND-LG-2026-000119": 24300}, PARTNER: {"IND-LG-2025-000120": 139100}},
}
HUISHOUDEN = {
    "belastingdienst": 290750,
    "cjib": 117800,
    "duo": 1845000,
    "uwv": 415500,
    "ind": 163400,
}


async def _niet_wachten(seconden: float) -> None:
    return None


async def _ruw(message: Any) -> bytes:
    return bytes(message.body)


@dataclass
class Loket:
    """One agency's connector with its simulator; records every back-office request and every
    record published on the agency's answer topics and the dead-letter topic."""

    agency: str
    antwoorden: list[CloudEvent[Any]] = field(default_factory=list)
    dead_letters: list[dict[str, str]] = field(default_factory=list)
    verzoeken: list[httpx.Request] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.app = SIMULATORS[self.agency].create_app()
        binnen = httpx.ASGITransport(app=self.app)
        verzoeken = self.verzoeken

        class Opname(httpx.AsyncBaseTransport):
            async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
                verzoeken.append(request)
                return await binnen.handle_async_request(request)

        self.sleutel = sleutel()
        self.ontvanger = sleutel()
        self.broker = bouw_broker(
            koppeling=laad_koppeling(self.agency),
            client=BackofficeClient(base_url="http://backoffice", transport=Opname()),
            sleutel=self.sleutel,
            bootstrap_servers="localhost:9092",
            herhaalbeleid=Herhaalbeleid(pogingen=2, eerste_wachttijd=0, max_wachttijd=0),
            slaap=_niet_wachten,
        )
        for topic in (
            informatie_antwoord_topic(self.agency),
            opschorting_antwoord_topic(self.agency),
        ):

            @self.broker.subscriber(topic.name, decoder=_ruw)
            async def antwoord(body: bytes, message: KafkaMessage) -> None:
                self.antwoorden.append(parse_event(body))

        @self.broker.subscriber(dead_letter_topic(self.agency).name, decoder=_ruw)
        async def dead_letter(body: bytes, message: KafkaMessage) -> None:
            self.dead_letters.append(dict(message.headers))

    def vraag(self, bsn: str, **kwargs: Any) -> CloudEvent[Any]:
        kwargs.setdefault("ontvanger", self.ontvanger.public_key())
        return verzoek(self.agency, [bsn], self.sleutel.public_key(), **kwargs)

    async def stuur(self, broker: Any, event: CloudEvent[Any]) -> CloudEvent[Any]:
        """Publish a request on the agency's own topic; its one answer."""
        topic = informatie_verzoek_topic(self.agency).name
        await broker.publish(event.to_bytes(), topic, key=event.subject.encode())
        (antwoord,) = [a for a in self.antwoorden if a.id == antwoord_event_id(event.id)]
        return antwoord


@pytest.mark.parametrize("agency", list(SIMULATORS))
async def test_the_household_debts_at_each_agency_add_up_to_the_seeded_figures(agency):
    loket = Loket(agency)
    totaal = 0
    async with TestKafkaBroker(loket.broker) as broker:
        for bsn, geseed in GESEED[agency].items():
            event = loket.vraag(bsn)
            antwoord = await loket.stuur(broker, event)
            assert antwoord.subject == event.subject
            assert antwoord.source == laad_koppeling(agency).organisatie.source
            if not geseed:  # 999990020 is not known at DUO
                assert isinstance(antwoord.data, InformatieGeweigerd)
                assert antwoord.data.redencode is Weigeringsgrond.ONBEKENDE_PERSOON
                continue
            assert isinstance(antwoord.data, InformatieVerstrekt)
            assert antwoord.data.verzoek_event_id == event.id
            assert {g.pseudoniem for g in antwoord.data.gegevens} == {
                event.data.personen[0].pseudoniem
            }
            claims = vorderingen(antwoord.data, loket.ontvanger)
            assert {c.referentie: c.openstaand_bedrag_centen for c in claims} == geseed
            assert not any(c.opgeschort for c in claims)
            totaal += sum(c.openstaand_bedrag_centen for c in claims)
            assert bsn not in antwoord.to_bytes().decode()

    assert totaal == HUISHOUDEN[agency]
    assert loket.dead_letters == []
    assert not any(AANVRAGER in str(r.url) or PARTNER in str(r.url) for r in loket.verzoeken)


def test_the_household_total_is_the_readmes():
    assert sum(HUISHOUDEN.values()) == 2832450


@pytest.mark.parametrize("agency", list(SIMULATORS))
async def test_a_time_out_on_the_references_given_suspends_exactly_those_claims(agency):
    loket = Loket(agency)
    async with TestKafkaBroker(loket.broker) as broker:
        eerst = await loket.stuur(broker, loket.vraag(AANVRAGER))
        referenties = [c.referentie for c in vorderingen(eerst.data, loket.ontvanger)]
        gekozen = referenties[:1]  # a time-out on the first claim only

        order = instructie(
            agency, [AANVRAGER], loket.sleutel.public_key(), vorderingen=gekozen, dagen=60
        )
        await broker.publish(order.to_bytes(), instructie_topic(agency).name)
        (bevestigd,) = [a for a in loket.antwoorden if a.id == antwoord_event_id(order.id)]
        assert isinstance(bevestigd.data, OpschortingBevestigd)

        daarna = await loket.stuur(broker, loket.vraag(AANVRAGER))
    opgeschort = {c.referentie: c.opgeschort for c in vorderingen(daarna.data, loket.ontvanger)}
    assert opgeschort == {r: r in gekozen for r in referenties}


@pytest.mark.parametrize("agency", list(SIMULATORS))
async def test_the_protected_person_is_refused_geen_grondslag(agency):
    loket = Loket(agency)
    async with TestKafkaBroker(loket.broker) as broker:
        antwoord = await loket.stuur(broker, loket.vraag(AFGESCHERMD))
    assert isinstance(antwoord.data, InformatieGeweigerd)
    assert antwoord.data.redencode is Weigeringsgrond.GEEN_GRONDSLAG
    assert AFGESCHERMD not in antwoord.to_bytes().decode()


@pytest.mark.parametrize("agency", list(SIMULATORS))
async def test_an_unknown_person_is_refused_onbekende_persoon(agency):
    loket = Loket(agency)
    async with TestKafkaBroker(loket.broker) as broker:
        antwoord = await loket.stuur(broker, loket.vraag(NERGENS_BEKEND))
    assert isinstance(antwoord.data, InformatieGeweigerd)
    assert antwoord.data.redencode is Weigeringsgrond.ONBEKENDE_PERSOON


@pytest.mark.parametrize("agency", list(SIMULATORS))
async def test_without_ontvanger_sleutel_nothing_is_asked_and_the_answer_is_onverwerkbaar(agency):
    loket = Loket(agency)
    async with TestKafkaBroker(loket.broker) as broker:
        antwoord = await loket.stuur(broker, loket.vraag(AANVRAGER, ontvanger=None))
    assert isinstance(antwoord.data, InformatieGeweigerd)
    assert antwoord.data.redencode is Weigeringsgrond.ONVERWERKBAAR
    assert "ontvanger_sleutel" in antwoord.data.reden
    assert loket.verzoeken == []  # the back-office was not asked


async def test_every_category_of_the_agreement_is_given_or_named_not_given():
    loket = Loket("belastingdienst")
    categorieen = (
        Gegevenscategorie.VORDERINGEN,
        Gegevenscategorie.BETALINGSREGELINGEN,
        Gegevenscategorie.BESLAGEN,
        Gegevenscategorie.VERREKENINGEN,
        Gegevenscategorie.PROCEDURES,
    )  # AFS-BD-2026-01, schuldenoverzicht
    async with TestKafkaBroker(loket.broker) as broker:
        antwoord = await loket.stuur(broker, loket.vraag(AANVRAGER, categorieen=categorieen))
    assert isinstance(antwoord.data, InformatieVerstrekt)
    gegeven = {g.categorie for g in antwoord.data.gegevens}
    niet = {n.categorie: n.redencode for n in antwoord.data.niet_verstrekt}
    assert gegeven == {
        Gegevenscategorie.VORDERINGEN,
        Gegevenscategorie.BETALINGSREGELINGEN,
        Gegevenscategorie.VERREKENINGEN,
    }
    assert niet == {
        Gegevenscategorie.BESLAGEN: Weigeringsgrond.GEEN_GEGEVENS,
        Gegevenscategorie.PROCEDURES: Weigeringsgrond.GEEN_GEGEVENS,
    }
    (vraag,) = loket.verzoeken
    assert vraag.url.path == "/api/v1/inlichtingenverzoeken"
    # The Belastingdienst names its reference date (the simulator's today).
    assert {g.peildatum for g in antwoord.data.gegevens} == {dt.date.today()}
