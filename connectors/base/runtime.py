"""The connector runtime shared by all agencies and instruments: consume, deliver, answer.

Per record on one of the agency's own topics that carry a type it has a translation for (today
``maatwerk.opschorting.instructie.<agency>.v1``; consumer group ``connector-<agency>``, ack policy
NACK_ON_ERROR, so the offset is committed only after the work):

1. read the raw bytes: a valid CloudEvent of a type the agency has a translation for (else
   ``niet-ondersteund`` when the topic carries the type, ``onverwacht-type`` when it does not), an
   instruction addressed to this agency whose BSNs its key opens (an
   :class:`~connectors.base.opdracht.Opdracht`); a message that can never be processed goes to the
   dead-letter topic with the reason and its origin in headers, and is acked so the consumer
   keeps going;
2. run the type's :class:`~connectors.base.vertaling.Vertaling`: its optional look-up step, then
   its request, delivered with the instruction's event id as idempotency key (in the body the
   translation builds), retrying transient failures with bounded exponential backoff; when the
   back-office stays away the handler raises, the message is nacked (the consumer seeks back) and
   redelivered;
3. publish the contract answer the translation builds, as a CloudEvent whose id is derived from
   the instruction id (a redelivered instruction yields the same answer id, which the hub ignores
   as a duplicate), on the topic the catalogue gives for the answer's type;
4. return, so the offset is committed.

No BSN is ever logged: logs carry topic, partition, offset, event id, casus id and references.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol, TypeVar, cast
from urllib.parse import urlencode

import structlog
from aiokafka import ConsumerRecord
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from faststream.message import StreamMessage
from faststream.security import BaseSecurity

from connectors.base.backoffice import (
    BackofficeAntwoord,
    BackofficeClient,
    BackofficeOnbereikbaar,
    HttpVerzoek,
)
from connectors.base.koppeling import Koppeling
from connectors.base.opdracht import (
    DeadLetterReden,
    Onverwerkbaar,
    Opdracht,
    lees_event,
    open_opdracht,
)
from connectors.base.telemetry import broker_middleware
from connectors.base.vertaling import Opzoeking, Vertaling
from schemas import CONTENT_TYPE, EventData, make_event
from schemas.deadletter import Origin, dead_letter_headers, header_text, mask_bsn_like
from schemas.identiteit import KafkaTls
from schemas.logs import BROKER_LOGGER
from schemas.topics import DEAD_LETTER, catalogue, principal, topics_for_type

log = structlog.get_logger("connectors")

T = TypeVar("T")

ANTWOORD_NAMESPACE = uuid.UUID("5b0f7c43-3d1e-5a8e-9a57-6d0a8f7e2c11")
"""uuid5 namespace: answer event id = uuid5(ANTWOORD_NAMESPACE, instruction event id)."""


def antwoord_event_id(instructie_id: str) -> str:
    """The answer's event id, derived from the instruction's: stable across redeliveries."""
    return str(uuid.uuid5(ANTWOORD_NAMESPACE, instructie_id))


@dataclass(frozen=True)
class Herhaalbeleid:
    """Bounded exponential backoff for transient back-office failures."""

    pogingen: int = 4
    eerste_wachttijd: float = 0.5
    max_wachttijd: float = 8.0

    def wachttijd(self, poging: int) -> float:
        """Wait after failed attempt ``poging`` (1-based)."""
        return float(min(self.eerste_wachttijd * 2 ** (poging - 1), self.max_wachttijd))


class Publiceer(Protocol):
    async def __call__(
        self, body: bytes, *, topic: str, key: bytes | None, headers: dict[str, str]
    ) -> None: ...


class InstructieVerwerker:
    """Processes one instruction record end to end (see the module docstring)."""

    def __init__(
        self,
        *,
        koppeling: Koppeling,
        client: BackofficeClient,
        sleutel: X25519PrivateKey,
        publiceer: Publiceer,
        herhaalbeleid: Herhaalbeleid | None = None,
        klok: Callable[[], datetime] = lambda: datetime.now(UTC),
        slaap: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.koppeling = koppeling
        self._client = client
        self._sleutel = sleutel
        self._publiceer = publiceer
        self._beleid = herhaalbeleid or Herhaalbeleid()
        self._klok = klok
        self._slaap = slaap
        self._catalogus = {t.name: t for t in catalogue()}

    async def verwerk(self, record: ConsumerRecord[Any, Any]) -> None:
        raw = record.value if isinstance(record.value, bytes) else b""
        try:
            event = lees_event(raw)
            vertaling = self._vertaling(event.type, record.topic)
            opdracht = open_opdracht(
                event, uitvoerder=self.koppeling.uitvoerder, sleutel=self._sleutel
            )
            ids = {
                "topic": record.topic,
                "partition": record.partition,
                "offset": record.offset,
                "event_id": opdracht.instructie_id,
                "event_type": event.type,
                "casus_id": opdracht.casus_id,
            }
            nu = self._klok()
            antwoord = await self._vertaal(vertaling, opdracht, nu, ids)
            topic = self._antwoordtopic(antwoord)
        except Onverwerkbaar as exc:
            await self._dead_letter(record, exc)
            return
        await self._beantwoord(opdracht, antwoord, topic=topic, nu=nu)
        log.info(
            "instruction answered",
            **ids,
            answer=antwoord.event_type,
            referentie=getattr(antwoord, "referentie", None),
        )

    def _vertaling(self, event_type: str, topic: str) -> Vertaling[Any, Any]:
        """The translation for ``event_type``, or why there is none."""
        vertaling = self.koppeling.vertalingen.get(event_type)
        if vertaling is not None:
            return vertaling
        bron = self._catalogus.get(topic)
        if bron is not None and event_type in bron.message_types:
            raise Onverwerkbaar(
                DeadLetterReden.NIET_ONDERSTEUND,
                f"type {event_type} is not handled by {self.koppeling.naam}",
            )
        raise Onverwerkbaar(
            DeadLetterReden.ONVERWACHT_TYPE, f"type {event_type} does not belong on {topic}"
        )

    async def _vertaal(
        self,
        vertaling: Vertaling[Any, Any],
        opdracht: Opdracht[EventData],
        nu: datetime,
        ids: Mapping[str, Any],
    ) -> EventData:
        """Look up (if the translation asks), send, read, answer; pure steps run ``_veilig``."""
        if vertaling.opzoeking is not None:
            gevonden = await self._zoek(vertaling.opzoeking, opdracht, ids)
            if not isinstance(gevonden, str):  # the look-up answered the instruction itself
                return _veilig(vertaling.maak_antwoord, opdracht, gevonden, nu)
            opdracht = dataclasses.replace(opdracht, referentie=gevonden)
        verzoek = _veilig(vertaling.naar_verzoek, opdracht)
        if not isinstance(verzoek, HttpVerzoek):  # the translation answered without a request
            return _veilig(vertaling.maak_antwoord, opdracht, verzoek, nu)
        bo_antwoord = await self._stuur(verzoek, opdracht, ids)
        uitkomst = _veilig(vertaling.lees_antwoord, opdracht, bo_antwoord)
        return _veilig(vertaling.maak_antwoord, opdracht, uitkomst, nu)

    async def _zoek(
        self, opzoeking: Opzoeking[Any, Any], opdracht: Opdracht[EventData], ids: Mapping[str, Any]
    ) -> object:
        """The agency's reference: known from the instruction, or looked up (or an outcome)."""
        bekend = _veilig(opzoeking.bekend, opdracht)
        if bekend is not None:
            return bekend
        zoekvraag = _veilig(opzoeking.zoek, opdracht)
        gevonden = _veilig(opzoeking.lees, opdracht, await self._stuur(zoekvraag, opdracht, ids))
        if isinstance(gevonden, str):
            log.info("reference looked up", **ids, referentie=gevonden)
        return gevonden

    async def _stuur(
        self, verzoek: HttpVerzoek, opdracht: Opdracht[EventData], ids: Mapping[str, Any]
    ) -> BackofficeAntwoord:
        url = verzoek.pad + "?" + urlencode(dict(verzoek.query))
        if any(bsn in url for bsn in opdracht.bsns):
            # A translation bug; the detail says where, not what.
            raise Onverwerkbaar(
                DeadLetterReden.VERWERKINGSFOUT, "the request URL would hold a BSN: not sent"
            )
        client = self._client
        return await self._lever_af(lambda: client.stuur(verzoek), ids)

    async def _lever_af(
        self, stuur: Callable[[], Awaitable[BackofficeAntwoord]], ids: Mapping[str, Any]
    ) -> BackofficeAntwoord:
        beleid = self._beleid
        for poging in range(1, beleid.pogingen + 1):
            try:
                return await stuur()
            except BackofficeOnbereikbaar as exc:
                laatste = poging == beleid.pogingen
                log.warning(
                    "back-office unavailable",
                    **ids,
                    attempt=poging,
                    of=beleid.pogingen,
                    error=str(exc),
                    redelivery=laatste,
                )
                if laatste:
                    # Bound the redelivery rate too: wait before handing the message back.
                    await self._slaap(beleid.max_wachttijd)
                    raise
                await self._slaap(beleid.wachttijd(poging))
        raise AssertionError("unreachable")  # pragma: no cover

    def _antwoordtopic(self, antwoord: EventData) -> str:
        """The one topic the catalogue gives for the answer's type that this agency writes."""
        code = self.koppeling.uitvoerder.value
        topics = [t for t in topics_for_type(antwoord.event_type) if code in t.producers]
        if len(topics) != 1:
            raise Onverwerkbaar(
                DeadLetterReden.VERWERKINGSFOUT,
                f"no single topic for answer type {antwoord.event_type}",
            )
        return topics[0].name

    async def _beantwoord(
        self, opdracht: Opdracht[EventData], antwoord: EventData, *, topic: str, nu: datetime
    ) -> None:
        event = make_event(
            antwoord,
            source=self.koppeling.organisatie.source,
            subject=opdracht.casus_id,
            event_id=antwoord_event_id(opdracht.instructie_id),
            time=nu,
        )
        await self._publiceer(
            event.to_bytes(),
            topic=topic,
            key=opdracht.casus_id.encode(),
            headers={"content-type": CONTENT_TYPE},
        )

    async def _dead_letter(self, record: ConsumerRecord[Any, Any], fout: Onverwerkbaar) -> None:
        """Park the original record (key, value, headers) with why and where it came from."""
        code = self.koppeling.uitvoerder.value
        headers = dead_letter_headers(
            origin=Origin(
                topic=record.topic,
                partition=record.partition,
                offset=record.offset,
                consumer=self.koppeling.naam,
                principal=principal(code),
            ),
            reason_code=fout.reden.value,
            detail=fout.detail,
            at=self._klok(),
            original=record.headers or (),
        )
        value = record.value if isinstance(record.value, bytes) else b""
        key = record.key if isinstance(record.key, bytes) else None
        await self._publiceer(value, topic=DEAD_LETTER.name, key=key, headers=headers)
        log.error(
            "instruction dead-lettered",
            topic=record.topic,
            partition=record.partition,
            offset=record.offset,
            reason=fout.reden.value,
            detail=mask_bsn_like(fout.detail),
        )


def _veilig(functie: Callable[..., T], *args: Any) -> T:
    """Run a pure translation step; a bug in it parks the message instead of blocking the topic.

    Only the exception's type is kept: its message might quote a BSN.
    """
    try:
        return functie(*args)
    except Onverwerkbaar:
        raise
    except Exception as exc:
        naam = getattr(functie, "__name__", "translation")
        raise Onverwerkbaar(
            DeadLetterReden.VERWERKINGSFOUT, f"{naam} failed: {type(exc).__name__}"
        ) from None


async def _leesbare_headers(
    record: ConsumerRecord[Any, Any],
    standaard: Callable[[ConsumerRecord[Any, Any]], Awaitable[StreamMessage[Any]]],
) -> StreamMessage[Any]:
    """FastStream parser: header values that are not UTF-8 must not stop the consumer."""
    schoon = tuple((naam, header_text(waarde).encode()) for naam, waarde in record.headers or ())
    return await standaard(dataclasses.replace(record, headers=schoon))


async def _ruwe_body(message: StreamMessage[Any]) -> bytes:
    """FastStream decoder: hand the handler the raw bytes, whatever the content-type says."""
    return bytes(message.body)


def bouw_broker(
    *,
    koppeling: Koppeling,
    client: BackofficeClient,
    sleutel: X25519PrivateKey,
    bootstrap_servers: str,
    tls: KafkaTls | None = None,
    herhaalbeleid: Herhaalbeleid | None = None,
    group_id: str | None = None,
    klok: Callable[[], datetime] = lambda: datetime.now(UTC),
    slaap: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> KafkaBroker:
    """A broker with the connector's subscriber on its topics wired in; connect it with
    ``start()``. With ``tls`` it connects as the agency (its certificate, its OIN): the broker
    then lets it read only its own instruction topics and write only its own answer topics."""
    broker = KafkaBroker(
        bootstrap_servers,
        security=None if tls is None else BaseSecurity(ssl_context=tls.context()),
        client_id=koppeling.naam,
        allow_auto_create_topics=False,
        acks="all",
        enable_idempotence=True,
        middlewares=[broker_middleware()],  # traceparent in, and on to the answer
        logger=logging.getLogger(BROKER_LOGGER),  # JSON lines like the rest
    )

    async def publiceer(
        body: bytes, *, topic: str, key: bytes | None, headers: dict[str, str]
    ) -> None:
        await broker.publish(body, topic, key=key, headers=headers)

    verwerker = InstructieVerwerker(
        koppeling=koppeling,
        client=client,
        sleutel=sleutel,
        publiceer=publiceer,
        herhaalbeleid=herhaalbeleid,
        klok=klok,
        slaap=slaap,
    )
    topics = [t.name for t in koppeling.topics]

    @broker.subscriber(
        *topics,
        group_id=group_id or koppeling.naam,
        auto_offset_reset="earliest",
        ack_policy=AckPolicy.NACK_ON_ERROR,
        parser=_leesbare_headers,
        decoder=_ruwe_body,
        title=f"{koppeling.naam}:instructies",
        description=f"Instructions for {koppeling.organisatie.naam}: {', '.join(topics)}.",
    )
    async def instructie_ontvangen(body: bytes, message: KafkaMessage) -> None:
        # A single-record subscriber: the raw message is one ConsumerRecord.
        await verwerker.verwerk(cast("ConsumerRecord[Any, Any]", message.raw_message))

    return broker
