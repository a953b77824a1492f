"""The CJIB connector end to end in memory: FastStream's TestKafkaBroker and a mock back-office."""

from __future__ import annotations

import dataclasses
import json
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from faststream import BaseMiddleware
from faststream.kafka import KafkaBroker, TestKafkaBroker
from faststream.kafka.annotations import KafkaMessage
from faststream.message.message import AckStatus

from connectors.base.backoffice import BackofficeClient
from connectors.base.gelijktijdig import records_of
from connectors.base.runtime import (
    ANTWOORD_NAMESPACE,
    Herhaalbeleid,
    antwoord_event_id,
    bouw_broker,
)
from connectors.cjib import KOPPELING
from schemas import CONTENT_TYPE, parse_event
from schemas import deadletter as dl
from schemas.aflevering import AfleveringMislukt, AfleveringReden
from schemas.opschorting import (
    OpschortingBevestigd,
    OpschortingGeweigerd,
    OpschortingInstructie,
    Redencode,
)
from schemas.organisaties import UITVOERDERS, Uitvoerder
from schemas.topics import dead_letter_topic, instructie_topic, opschorting_antwoord_topic
from tests.unit.connectors.berichten import instructie, sleutel

TOPIC = instructie_topic("cjib").name
BSN = "999990019"


@dataclass
class Ontvangen:
    value: bytes
    key: bytes | None
    headers: dict[str, str]


@dataclass
class Backoffice:
    """A mock CJIB: answers from a script, remembers the requests."""

    script: list[httpx.Response | Exception] = field(default_factory=list)
    verzoeken: list[dict[str, Any]] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.verzoeken.append(json.loads(request.content))
        stap = self.script.pop(0) if self.script else _opgeschort(self.verzoeken[-1])
        if isinstance(stap, Exception):
            raise stap
        return stap


def _opgeschort(verzoek: dict[str, Any]) -> httpx.Response:
    return httpx.Response(
        201,
        json={
            "cjibReferentie": "CJIB-OPS-00000042",
            "zaken": [{"zaaknummer": "WAHV-2025-000119", "status": "OPGESCHORT", "reden": None}],
        },
    )


async def _ruw(message: Any) -> bytes:
    return bytes(message.body)


class Opstelling:
    def __init__(self, backoffice: Backoffice, pogingen: int = 3, koppeling=KOPPELING) -> None:
        self.sleutel = sleutel()
        self.backoffice = backoffice
        self.wachttijden: list[float] = []
        self.client = BackofficeClient(
            base_url="http://cjib.test", transport=httpx.MockTransport(backoffice)
        )

        async def slaap(seconden: float) -> None:
            self.wachttijden.append(seconden)

        self.broker: KafkaBroker = bouw_broker(
            koppeling=koppeling,
            client=self.client,
            sleutel=self.sleutel,
            bootstrap_servers="localhost:9092",
            herhaalbeleid=Herhaalbeleid(pogingen=pogingen, eerste_wachttijd=0.5, max_wachttijd=4),
            slaap=slaap,
        )
        self.antwoorden: list[Ontvangen] = []
        self.dead_letters: list[Ontvangen] = []
        self._vang(opschorting_antwoord_topic("cjib").name, self.antwoorden)
        self._vang(dead_letter_topic("cjib").name, self.dead_letters)

    def _vang(self, topic: str, lijst: list[Ontvangen]) -> None:
        @self.broker.subscriber(topic, decoder=_ruw)
        async def vang(body: bytes, message: KafkaMessage) -> None:
            record = message.raw_message
            lijst.append(
                Ontvangen(
                    value=body,
                    key=record.key,  # type: ignore[union-attr]
                    headers=dict(message.headers),
                )
            )

    def instructie(self, **kwargs: Any):
        return instructie("cjib", [BSN], self.sleutel.public_key(), **kwargs)


async def test_an_instruction_is_delivered_and_answered():
    opstelling = Opstelling(Backoffice())
    event = opstelling.instructie(vorderingen=["WAHV-2025-000119"])
    async with TestKafkaBroker(opstelling.broker) as broker:
        await broker.publish(event.to_bytes(), TOPIC, key=event.subject.encode())

    (verzoek,) = opstelling.backoffice.verzoeken
    assert verzoek["referentieKetenpartner"] == event.id
    assert verzoek["betrokkenen"] == [{"burgerservicenummer": BSN}]
    assert verzoek["zaaknummers"] == ["WAHV-2025-000119"]

    (ontvangen,) = opstelling.antwoorden
    assert ontvangen.key == event.subject.encode()
    assert ontvangen.headers["content-type"] == CONTENT_TYPE
    antwoord = parse_event(ontvangen.value)
    assert antwoord.id == str(uuid.uuid5(ANTWOORD_NAMESPACE, event.id))
    assert antwoord.source == UITVOERDERS[Uitvoerder.CJIB].source
    assert antwoord.subject == event.subject
    assert isinstance(antwoord.data, OpschortingBevestigd)
    assert antwoord.data.referentie == "CJIB-OPS-00000042"
    assert antwoord.data.instructie_id == event.id
    assert BSN.encode() not in ontvangen.value
    assert opstelling.dead_letters == []


async def test_the_same_instruction_twice_gives_the_same_answer_id():
    opstelling = Opstelling(Backoffice())
    event = opstelling.instructie()
    async with TestKafkaBroker(opstelling.broker) as broker:
        await broker.publish(event.to_bytes(), TOPIC)
        await broker.publish(event.to_bytes(), TOPIC)
    ids = {parse_event(a.value).id for a in opstelling.antwoorden}
    assert ids == {antwoord_event_id(event.id)}
    sleutels = {v["referentieKetenpartner"] for v in opstelling.backoffice.verzoeken}
    assert sleutels == {event.id}


async def test_garbage_goes_to_the_dead_letter_topic_and_the_next_one_is_answered():
    opstelling = Opstelling(Backoffice())
    event = opstelling.instructie()
    async with TestKafkaBroker(opstelling.broker) as broker:
        await broker.publish(
            b"\x00 not json", TOPIC, key=b"k1", headers={"content-type": "application/json"}
        )
        await broker.publish(event.to_bytes(), TOPIC)

    (dlq,) = opstelling.dead_letters
    assert dlq.value == b"\x00 not json"
    assert dlq.key == b"k1"
    assert dlq.headers[dl.HEADER_REASON].startswith("ongeldig-bericht: not valid JSON")
    assert dlq.headers[dl.HEADER_REASON_CODE] == "ongeldig-bericht"
    assert dlq.headers["content-type"] == "application/json"  # original headers kept
    assert dlq.headers[dl.HEADER_ORIGIN_TOPIC] == TOPIC
    assert dlq.headers[dl.HEADER_ORIGIN_PARTITION].isdigit()
    assert dlq.headers[dl.HEADER_ORIGIN_OFFSET].lstrip("-").isdigit()
    assert dlq.headers[dl.HEADER_FAILED_BY] == f"User:{UITVOERDERS[Uitvoerder.CJIB].oin}"
    assert dlq.headers[dl.HEADER_CONSUMER] == "connector-cjib"
    assert len(opstelling.antwoorden) == 1
    assert len(opstelling.backoffice.verzoeken) == 1


async def test_an_instruction_for_another_agency_is_dead_lettered_not_delivered():
    opstelling = Opstelling(Backoffice())
    verkeerd = instructie("duo", [BSN], opstelling.sleutel.public_key())
    async with TestKafkaBroker(opstelling.broker) as broker:
        await broker.publish(verkeerd.to_bytes(), TOPIC)
    assert opstelling.backoffice.verzoeken == []
    assert opstelling.dead_letters[0].headers[dl.HEADER_REASON_CODE] == "andere-uitvoerder"
    assert opstelling.antwoorden == []


async def test_a_transient_failure_is_retried_with_backoff():
    backoffice = Backoffice(script=[httpx.Response(503), httpx.ConnectError("down")])
    opstelling = Opstelling(backoffice)
    async with TestKafkaBroker(opstelling.broker) as broker:
        await broker.publish(opstelling.instructie().to_bytes(), TOPIC)
    assert len(backoffice.verzoeken) == 3
    assert opstelling.wachttijden == [0.5, 1.0]
    assert isinstance(parse_event(opstelling.antwoorden[0].value).data, OpschortingBevestigd)


async def test_a_back_office_that_stays_down_hands_the_record_back_for_redelivery():
    # 3 attempts, then 3 probes while it waits 4 s (one a second) before handing it back
    backoffice = Backoffice(script=[httpx.Response(503)] * 6)
    opstelling = Opstelling(backoffice, pogingen=3)
    afgehandeld: list[Any] = []

    class Afhandeling(BaseMiddleware):
        async def consume_scope(self, call_next, msg):
            try:
                return await call_next(msg)
            finally:
                if records_of(msg)[0].topic == TOPIC:
                    afgehandeld.append(msg.committed)

    opstelling.broker.add_middleware(Afhandeling)
    async with TestKafkaBroker(opstelling.broker) as broker:
        await broker.publish(opstelling.instructie().to_bytes(), TOPIC)
    assert afgehandeld == [AckStatus.NACKED]  # not committed: the consumer seeks back to it
    assert len(backoffice.verzoeken) == 6
    assert opstelling.wachttijden == [0.5, 1.0, 1.0, 1.0, 1.0, 1.0]
    (melding,) = [parse_event(a.value).data for a in opstelling.antwoorden]
    assert isinstance(melding, AfleveringMislukt)  # the loket sees it at once; still retrying
    assert (melding.redencode, melding.definitief, melding.pogingen) == (
        AfleveringReden.BACKOFFICE_ONBEREIKBAAR,
        False,
        3,
    )
    assert opstelling.dead_letters == []


async def test_a_business_refusal_is_answered_as_geweigerd():
    weigering = httpx.Response(
        422,
        json={
            "code": "ALLE_ZAKEN_IN_BEROEP",
            "melding": "Alle zaken zijn in beroep",
            "zaken": [
                {
                    "zaaknummer": "WAHV-2025-000132",
                    "status": "NIET_OPGESCHORT",
                    "reden": "IN_BEROEP",
                }
            ],
        },
    )
    opstelling = Opstelling(Backoffice(script=[weigering]))
    async with TestKafkaBroker(opstelling.broker) as broker:
        await broker.publish(opstelling.instructie().to_bytes(), TOPIC)
    data = parse_event(opstelling.antwoorden[0].value).data
    assert isinstance(data, OpschortingGeweigerd)
    assert data.redencode is Redencode.BEZWAAR_OF_BEROEP


async def test_headers_that_are_not_utf8_do_not_stop_the_consumer():
    opstelling = Opstelling(Backoffice())
    event = opstelling.instructie()
    async with TestKafkaBroker(opstelling.broker) as broker:
        subscriber = next(s for s in broker.subscribers if TOPIC in getattr(s, "topic_names", []))
        from aiokafka import ConsumerRecord

        record = ConsumerRecord(
            topic=TOPIC,
            partition=0,
            offset=7,
            timestamp=0,
            timestamp_type=0,
            key=None,
            value=event.to_bytes(),
            checksum=None,
            serialized_key_size=0,
            serialized_value_size=0,
            headers=(("x-bin", b"\xff\xfe"),),
        )
        await subscriber.process_message((record,))  # a batch subscriber: a batch of one
    assert len(opstelling.antwoorden) == 1


async def test_no_bsn_in_any_log_line(capsys, caplog):
    caplog.set_level("DEBUG")
    backoffice = Backoffice(script=[httpx.Response(503)] * 2)
    opstelling = Opstelling(backoffice, pogingen=2)
    vreemd = instructie("cjib", [BSN], sleutel().public_key())
    async with TestKafkaBroker(opstelling.broker) as broker:
        await broker.publish(opstelling.instructie().to_bytes(), TOPIC)  # handed back
        await broker.publish(vreemd.to_bytes(), TOPIC)
        await broker.publish(opstelling.instructie().to_bytes(), TOPIC)
    uitvoer = capsys.readouterr()
    alles = uitvoer.out + uitvoer.err + caplog.text
    assert "back-office unavailable" in alles
    assert "instruction dead-lettered" in alles
    assert "instruction answered" in alles
    assert BSN not in alles


def test_dead_letter_headers_follow_the_contract():
    from schemas import topics

    contract = getattr(topics, "DEAD_LETTER_HEADERS", None)
    if contract is None:
        pytest.skip("the contract names no dead-letter headers yet")
    ons = {
        dl.HEADER_REASON,
        dl.HEADER_ORIGIN_TOPIC,
        dl.HEADER_ORIGIN_PARTITION,
        dl.HEADER_ORIGIN_OFFSET,
        dl.HEADER_FAILED_BY,
    }
    assert ons <= set(contract)


async def test_a_bug_in_a_translation_parks_the_message_without_quoting_it():
    def kapot(opdracht, antwoord):
        raise KeyError(opdracht.bsns[0])

    order = OpschortingInstructie.event_type
    vertaling = dataclasses.replace(KOPPELING.vertalingen[order], lees_antwoord=kapot)
    koppeling = dataclasses.replace(
        KOPPELING, vertalingen={**KOPPELING.vertalingen, order: vertaling}
    )
    opstelling = Opstelling(Backoffice(), koppeling=koppeling)
    async with TestKafkaBroker(opstelling.broker) as broker:
        await broker.publish(opstelling.instructie().to_bytes(), TOPIC)
    (dlq,) = opstelling.dead_letters
    assert dlq.headers[dl.HEADER_REASON_CODE] == "verwerkingsfout"
    assert "KeyError" in dlq.headers[dl.HEADER_REASON]
    assert BSN not in str(dlq.headers)
    (melding,) = [parse_event(a.value).data for a in opstelling.antwoorden]
    assert isinstance(melding, AfleveringMislukt)
    assert (melding.redencode, melding.definitief) == (AfleveringReden.ONVERWERKBAAR, True)
