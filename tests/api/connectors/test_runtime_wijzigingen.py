"""Extension and lifting through the connector runtime, in memory: FastStream's TestKafkaBroker
and each agency's simulator app behind ``httpx.ASGITransport`` (no network; the API layer, since
the simulators are FastAPI apps)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from faststream.kafka import TestKafkaBroker
from faststream.kafka.annotations import KafkaMessage

from connectors.base.backoffice import BackofficeClient, HttpVerzoek
from connectors.base.koppeling import Koppeling, laad_koppeling
from connectors.base.runtime import Herhaalbeleid, antwoord_event_id, bouw_broker
from schemas import deadletter as dl
from schemas import parse_event
from schemas.opschorting import (
    OpschortingBevestigd,
    OpschortingGeweigerd,
    OpschortingInstructie,
    OpschortingOpheffingInstructie,
    Redencode,
)
from schemas.topics import dead_letter_topic, instructie_topic, opschorting_antwoord_topic
from simulators import belastingdienst, cjib, duo, ind, uwv
from tests.unit.connectors.berichten import instructie, opheffing, sleutel, verlenging

BSN = "999990019"  # known at every simulator
VANDAAG = dt.date.today()
SIMULATORS = {"belastingdienst": belastingdienst, "cjib": cjib, "duo": duo, "uwv": uwv, "ind": ind}
WIJZIG = {"duo": ("PATCH", "PATCH"), "uwv": ("PUT", "POST")}
"""The methods of an extension and a lifting where they are not both POST."""


class Opname(httpx.AsyncBaseTransport):
    """Passes requests to the simulator app; remembers them and can fail the first few."""

    def __init__(self, app: Any, storingen: int = 0) -> None:
        self._binnen = httpx.ASGITransport(app=app)
        self.storingen = storingen
        self.verzoeken: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.verzoeken.append(request)
        if self.storingen:
            self.storingen -= 1
            return httpx.Response(503)
        return await self._binnen.handle_async_request(request)

    def urls(self) -> list[str]:
        return [f"{r.method} {r.url.path}" for r in self.verzoeken]


@dataclass
class Keten:
    agency: str
    koppeling: Koppeling | None = None
    storingen: int = 0
    antwoorden: list[Any] = field(default_factory=list)
    dead_letters: list[dict[str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        koppeling = self.koppeling or laad_koppeling(self.agency)
        self.app = SIMULATORS[self.agency].create_app()
        self.opname = Opname(self.app, self.storingen)
        self.sleutel = sleutel()
        self.topic = instructie_topic(self.agency).name
        self.broker = bouw_broker(
            koppeling=koppeling,
            client=BackofficeClient(base_url="http://backoffice", transport=self.opname),
            sleutel=self.sleutel,
            bootstrap_servers="localhost:9092",
            herhaalbeleid=Herhaalbeleid(pogingen=3, eerste_wachttijd=0, max_wachttijd=0),
            slaap=_niet_wachten,
        )

        @self.broker.subscriber(opschorting_antwoord_topic(self.agency).name, decoder=_ruw)
        async def antwoord(body: bytes, message: KafkaMessage) -> None:
            self.antwoorden.append(parse_event(body))

        @self.broker.subscriber(dead_letter_topic(self.agency).name, decoder=_ruw)
        async def dead_letter(body: bytes, message: KafkaMessage) -> None:
            self.dead_letters.append(dict(message.headers))

    def origineel(self, **kwargs: Any):
        return instructie(self.agency, [BSN], self.sleutel.public_key(), ingang=VANDAAG, **kwargs)

    def antwoord_op(self, event) -> Any:
        (antwoord,) = {
            a.id: a for a in self.antwoorden if a.data.instructie_id == event.id
        }.values()
        return antwoord

    def admin(self) -> Any:
        """The simulator's suspensions (its register, as its admin API shows them)."""
        return self.app.state.simulator.register.opschortingen


async def _niet_wachten(seconden: float) -> None:
    return None


async def _ruw(message: Any) -> bytes:
    return bytes(message.body)


@pytest.mark.parametrize("agency", list(SIMULATORS))
async def test_order_then_extension_then_lifting(agency):
    keten = Keten(agency)
    origineel = keten.origineel(dagen=90)
    verlengd = verlenging(origineel, extra_dagen=60)  # no referentie: the connector looks it up
    async with TestKafkaBroker(keten.broker) as broker:
        await broker.publish(origineel.to_bytes(), keten.topic)
        referentie = keten.antwoord_op(origineel).data.referentie
        opgeheven = opheffing(
            origineel, opheffingsdatum=VANDAAG + dt.timedelta(days=30), referentie=referentie
        )
        await broker.publish(verlengd.to_bytes(), keten.topic)
        await broker.publish(verlengd.to_bytes(), keten.topic)  # redelivered
        await broker.publish(opgeheven.to_bytes(), keten.topic)

    assert keten.dead_letters == []
    for event in (verlengd, opgeheven):
        antwoord = keten.antwoord_op(event)
        assert antwoord.id == antwoord_event_id(event.id)
        assert isinstance(antwoord.data, OpschortingBevestigd)
        assert antwoord.data.referentie == referentie
        assert antwoord.data.opschorting_id == origineel.data.opschorting_id
    assert len([a for a in keten.antwoorden if a.data.instructie_id == verlengd.id]) == 2

    (ops,) = keten.admin()
    assert ops.referentie == referentie
    assert [w.soort.value for w in ops.wijzigingen] == ["verlenging", "opheffing"]
    assert [w.sleutel for w in ops.wijzigingen] == [verlengd.id, opgeheven.id]
    assert ops.wijzigingen[0].tot_en_met == verlengd.data.periode.einddatum
    assert ops.opgeheven_per == opgeheven.data.opheffingsdatum
    assert ops.tot_en_met == opgeheven.data.opheffingsdatum - dt.timedelta(days=1)

    # order; look-up + extension, twice (stateless: the redelivery looks up again, the
    # back-office replays its answer); the lifting carries the reference, so no look-up
    methodes = [u.split()[0] for u in keten.opname.urls()]
    verleng, hef_op = WIJZIG.get(agency, ("POST", "POST"))
    assert methodes == ["POST", "GET", verleng, "GET", verleng, hef_op]
    assert not any(BSN in str(r.url) for r in keten.opname.verzoeken)


async def test_nothing_registered_for_the_original_is_refused_without_a_change():
    keten = Keten("duo")
    nooit_geleverd = keten.origineel()
    verlengd = verlenging(nooit_geleverd)
    async with TestKafkaBroker(keten.broker) as broker:
        await broker.publish(verlengd.to_bytes(), keten.topic)
    antwoord = keten.antwoord_op(verlengd)
    assert isinstance(antwoord.data, OpschortingGeweigerd)
    assert antwoord.data.redencode is Redencode.ONBEKENDE_VORDERING
    assert keten.opname.urls() == ["GET /duo/v2/betalingspauzes"]


async def test_an_agency_refusal_is_answered_with_the_suspensions_reference():
    keten = Keten("belastingdienst")
    origineel = keten.origineel(dagen=90)
    te_lang = verlenging(origineel, einddatum=VANDAAG + dt.timedelta(days=400))
    async with TestKafkaBroker(keten.broker) as broker:
        await broker.publish(origineel.to_bytes(), keten.topic)
        await broker.publish(te_lang.to_bytes(), keten.topic)
    stop = keten.antwoord_op(origineel).data.referentie
    antwoord = keten.antwoord_op(te_lang)
    assert isinstance(antwoord.data, OpschortingGeweigerd)
    assert antwoord.data.redencode is Redencode.TERMIJN_ONGELDIG
    assert antwoord.data.reden.startswith("TERMIJN_TE_LANG: ")
    assert antwoord.data.referentie == stop
    assert keten.admin()[0].wijzigingen == []


async def test_an_unknown_reference_from_the_hub_is_refused():
    keten = Keten("cjib")
    verlengd = verlenging(keten.origineel(), referentie="CJIB-OPS-99999999")
    async with TestKafkaBroker(keten.broker) as broker:
        await broker.publish(verlengd.to_bytes(), keten.topic)
    antwoord = keten.antwoord_op(verlengd)
    assert isinstance(antwoord.data, OpschortingGeweigerd)
    assert "OPSCHORTING_ONBEKEND" in antwoord.data.reden
    assert keten.opname.urls() == ["POST /cjib/opschortingsverzoeken/CJIB-OPS-99999999/wijzigingen"]


async def test_a_look_up_that_fails_for_a_moment_is_retried():
    keten = Keten("cjib")
    origineel = keten.origineel()
    async with TestKafkaBroker(keten.broker) as broker:
        await broker.publish(origineel.to_bytes(), keten.topic)
        keten.opname.storingen = 2
        await broker.publish(opheffing(origineel).to_bytes(), keten.topic)
    assert [u.split()[0] for u in keten.opname.urls()] == ["POST", "GET", "GET", "GET", "POST"]
    assert keten.admin()[0].opgeheven


async def test_an_agency_without_change_support_parks_changes():
    koppeling = laad_koppeling("duo")
    alleen_order = {
        OpschortingInstructie.event_type: koppeling.vertalingen[OpschortingInstructie.event_type]
    }
    zonder = dataclasses.replace(koppeling, vertalingen=alleen_order)
    keten = Keten("duo", koppeling=zonder)
    verlengd = verlenging(keten.origineel())
    async with TestKafkaBroker(keten.broker) as broker:
        await broker.publish(verlengd.to_bytes(), keten.topic)
    (dlq,) = keten.dead_letters
    assert dlq[dl.HEADER_REASON_CODE] == "niet-ondersteund"
    assert "verlenging-instructie" in dlq[dl.HEADER_REASON]
    assert keten.opname.verzoeken == []
    (melding,) = keten.antwoorden  # no answer: only the report that the change is parked
    assert melding.type == "nl.maatwerk.aflevering.mislukt.v1" and melding.data.definitief


async def test_a_translation_that_would_put_a_bsn_in_a_url_is_stopped():
    koppeling = laad_koppeling("duo")
    opheffen = OpschortingOpheffingInstructie.event_type

    def lek(opdracht):
        return HttpVerzoek("PATCH", f"/duo/v2/betalingspauzes/{opdracht.bsns[0]}", body={})

    lekkend = dataclasses.replace(koppeling.vertalingen[opheffen], naar_verzoek=lek)
    kapot = dataclasses.replace(koppeling, vertalingen={**koppeling.vertalingen, opheffen: lekkend})
    keten = Keten("duo", koppeling=kapot)
    origineel = keten.origineel()
    async with TestKafkaBroker(keten.broker) as broker:
        await broker.publish(origineel.to_bytes(), keten.topic)
        await broker.publish(opheffing(origineel, referentie="DUO-BP-1").to_bytes(), keten.topic)
    (dlq,) = keten.dead_letters
    assert dlq[dl.HEADER_REASON_CODE] == "verwerkingsfout"
    assert BSN not in str(dlq)
    assert not any(BSN in str(r.url) for r in keten.opname.verzoeken)
    assert len(keten.opname.verzoeken) == 1  # only the order
