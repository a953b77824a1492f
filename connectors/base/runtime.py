"""The connector runtime shared by all agencies and instruments: consume, deliver, answer.

Per record on one of the agency's own topics that carry a type it has a translation for (today
``maatwerk.opschorting.instructie.<agency>.v1`` and ``maatwerk.informatie.verzoek.<agency>.v1``;
consumer group ``connector-<agency>``, ack policy NACK_ON_ERROR, so the offset is committed only
after the work):

1. read the raw bytes, whatever they are (not JSON, not UTF-8, nested without end, a MiB
   long): a valid CloudEvent of a type the agency has a translation for (else
   ``niet-ondersteund`` when the topic carries the type, ``onverwacht-type`` when it does not), an
   instruction addressed to this agency whose BSNs its key opens (an
   :class:`~connectors.base.opdracht.Opdracht`); a message that can never be processed goes to the
   agency's own dead-letter topic with the reason and its origin in headers (a copy that always
   fits), and is acked so the consumer keeps going;
2. run the type's :class:`~connectors.base.vertaling.Vertaling`: its optional look-up step, then
   its request, delivered with the instruction's event id as idempotency key (in the body the
   translation builds), with exponential backoff:

   - back-office away (no connection, time-out, 429, 502, 503, 504): ``pogingen`` attempts, then
     the handler raises, the message is nacked (the consumer seeks back) and redelivered, for as
     long as it takes: never dead-lettered. After the first such round the hub gets one
     ``AfleveringMislukt`` (``backoffice-onbereikbaar``, not final), so the loket sees it at once;
   - a server error on this instruction (500, 501, ...): ``fout_pogingen`` attempts in all,
     counted across redeliveries, then ``backoffice-fout``;
   - a client error the translation does not read as an answer: ``backoffice-afgewezen`` at once;

   every dead letter of an instruction for this agency is reported to the hub as a final
   ``AfleveringMislukt`` (:mod:`connectors.base.aflevering`);
3. publish the contract answer the translation builds, as a CloudEvent whose id is derived from
   the instruction id (a redelivered instruction yields the same answer id, which the hub ignores
   as a duplicate), on the topic the catalogue gives for the answer's type; an answer over 64 KB
   loses its per-claim detail, or is dead-lettered (``antwoord-te-groot``) if it still does not
   fit (:mod:`connectors.base.omvang`);
4. return, so the offset is committed. A publish that fails (broker away) raises: the record is
   redelivered, nothing is lost, and the next publish goes through a fresh producer (a batch
   that failed after it got its sequence number would otherwise block its partition for good,
   see :mod:`schemas.producer`). Any other failure (a bug) is bounded like a server error, then
   dead-lettered ``verwerkingsfout``.

Warnings about a record that keeps failing are rate-limited per record
(:class:`schemas.logs.LogThrottle`).
No BSN is ever logged: logs carry topic, partition, offset, event id, casus id and references.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import uuid
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar
from urllib.parse import urlencode

import structlog
from aiokafka import ConsumerRebalanceListener, ConsumerRecord
from aiokafka.errors import KafkaError
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from faststream import AckPolicy
from faststream.kafka import KafkaBroker, Topic
from faststream.message import StreamMessage
from faststream.security import BaseSecurity

from connectors.base.aflevering import Melder, Publiceer
from connectors.base.backoffice import (
    Backoffice,
    BackofficeAntwoord,
    BackofficeFout,
    BackofficeOnbereikbaar,
    HttpVerzoek,
)
from connectors.base.bereikbaarheid import Bereikbaarheid
from connectors.base.gelijktijdig import (
    BATCH_RECORDS,
    MAX_GELIJKTIJDIG,
    records_of,
    terug_naar_onaf,
    verwerk_gelijktijdig,
    verwerkt,
)
from connectors.base.koppeling import Koppeling
from connectors.base.omvang import MAX_ANTWOORD, past, zonder_detail
from connectors.base.opdracht import (
    DeadLetterReden,
    Onverwerkbaar,
    Opdracht,
    lees_event,
    open_opdracht,
)
from connectors.base.telemetry import broker_middleware
from connectors.base.vertaling import Opzoeking, Vertaling
from schemas import CONTENT_TYPE, CloudEvent, EventData, make_event
from schemas.backoff import Backoff
from schemas.batch_subscriber import handled_message, waits_for_records
from schemas.deadletter import Origin, dead_letter_copy, header_text, mask_bsn_like
from schemas.identiteit import KafkaTls
from schemas.logs import BROKER_LOGGER, LogThrottle
from schemas.producer import VerseProducer
from schemas.topics import catalogue, dead_letter_topic, principal, topics_for_type

log = structlog.get_logger("connectors")

T = TypeVar("T")

ANTWOORD_NAMESPACE = uuid.UUID("5b0f7c43-3d1e-5a8e-9a57-6d0a8f7e2c11")
"""uuid5 namespace: answer event id = uuid5(ANTWOORD_NAMESPACE, instruction event id)."""


def antwoord_event_id(instructie_id: str) -> str:
    """The answer's event id, derived from the instruction's: stable across redeliveries."""
    return str(uuid.uuid5(ANTWOORD_NAMESPACE, instructie_id))


@dataclass(frozen=True)
class Herhaalbeleid:
    """Bounded exponential backoff for back-office failures.

    ``pogingen`` attempts per round while the back-office is away, after which the record is
    handed back for redelivery (rounds go on for as long as it takes: never dead-lettered);
    ``fout_pogingen`` attempts in all (counted across redeliveries) while it answers a server
    error to the instruction, after which the instruction is dead-lettered.
    """

    pogingen: int = 4
    eerste_wachttijd: float = 0.5
    max_wachttijd: float = 8.0
    fout_pogingen: int = 5
    peiling: float = 1.0
    """While instructions wait for a back-office that is away, one of them asks it again at
    least this often (seconds): its return is noticed within one interval, and every waiting
    instruction tries again at once (:mod:`connectors.base.bereikbaarheid`)."""

    def wachttijd(self, poging: int) -> float:
        """Wait after failed attempt ``poging`` (1-based)."""
        return Backoff(self.eerste_wachttijd, self.max_wachttijd).delay(poging)


Positie = tuple[str, int, int]
"""Where a record was read: topic, partition, offset."""

MAX_ONTHOUDEN = 10_000
"""Most records and instructions the in-memory counters keep (the oldest go first)."""


@dataclass(frozen=True)
class _Werk:
    """The record in hand: where it came from, what to log, the instruction once opened."""

    positie: Positie
    ids: Mapping[str, Any]
    opdracht: Opdracht[EventData]
    instructie_type: str


class InstructieVerwerker:
    """Processes one instruction record end to end (see the module docstring)."""

    def __init__(
        self,
        *,
        koppeling: Koppeling,
        client: Backoffice,
        sleutel: X25519PrivateKey,
        publiceer: Publiceer,
        herhaalbeleid: Herhaalbeleid | None = None,
        klok: Callable[[], datetime] = lambda: datetime.now(UTC),
        slaap: Callable[[float], Awaitable[None]] = asyncio.sleep,
        log_throttle: LogThrottle | None = None,
    ) -> None:
        self.koppeling = koppeling
        self._client = client
        self._sleutel = sleutel
        self._publiceer = publiceer
        self._beleid = herhaalbeleid or Herhaalbeleid()
        self._klok = klok
        self._slaap = slaap
        self._catalogus = {t.name: t for t in catalogue()}
        self._log_throttle = log_throttle or LogThrottle(30.0)
        self._fouten: OrderedDict[Positie, int] = OrderedDict()
        """Server errors per record so far, across redeliveries."""
        self._melder = Melder(koppeling=koppeling, publiceer=publiceer, klok=klok)
        self._onverwachte: OrderedDict[Positie, int] = OrderedDict()
        """Unexpected failures per record so far, across redeliveries."""
        self._bereikbaarheid: dict[str | None, Bereikbaarheid] = {}
        """Per back-office (``HttpVerzoek.bestemming``): whether it answers again."""

    async def verwerk(self, record: ConsumerRecord[Any, Any]) -> None:
        """Process one record: answered, or dead-lettered, or (a failure that passes) raised
        for redelivery. Anything else that goes wrong is bounded too: ``fout_pogingen`` times,
        then the record is dead-lettered ``verwerkingsfout``."""
        positie: Positie = (record.topic, record.partition, record.offset)
        try:
            await self._verwerk(record, positie)
        except TIJDELIJK:
            raise
        except Exception as exc:
            await self._onverwacht(record, positie, exc)

    async def _onverwacht(
        self, record: ConsumerRecord[Any, Any], positie: Positie, fout: Exception
    ) -> None:
        """A failure the runtime does not know (a bug): retried a bounded number of times."""
        pogingen = self._onverwachte.get(positie, 0) + 1
        self._onverwachte[positie] = pogingen
        _begrens(self._onverwachte)
        beleid = self._beleid
        if pogingen < beleid.fout_pogingen:
            onderdrukt = self._log_throttle.allow(positie)
            if onderdrukt is not None:
                log.warning(
                    "unexpected error",
                    topic=record.topic,
                    partition=record.partition,
                    offset=record.offset,
                    error=type(fout).__name__,
                    attempt=pogingen,
                    of=beleid.fout_pogingen,
                    suppressed=onderdrukt,
                )
            await self._slaap(beleid.wachttijd(pogingen))
            raise fout
        onverwerkbaar = Onverwerkbaar(
            DeadLetterReden.VERWERKINGSFOUT,
            f"unexpected {type(fout).__name__} on each of {pogingen} attempts",
            pogingen=pogingen,
        )
        await self._dead_letter(record, onverwerkbaar)
        try:
            event: CloudEvent[Any] | None = lees_event(record.value)
        except Onverwerkbaar:
            event = None
        await self._melder.na_dead_letter(event, onverwerkbaar)
        self._onverwachte.pop(positie, None)
        self._vergeet(positie)

    async def _verwerk(self, record: ConsumerRecord[Any, Any], positie: Positie) -> None:
        raw = record.value if isinstance(record.value, bytes) else b""
        event: CloudEvent[Any] | None = None
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
            werk = _Werk(positie=positie, ids=ids, opdracht=opdracht, instructie_type=event.type)
            nu = self._klok()
            antwoord = await self._vertaal(vertaling, werk, nu)
            topic = self._antwoordtopic(antwoord)
            antwoord, body = self._inpassen(antwoord, opdracht, nu, ids)
        except Onverwerkbaar as exc:
            await self._dead_letter(record, exc)
            await self._melder.na_dead_letter(event, exc)
            self._vergeet(positie)
            return
        await self._publiceer(
            body,
            topic=topic,
            key=opdracht.casus_id.encode(),
            headers={"content-type": CONTENT_TYPE},
        )
        self._vergeet(positie)
        log.info(
            "instruction answered",
            **ids,
            answer=antwoord.event_type,
            referentie=getattr(antwoord, "referentie", None),
        )

    def _vergeet(self, positie: Positie) -> None:
        self._fouten.pop(positie, None)
        self._log_throttle.forget(positie)

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
        self, vertaling: Vertaling[Any, Any], werk: _Werk, nu: datetime
    ) -> EventData:
        """Look up (if the translation asks), send, read, answer; pure steps run ``_veilig``."""
        opdracht = werk.opdracht
        if vertaling.opzoeking is not None:
            gevonden = await self._zoek(vertaling.opzoeking, werk)
            if not isinstance(gevonden, str):  # the look-up answered the instruction itself
                return _veilig(vertaling.maak_antwoord, opdracht, gevonden, nu)
            opdracht = dataclasses.replace(opdracht, referentie=gevonden)
        verzoek = _veilig(vertaling.naar_verzoek, opdracht)
        if not isinstance(verzoek, HttpVerzoek):  # the translation answered without a request
            return _veilig(vertaling.maak_antwoord, opdracht, verzoek, nu)
        bo_antwoord = await self._stuur(verzoek, werk)
        uitkomst = _veilig(vertaling.lees_antwoord, opdracht, bo_antwoord)
        return _veilig(vertaling.maak_antwoord, opdracht, uitkomst, nu)

    async def _zoek(self, opzoeking: Opzoeking[Any, Any], werk: _Werk) -> object:
        """The agency's reference: known from the instruction, or looked up (or an outcome)."""
        opdracht = werk.opdracht
        bekend = _veilig(opzoeking.bekend, opdracht)
        if bekend is not None:
            return bekend
        zoekvraag = _veilig(opzoeking.zoek, opdracht)
        gevonden = _veilig(opzoeking.lees, opdracht, await self._stuur(zoekvraag, werk))
        if isinstance(gevonden, str):
            log.info("reference looked up", **werk.ids, referentie=gevonden)
        return gevonden

    async def _stuur(self, verzoek: HttpVerzoek, werk: _Werk) -> BackofficeAntwoord:
        url = verzoek.pad + "?" + urlencode(dict(verzoek.query))
        if any(bsn in url for bsn in werk.opdracht.bsns):
            # A translation bug; the detail says where, not what.
            raise Onverwerkbaar(
                DeadLetterReden.VERWERKINGSFOUT, "the request URL would hold a BSN: not sent"
            )
        client = self._client
        return await self._lever_af(lambda: client.stuur(verzoek), werk, verzoek.bestemming)

    async def _lever_af(
        self,
        stuur: Callable[[], Awaitable[BackofficeAntwoord]],
        werk: _Werk,
        bestemming: str | None = None,
    ) -> BackofficeAntwoord:
        """Send with backoff. Away: ``pogingen`` attempts, then report (once) and raise for
        redelivery, unless the back-office answers during the last wait. A server error:
        ``fout_pogingen`` attempts in all, then ``backoffice-fout``."""
        beleid = self._beleid
        bereikbaarheid = self._bereikbaarheid.get(bestemming)
        if bereikbaarheid is None:
            bereikbaarheid = self._bereikbaarheid[bestemming] = Bereikbaarheid(self._slaap)
        weg = 0
        while True:
            fouten = self._fouten.get(werk.positie, 0)
            if fouten >= beleid.fout_pogingen:  # e.g. redelivered after the dead letter failed
                raise _backoffice_fout(fouten, None)
            try:
                antwoord = await stuur()
                bereikbaarheid.gezien()
                return antwoord
            except BackofficeFout as exc:
                bereikbaarheid.gezien()
                fouten += 1
                self._fouten[werk.positie] = fouten
                self._fouten.move_to_end(werk.positie)
                _begrens(self._fouten)
                if fouten >= beleid.fout_pogingen:
                    raise _backoffice_fout(fouten, exc.status) from None
                self._log(
                    "back-office server error",
                    werk,
                    attempt=fouten,
                    of=beleid.fout_pogingen,
                    error=str(exc),
                )
                await self._slaap(beleid.wachttijd(fouten))
            except BackofficeOnbereikbaar as exc:
                bereikbaarheid.weg()
                weg += 1
                laatste = weg == beleid.pogingen
                self._log(
                    "back-office unavailable",
                    werk,
                    attempt=weg,
                    of=beleid.pogingen,
                    error=str(exc),
                    redelivery=laatste,
                )
                if laatste:
                    opdracht = werk.opdracht
                    await self._melder.onbereikbaar(opdracht, werk.instructie_type, weg)
                # Bound the redelivery rate too: wait before handing the message back.
                wachttijd = beleid.max_wachttijd if laatste else beleid.wachttijd(weg)
                terug, gepeild = await self._wacht_op(bereikbaarheid, stuur, wachttijd)
                if gepeild is not None:
                    return gepeild
                if laatste and not terug:
                    raise
                if laatste:
                    weg = 0  # back: a new round of attempts (reported once all the same)

    async def _wacht_op(
        self,
        bereikbaarheid: Bereikbaarheid,
        stuur: Callable[[], Awaitable[BackofficeAntwoord]],
        seconden: float,
    ) -> tuple[bool, BackofficeAntwoord | None]:
        """Wait ``seconden`` for a back-office that is away, in steps of at most ``peiling``;
        the wait ends as soon as it answers anyone. Between steps, if no other instruction
        does, ask it again (the probe: not counted as an attempt). Whether it answered, and the
        probe's answer when it was this one's."""
        stap_max = self._beleid.peiling
        rest = seconden
        peilt = False
        try:
            while rest > 0:
                stap = min(rest, stap_max) if stap_max > 0 else rest
                if await bereikbaarheid.wacht(stap):
                    return True, None
                rest -= stap
                if rest <= 1e-9:
                    break
                peilt = peilt or bereikbaarheid.neem_peiling()
                if not peilt:
                    continue
                try:
                    antwoord = await stuur()
                except BackofficeOnbereikbaar:
                    bereikbaarheid.weg()
                    continue
                except BackofficeFout:
                    bereikbaarheid.gezien()  # it answers: the attempt after this counts it
                    return True, None
                bereikbaarheid.gezien()
                return True, antwoord
            return False, None
        finally:
            if peilt:
                bereikbaarheid.geef_peiling()

    def _log(self, tekst: str, werk: _Werk, **velden: Any) -> None:
        """A warning about the record in hand, at most one per record per interval."""
        onderdrukt = self._log_throttle.allow(werk.positie)
        if onderdrukt is not None:
            log.warning(tekst, **werk.ids, **velden, suppressed=onderdrukt)

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

    def _inpassen(
        self,
        antwoord: EventData,
        opdracht: Opdracht[EventData],
        nu: datetime,
        ids: Mapping[str, Any],
    ) -> tuple[EventData, bytes]:
        """The answer as a CloudEvent that fits :data:`~connectors.base.omvang.MAX_ANTWOORD`:
        as built, else without per-claim detail, else ``antwoord-te-groot``."""
        body = self._als_event(antwoord, opdracht, nu)
        if past(body):
            return antwoord, body
        kleiner = _veilig(zonder_detail, antwoord)
        if kleiner is not None:
            kort = self._als_event(kleiner, opdracht, nu)
            if past(kort):
                log.warning("answer shortened to fit", **ids, size=len(body), shortened=len(kort))
                return kleiner, kort
        raise Onverwerkbaar(
            DeadLetterReden.ANTWOORD_TE_GROOT,
            f"the answer ({antwoord.event_type}, {len(body)} bytes) exceeds "
            f"{MAX_ANTWOORD} bytes even without per-claim detail",
        )

    def _als_event(self, antwoord: EventData, opdracht: Opdracht[EventData], nu: datetime) -> bytes:
        event = make_event(
            antwoord,
            source=self.koppeling.organisatie.source,
            subject=opdracht.casus_id,
            event_id=antwoord_event_id(opdracht.instructie_id),
            time=nu,
        )
        return event.to_bytes()

    async def _dead_letter(self, record: ConsumerRecord[Any, Any], fout: Onverwerkbaar) -> None:
        """Park the original record (key, value, headers) with why and where it came from; the
        copy always fits (a value over 256 KiB is cut, see :mod:`schemas.deadletter`)."""
        code = self.koppeling.uitvoerder.value
        kopie = dead_letter_copy(
            origin=Origin(
                topic=record.topic,
                partition=record.partition,
                offset=record.offset,
                consumer=self.koppeling.naam,
                principal=principal(code),
            ),
            redencode=fout.reden.value,
            detail=fout.detail,
            at=self._klok(),
            value=record.value if isinstance(record.value, bytes) else None,
            original=record.headers or (),
        )
        key = record.key if isinstance(record.key, bytes) else None
        # Its own dead-letter topic: only this agency may write it, which proves who set it aside.
        topic = dead_letter_topic(code).name
        await self._publiceer(kopie.value, topic=topic, key=key, headers=kopie.headers)
        log.error(
            "instruction dead-lettered",
            topic=record.topic,
            partition=record.partition,
            offset=record.offset,
            reason=fout.reden.value,
            detail=mask_bsn_like(fout.detail),
            value_cut=kopie.cut,
        )


TIJDELIJK: tuple[type[Exception], ...] = (
    BackofficeOnbereikbaar,
    KafkaError,
    OSError,
    TimeoutError,
)
"""Failures that pass (back-office or broker away): redelivered for as long as it takes."""


def _backoffice_fout(pogingen: int, status: int | None) -> Onverwerkbaar:
    wat = f"HTTP {status}" if status is not None else "a server error"
    return Onverwerkbaar(
        DeadLetterReden.BACKOFFICE_FOUT,
        f"the back-office answered {wat} on each of {pogingen} attempts",
        pogingen=pogingen,
    )


def _begrens(onthouden: OrderedDict[Any, Any]) -> None:
    while len(onthouden) > MAX_ONTHOUDEN:
        onthouden.popitem(last=False)


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
    records: Sequence[ConsumerRecord[Any, Any]],
    standaard: Callable[[tuple[ConsumerRecord[Any, Any], ...]], Awaitable[StreamMessage[Any]]],
) -> StreamMessage[Any]:
    """FastStream parser: header values that are not UTF-8 must not stop the consumer."""
    return await standaard(tuple(_leesbaar(record) for record in records))


def _leesbaar(record: ConsumerRecord[Any, Any]) -> ConsumerRecord[Any, Any]:
    schoon = tuple((naam, header_text(waarde).encode()) for naam, waarde in record.headers or ())
    return dataclasses.replace(record, headers=schoon)


async def _ruwe_bodies(message: StreamMessage[Any]) -> list[bytes]:
    """FastStream decoder: hand the handler the raw bytes, whatever the content-type says."""
    return [bytes(body or b"") for body in message.body]


def bouw_broker(
    *,
    koppeling: Koppeling,
    client: Backoffice,
    sleutel: X25519PrivateKey,
    bootstrap_servers: str,
    tls: KafkaTls | None = None,
    herhaalbeleid: Herhaalbeleid | None = None,
    group_id: str | None = None,
    klok: Callable[[], datetime] = lambda: datetime.now(UTC),
    slaap: Callable[[float], Awaitable[None]] = asyncio.sleep,
    log_throttle: LogThrottle | None = None,
    listener: ConsumerRebalanceListener | None = None,
    gelijktijdig: int = MAX_GELIJKTIJDIG,
) -> KafkaBroker:
    """A broker with the connector's subscriber on its topics wired in; connect it with
    ``start()``. With ``tls`` it connects as the agency (its certificate, its OIN): the broker
    then lets it read only its own instruction topics and write only its own answer topics."""
    broker = KafkaBroker(
        bootstrap_servers.split(","),  # a cluster: host:port,host:port,...
        security=None if tls is None else BaseSecurity(ssl_context=tls.context()),
        client_id=koppeling.naam,
        acks="all",
        enable_idempotence=True,
        middlewares=[broker_middleware()],  # traceparent in, and on to the answer
        logger=logging.getLogger(BROKER_LOGGER),  # JSON lines like the rest
    )

    producer = VerseProducer.van(broker)  # a failed publish must not block a partition for good

    async def publiceer(
        body: bytes, *, topic: str, key: bytes | None, headers: dict[str, str]
    ) -> None:
        await producer.publish(body, topic, key=key, headers=headers)

    verwerker = InstructieVerwerker(
        koppeling=koppeling,
        client=client,
        sleutel=sleutel,
        publiceer=publiceer,
        herhaalbeleid=herhaalbeleid,
        klok=klok,
        slaap=slaap,
        log_throttle=log_throttle,
    )
    topics = [t.name for t in koppeling.topics]

    subscriber = broker.subscriber(
        # Provisioned by `maatwerk-hub topics`: FastStream neither creates nor warns about them
        # (``allow_auto_create_topics=False`` would still warn at every start).
        *(Topic(name, declare=False) for name in topics),
        group_id=group_id or koppeling.naam,
        listener=listener,  # e.g. health.GroupMembership: /ready once the group has it
        auto_offset_reset="earliest",
        ack_policy=AckPolicy.NACK_ON_ERROR,
        batch=True,  # casussen concurrently, each in order (connectors.base.gelijktijdig)
        max_records=BATCH_RECORDS,
        parser=_leesbare_headers,
        decoder=_ruwe_bodies,
        title=f"{koppeling.naam}:instructies",
        description=f"Instructions for {koppeling.organisatie.naam}: {', '.join(topics)}.",
    )

    # Waits on the broker for instructions, never pauses between looks (schemas.batch_subscriber)
    @waits_for_records(subscriber)
    async def instructies_ontvangen(bodies: list[bytes]) -> None:
        message = handled_message(broker)
        records = records_of(message)

        async def een(record: ConsumerRecord[Any, Any]) -> None:
            with verwerkt(record, f"{koppeling.naam} process"):
                await verwerker.verwerk(record)

        onaf = await verwerk_gelijktijdig(records, een, gelijktijdig=gelijktijdig)
        if onaf:
            # Hand the unfinished records back (the consumer seeks back to the lowest of each
            # partition) without FastStream logging a traceback each round.
            await terug_naar_onaf(message, records, onaf)

    return broker
