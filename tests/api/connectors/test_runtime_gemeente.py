"""One gemeente connector for several municipalities, through the connector runtime in memory:
FastStream's TestKafkaBroker, the connector's router over one client per municipality, and the
social-services simulator (several municipalities as tenants) behind ``httpx.ASGITransport``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import httpx
from faststream.kafka import TestKafkaBroker
from faststream.kafka.annotations import KafkaMessage

from connectors.base.backoffice import BackofficeClient
from connectors.base.koppeling import laad_koppeling
from connectors.base.runtime import Herhaalbeleid, antwoord_event_id, bouw_broker
from connectors.gemeente.gemeenten import Gemeenterouter
from schemas import CloudEvent, parse_event
from schemas.informatie import Gegevenscategorie, InformatieVerstrekt
from schemas.opschorting import OpschortingBevestigd, OpschortingGeweigerd, Redencode
from schemas.topics import (
    dead_letter_topic,
    informatie_antwoord_topic,
    informatie_verzoek_topic,
    instructie_topic,
    opschorting_antwoord_topic,
)
from simulators import gemeente
from tests.unit.connectors.berichten import instructie, opheffing, sleutel, verlenging
from tests.unit.connectors.informatieverzoeken import verzoek, vorderingen

UTRECHT = "00000001999999990201"
ROTTERDAM = "00000001999999990202"
ZWOLLE = "00000001999999990203"
VANDAAG = dt.date.today()
AGENCY = "gemeente"


async def _niet_wachten(seconden: float) -> None:
    return None


async def _ruw(message: Any) -> bytes:
    return bytes(message.body)


@dataclass
class Gemeenteketen:
    """The connector serving Utrecht and Rotterdam (not Zwolle), each its own client on its own
    tenant of the simulator; records requests, answers and dead letters."""

    antwoorden: list[CloudEvent[Any]] = field(default_factory=list)
    dead_letters: list[dict[str, str]] = field(default_factory=list)
    verzoeken: list[httpx.Request] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.app = gemeente.create_app()
        binnen = httpx.ASGITransport(app=self.app)
        verzoeken = self.verzoeken

        class Opname(httpx.AsyncBaseTransport):
            async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
                verzoeken.append(request)
                return await binnen.handle_async_request(request)

        def client(code: str) -> BackofficeClient:
            url = f"http://sd/gemeenten/{code}/sociaal-domein/v2"
            return BackofficeClient(base_url=url, transport=Opname())

        self.sleutel = sleutel()
        self.ontvanger = sleutel()
        self.broker = bouw_broker(
            koppeling=laad_koppeling(AGENCY),
            client=Gemeenterouter({UTRECHT: client("0344"), ROTTERDAM: client("0599")}),
            sleutel=self.sleutel,
            bootstrap_servers="localhost:9092",
            herhaalbeleid=Herhaalbeleid(pogingen=2, eerste_wachttijd=0, max_wachttijd=0),
            slaap=_niet_wachten,
        )
        for topic in (opschorting_antwoord_topic(AGENCY), informatie_antwoord_topic(AGENCY)):

            @self.broker.subscriber(topic.name, decoder=_ruw)
            async def antwoord(body: bytes, message: KafkaMessage) -> None:
                self.antwoorden.append(parse_event(body))

        @self.broker.subscriber(dead_letter_topic(AGENCY).name, decoder=_ruw)
        async def dead_letter(body: bytes, message: KafkaMessage) -> None:
            self.dead_letters.append(dict(message.headers))

    def order(self, bsn: str, gemeente_oin: str | None) -> CloudEvent[Any]:
        publiek = self.sleutel.public_key()
        return instructie(AGENCY, [bsn], publiek, ingang=VANDAAG, gemeente=gemeente_oin)

    def antwoord_op(self, event: CloudEvent[Any]) -> CloudEvent[Any]:
        (antwoord,) = {
            a.id: a for a in self.antwoorden if a.id == antwoord_event_id(event.id)
        }.values()
        return antwoord

    def paden(self) -> list[str]:
        return [f"{r.method} {r.url.path}" for r in self.verzoeken]


async def test_two_municipalities_each_answer_their_own_order_extension_and_lifting():
    keten = Gemeenteketen()
    utrecht = keten.order("999990019", UTRECHT)
    rotterdam = keten.order("999990032", ROTTERDAM)
    topic = instructie_topic(AGENCY).name
    async with TestKafkaBroker(keten.broker) as broker:
        await broker.publish(utrecht.to_bytes(), topic)
        await broker.publish(rotterdam.to_bytes(), topic)
        verlengd = verlenging(utrecht, extra_dagen=30)  # looked up at Utrecht
        await broker.publish(verlengd.to_bytes(), topic)
        referentie = keten.antwoord_op(rotterdam).data.referentie
        opgeheven = opheffing(rotterdam, referentie=referentie)
        await broker.publish(opgeheven.to_bytes(), topic)

    assert keten.dead_letters == []
    u, r = keten.antwoord_op(utrecht).data, keten.antwoord_op(rotterdam).data
    assert isinstance(u, OpschortingBevestigd) and isinstance(r, OpschortingBevestigd)
    assert (u.gemeente, r.gemeente) == (UTRECHT, ROTTERDAM)
    assert u.referentie.startswith("GEM0344-OPS-") and r.referentie.startswith("GEM0599-OPS-")
    v, o = keten.antwoord_op(verlengd).data, keten.antwoord_op(opgeheven).data
    assert isinstance(v, OpschortingBevestigd) and isinstance(o, OpschortingBevestigd)
    assert (v.referentie, v.gemeente) == (u.referentie, UTRECHT)
    assert (o.referentie, o.gemeente) == (r.referentie, ROTTERDAM)
    assert v.wijzigingsreferentie is not None and v.wijzigingsreferentie.startswith("GEM0344-WIJ-")
    assert keten.paden() == [
        "POST /gemeenten/0344/sociaal-domein/v2/opschortingen",
        "POST /gemeenten/0599/sociaal-domein/v2/opschortingen",
        "GET /gemeenten/0344/sociaal-domein/v2/opschortingen",
        f"PATCH /gemeenten/0344/sociaal-domein/v2/opschortingen/{u.referentie}",
        f"POST /gemeenten/0599/sociaal-domein/v2/opschortingen/{r.referentie}/intrekking",
    ]
    besluiten = {o.referentie: o for o in keten.app.state.simulator.register.opschortingen}
    assert besluiten[u.referentie].tot_en_met == verlengd.data.periode.einddatum
    assert besluiten[r.referentie].opgeheven


async def test_a_municipality_not_served_or_not_named_is_refused_with_its_reason():
    keten = Gemeenteketen()
    zwolle = keten.order("999990044", ZWOLLE)
    niemand = keten.order("999990019", None)
    elders = keten.order("999990032", UTRECHT)  # a Rotterdam client at Utrecht
    topic = instructie_topic(AGENCY).name
    async with TestKafkaBroker(keten.broker) as broker:
        for event in (zwolle, niemand, elders):
            await broker.publish(event.to_bytes(), topic)

    assert keten.dead_letters == []
    z, n, e = (keten.antwoord_op(x).data for x in (zwolle, niemand, elders))
    assert isinstance(z, OpschortingGeweigerd)
    assert z.redencode is Redencode.ONVERWERKBAAR
    assert z.reden.startswith("GEMEENTE_NIET_BEDIEND: ") and ZWOLLE in z.reden
    assert z.gemeente == ZWOLLE
    assert isinstance(n, OpschortingGeweigerd) and "noemt geen gemeente" in n.reden
    assert isinstance(e, OpschortingGeweigerd) and e.redencode is Redencode.ONBEKENDE_PERSOON
    # nothing went anywhere for Zwolle or for no one: only Utrecht was asked (and refused)
    assert keten.paden() == ["POST /gemeenten/0344/sociaal-domein/v2/opschortingen"]


async def test_the_debt_overview_of_a_municipality():
    keten = Gemeenteketen()
    vraag = verzoek(
        AGENCY,
        ["999990019"],
        keten.sleutel.public_key(),
        ontvanger=keten.ontvanger.public_key(),
        categorieen=[Gegevenscategorie.VORDERINGEN, Gegevenscategorie.ZORGINDICATIE],
        gemeente=UTRECHT,
    )
    async with TestKafkaBroker(keten.broker) as broker:
        await broker.publish(vraag.to_bytes(), informatie_verzoek_topic(AGENCY).name)
    antwoord = keten.antwoord_op(vraag).data
    assert isinstance(antwoord, InformatieVerstrekt)
    assert antwoord.gemeente == UTRECHT
    (vordering,) = vorderingen(antwoord, keten.ontvanger)
    assert (vordering.referentie, vordering.openstaand_bedrag_centen) == (
        "BB-0344-2025-000419",
        45000,
    )
    assert not any("999990019" in str(r.url) for r in keten.verzoeken)
