"""The connector runtime shared by all agencies: consume instructions, deliver, answer.

Per message on ``maatwerk.opschorting.instructie.<agency>.v1`` (consumer group
``connector-<agency>``, ack policy NACK_ON_ERROR, so the offset is committed only after the work):

1. read the raw bytes into an :class:`~connectors.base.opdracht.Opdracht` (the order), a
   :class:`~connectors.base.opdracht.Verlengingsopdracht` or an
   :class:`~connectors.base.opdracht.Opheffingsopdracht` (parse, check, open BSNs); a message that
   can never be processed goes to the dead-letter topic with the reason and its origin in headers,
   and is acked so the consumer keeps going;
2. translate and deliver it to the back-office with the instruction's event id as idempotency key,
   retrying transient failures with bounded exponential backoff; when the back-office stays away
   the handler raises, the message is nacked (the consumer seeks back) and redelivered. A change
   (extension, lifting) goes to the suspension under the agency's reference: from the instruction
   when the hub sends it, else looked up at the back-office by the original instruction's id
   (which was the original request's idempotency key), so the connector keeps no state;
3. publish the contract answer as a CloudEvent whose id is derived from the instruction id (a
   redelivered instruction yields the same answer id, which the hub ignores as a duplicate);
4. return, so the offset is committed.

No BSN is ever logged: logs carry topic, partition, offset, event id, casus id and references.
"""

from __future__ import annotations

import asyncio
import dataclasses
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

from connectors.base.antwoord import Uitkomst, maak_antwoord
from connectors.base.backoffice import (
    BackofficeAntwoord,
    BackofficeClient,
    BackofficeOnbereikbaar,
    HttpVerzoek,
)
from connectors.base.koppeling import Koppeling
from connectors.base.opdracht import (
    DeadLetterReden,
    ElkeOpdracht,
    Onverwerkbaar,
    Opdracht,
    Verlengingsopdracht,
    Wijzigingsopdracht,
    lees_instructie,
)
from schemas import CONTENT_TYPE, make_event
from schemas.opschorting import Antwoord
from schemas.topics import DEAD_LETTER, OPSCHORTING_ANTWOORD, instructie_topic, principal

log = structlog.get_logger("connectors")

T = TypeVar("T")

ANTWOORD_NAMESPACE = uuid.UUID("5b0f7c43-3d1e-5a8e-9a57-6d0a8f7e2c11")
"""uuid5 namespace: answer event id = uuid5(ANTWOORD_NAMESPACE, instruction event id)."""

MAX_HEADER_DETAIL = 1000


class DeadLetterHeader:
    """Header names on ``maatwerk.deadletter.v1`` (``schemas.topics.DEAD_LETTER_HEADERS``), plus
    a few of the connector's own (``dlq-reason-code``, ``dlq-consumer``, ``dlq-time``)."""

    REDEN = "dlq-reason"
    """``<code>: <detail>``; never a BSN."""
    TOPIC = "dlq-origin-topic"
    PARTITIE = "dlq-origin-partition"
    OFFSET = "dlq-origin-offset"
    GEFAALD_DOOR = "dlq-failed-by"
    """Kafka principal of the connector (``User:<agency>``)."""
    REDENCODE = "dlq-reason-code"
    """The :class:`~connectors.base.opdracht.DeadLetterReden` value alone, for filtering."""
    CONSUMER = "dlq-consumer"
    """The connector's name, ``connector-<agency>`` (as the hub names itself ``hub``)."""
    TIJD = "dlq-time"


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

    async def verwerk(self, record: ConsumerRecord[Any, Any]) -> None:
        raw = record.value if isinstance(record.value, bytes) else b""
        try:
            opdracht = lees_instructie(
                raw, uitvoerder=self.koppeling.uitvoerder, sleutel=self._sleutel
            )
            ids = {
                "topic": record.topic,
                "partition": record.partition,
                "offset": record.offset,
                "event_id": opdracht.instructie_id,
                "event_type": opdracht.instructie.event_type,
                "casus_id": opdracht.instructie.casus_id,
            }
            if isinstance(opdracht, Opdracht):
                antwoord = await self._opdracht(opdracht, ids)
            else:
                antwoord = await self._wijziging(opdracht, ids)
        except Onverwerkbaar as exc:
            await self._dead_letter(record, exc)
            return
        await self._beantwoord(opdracht, antwoord)
        log.info(
            "instruction answered",
            **ids,
            answer=antwoord.event_type,
            referentie=getattr(antwoord, "referentie", None),
        )

    async def _opdracht(self, opdracht: Opdracht, ids: Mapping[str, Any]) -> Antwoord:
        """The order: the agency's request to its fixed endpoint."""
        verzoek = _veilig(self.koppeling.naar_verzoek, opdracht)
        if not isinstance(verzoek, Mapping):  # the translation answered without a request
            return maak_antwoord(opdracht, verzoek, beantwoord_op=self._klok())
        client = self._client
        bo_antwoord = await self._lever_af(lambda: client.verstuur(verzoek), ids)
        return _veilig(self.koppeling.naar_antwoord, opdracht, bo_antwoord, self._klok())

    async def _wijziging(self, opdracht: Wijzigingsopdracht, ids: Mapping[str, Any]) -> Antwoord:
        """An extension or lifting: find the suspension's reference, then change it."""
        vertaling = self.koppeling.wijzigingen
        if vertaling is None:
            raise Onverwerkbaar(
                DeadLetterReden.NIET_ONDERSTEUND,
                f"type {opdracht.instructie.event_type} is not handled by {self.koppeling.naam}",
            )
        referentie = opdracht.instructie.referentie
        if referentie is None:
            zoekvraag = _veilig(vertaling.zoek_opschorting, opdracht.instructie.instructie_id)
            gevonden = _veilig(
                vertaling.lees_opschorting, await self._stuur(zoekvraag, opdracht, ids)
            )
            if not isinstance(gevonden, str):  # nothing registered for the original instruction
                return maak_antwoord(opdracht, gevonden, beantwoord_op=self._klok())
            referentie = gevonden
            log.info("suspension looked up", **ids, referentie=referentie)
        verzoek: HttpVerzoek | Uitkomst
        if isinstance(opdracht, Verlengingsopdracht):
            verzoek = _veilig(vertaling.naar_verlenging, opdracht, referentie)
        else:
            verzoek = _veilig(vertaling.naar_opheffing, opdracht, referentie)
        if not isinstance(verzoek, HttpVerzoek):
            return maak_antwoord(opdracht, verzoek, beantwoord_op=self._klok())
        bo_antwoord = await self._stuur(verzoek, opdracht, ids)
        return _veilig(vertaling.naar_antwoord, opdracht, referentie, bo_antwoord, self._klok())

    async def _stuur(
        self, verzoek: HttpVerzoek, opdracht: ElkeOpdracht, ids: Mapping[str, Any]
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

    async def _beantwoord(self, opdracht: ElkeOpdracht, antwoord: Antwoord) -> None:
        event = make_event(
            antwoord,
            source=self.koppeling.organisatie.source,
            subject=opdracht.instructie.casus_id,
            event_id=antwoord_event_id(opdracht.instructie_id),
            time=antwoord.beantwoord_op,
        )
        await self._publiceer(
            event.to_bytes(),
            topic=OPSCHORTING_ANTWOORD.name,
            key=opdracht.instructie.casus_id.encode(),
            headers={"content-type": CONTENT_TYPE},
        )

    async def _dead_letter(self, record: ConsumerRecord[Any, Any], fout: Onverwerkbaar) -> None:
        """Park the original record (key, value, headers) with why and where it came from."""
        headers = {
            **dict(_headers(record)),
            DeadLetterHeader.REDEN: f"{fout.reden.value}: {fout.detail}"[:MAX_HEADER_DETAIL],
            DeadLetterHeader.TOPIC: record.topic,
            DeadLetterHeader.PARTITIE: str(record.partition),
            DeadLetterHeader.OFFSET: str(record.offset),
            DeadLetterHeader.GEFAALD_DOOR: principal(self.koppeling.uitvoerder.value),
            DeadLetterHeader.REDENCODE: fout.reden.value,
            DeadLetterHeader.CONSUMER: self.koppeling.naam,
            DeadLetterHeader.TIJD: self._klok().isoformat(),
        }
        value = record.value if isinstance(record.value, bytes) else b""
        key = record.key if isinstance(record.key, bytes) else None
        await self._publiceer(value, topic=DEAD_LETTER.name, key=key, headers=headers)
        log.error(
            "instruction dead-lettered",
            topic=record.topic,
            partition=record.partition,
            offset=record.offset,
            reason=fout.reden.value,
            detail=fout.detail,
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


def _headers(record: ConsumerRecord[Any, Any]) -> list[tuple[str, str]]:
    paren: list[tuple[str, str]] = []
    for naam, waarde in record.headers or ():
        tekst = waarde.decode("utf-8", "replace") if isinstance(waarde, bytes) else str(waarde)
        paren.append((naam, tekst))
    return paren


async def _leesbare_headers(
    record: ConsumerRecord[Any, Any],
    standaard: Callable[[ConsumerRecord[Any, Any]], Awaitable[StreamMessage[Any]]],
) -> StreamMessage[Any]:
    """FastStream parser: header values that are not UTF-8 must not stop the consumer."""
    schoon = tuple((n, t.encode()) for n, t in _headers(record))
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
    herhaalbeleid: Herhaalbeleid | None = None,
    group_id: str | None = None,
    klok: Callable[[], datetime] = lambda: datetime.now(UTC),
    slaap: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> KafkaBroker:
    """A broker with the connector's one subscriber wired in; connect it with ``start()``."""
    broker = KafkaBroker(
        bootstrap_servers,
        client_id=koppeling.naam,
        allow_auto_create_topics=False,
        acks="all",
        enable_idempotence=True,
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
    topic = instructie_topic(koppeling.uitvoerder)

    @broker.subscriber(
        topic.name,
        group_id=group_id or koppeling.naam,
        auto_offset_reset="earliest",
        ack_policy=AckPolicy.NACK_ON_ERROR,
        parser=_leesbare_headers,
        decoder=_ruwe_body,
        title=f"{koppeling.naam}:instructies",
        description=f"Time-out instructions for {koppeling.organisatie.naam}.",
    )
    async def instructie_ontvangen(body: bytes, message: KafkaMessage) -> None:
        # A single-record subscriber: the raw message is one ConsumerRecord.
        await verwerker.verwerk(cast("ConsumerRecord[Any, Any]", message.raw_message))

    return broker
