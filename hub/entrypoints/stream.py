"""FastStream handlers: the agencies' answers to the hub's requests, and the dead letters.

No record stalls a partition. Ack policy is explicit: NACK_ON_ERROR, so an offset is committed
only after the answer is stored (a crash or a database error means redelivery). The handlers get
the raw bytes (no decoding by content type) and header values decoded leniently (not UTF-8, or
null, never stops them). Then, for an answer:

- whatever cannot be read (not JSON, nested too deep, wrong schema: any exception from parsing)
  is dead-lettered as ``ongeldig-bericht``, an answer that belongs to no request as
  ``antwoord-afgewezen``, and acknowledged;
- a transient failure (the database locked or away: :func:`hub.adapters.transient.is_transient`)
  is retried with backoff for as long as it lasts, never dead-lettered;
- any other failure is the record's: after a bounded number of attempts it is dead-lettered as
  ``verwerkingsfout`` with the exception's type (never its message: it may quote personal data);
- a dead letter that cannot be published (the broker away) is retried like a transient failure;
  the copy always fits (``schemas.deadletter.dead_letter_copy`` cuts a value that is too large).

Before a failing record is handed back the handler waits (backoff), and it logs one line per
record per interval (``hub.entrypoints.redelivery``).

The hub sets records aside on its own dead-letter topic (``maatwerk.deadletter.hub.v1``), and reads
every producer's dead-letter topic (its own consumer group, ``<group>-deadletters``), keeping a
record of each for operators (``hub.service.ops``) with its writer proven by the topic it came on,
never by a header. A
dead letter it cannot store after a bounded number of attempts is skipped, with an error log line
and a metric (it cannot be dead-lettered to itself); transient failures are retried.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable, Iterable, Sequence
from datetime import datetime
from typing import Any, NoReturn, cast

import structlog
from aiokafka import ConsumerRecord
from faststream import AckPolicy
from faststream.exceptions import NackMessage
from faststream.kafka import KafkaBroker, Topic
from faststream.message import StreamMessage

from hub.adapters.metrics import HubMetrics
from hub.adapters.transient import is_transient
from hub.bootstrap import Hub
from hub.domain.dead_letter import DeadLetter
from hub.entrypoints.antwoord_stream import BATCH_RECORDS, AntwoordConsumer, records_of
from hub.entrypoints.redelivery import Place, Redelivery, RedeliveryPolicy, place_of
from hub.service.ops import record_dead_letter
from schemas.batch_subscriber import handled_message, waits_for_records
from schemas.deadletter import HEADER_REASON, Origin, dead_letter_copy
from schemas.producer import VerseProducer
from schemas.topics import dead_letter_topic, dead_letter_topics, principal

log = structlog.get_logger(__name__)

HUB_PRINCIPAL = principal("hub")
HUB_DEAD_LETTERS = dead_letter_topic("hub").name
"""Where the hub sets aside what it cannot process: written by the hub alone."""


def _record(message: Any) -> ConsumerRecord[bytes, bytes]:
    """A single-record subscriber's message is one ConsumerRecord."""
    return cast(ConsumerRecord[bytes, bytes], message.raw_message)


async def dead_letter(
    broker: KafkaBroker,
    message: Any,
    reason: str,
    *,
    redencode: str,
    consumer: str,
    at: datetime,
    metrics: HubMetrics | None = None,
) -> None:
    """Set the message aside on the dead-letter topic, with why and where it came from. The copy
    always fits: a value too large is cut (its size and digest kept in headers)."""
    raw = message if isinstance(message, ConsumerRecord) else _record(message)
    copy = dead_letter_copy(
        origin=Origin(str(raw.topic), raw.partition, raw.offset, consumer, HUB_PRINCIPAL),
        redencode=redencode,
        detail=reason,
        at=at,
        value=raw.value,
        original=raw.headers or (),
    )
    # on a fresh producer after a failed publish (else a gap it left blocks the partition)
    producer = VerseProducer.van(broker)
    await producer.publish(copy.value, HUB_DEAD_LETTERS, key=raw.key, headers=copy.headers)
    log.warning(
        "message dead-lettered",
        topic=raw.topic,
        partition=raw.partition,
        offset=raw.offset,
        reason=copy.headers[HEADER_REASON],
        value_cut=copy.cut,
    )
    if metrics is not None:
        metrics.dead_lettered.labels(redencode=redencode).inc()


async def _lenient_headers(
    record: ConsumerRecord[bytes, bytes],
    original: Callable[[ConsumerRecord[bytes, bytes]], Awaitable[Any]],
) -> Any:
    """Parse with header values decoded leniently: FastStream decodes them as strict UTF-8 (and
    drops a record it cannot, with a CRITICAL log line only); not UTF-8 or null must never stop
    the hub reading a topic."""
    return await original(_lenient(record))


async def _lenient_batch_headers(
    records: tuple[ConsumerRecord[bytes, bytes], ...],
    original: Callable[[tuple[ConsumerRecord[bytes, bytes], ...]], Awaitable[Any]],
) -> Any:
    """:func:`_lenient_headers` for a batch subscriber: every record of the batch."""
    return await original(tuple(_lenient(record) for record in records))


def _lenient(record: ConsumerRecord[bytes, bytes]) -> ConsumerRecord[bytes, bytes]:
    headers = [
        (str(name), (value or b"").decode("utf-8", "replace").encode())
        for name, value in record.headers or ()
    ]
    return dataclasses.replace(record, headers=headers)


async def _raw_bodies(message: StreamMessage[Any]) -> list[bytes]:
    """:func:`_raw_body` for a batch subscriber."""
    return [bytes(body or b"") for body in message.body]


async def _raw_body(message: StreamMessage[Any]) -> bytes:
    """Hand the handler the raw bytes, whatever the content-type says: FastStream would decode
    ``application/json`` before the handler runs, and a body that is not JSON would fail there,
    on every redelivery."""
    return bytes(message.body or b"")


def provisioned(names: Iterable[str]) -> list[Topic]:
    """The topics as made by ``maatwerk-hub topics`` (as the operators, with their ACLs): the hub
    may not create topics, so FastStream must not try (each try logged a
    ``TopicAuthorizationFailedError`` warning at start). ``declare=False`` is FastStream's switch
    for topics provisioned elsewhere; ``allow_auto_create_topics=False`` would warn instead."""
    return [Topic(name, declare=False) for name in names]


def register_handlers(
    broker: KafkaBroker,
    get_hub: Callable[[], Hub],
    group_id: str,
    metrics: HubMetrics,
    *,
    antwoord_topics: Sequence[str],
    policy: RedeliveryPolicy | None = None,
) -> None:
    """Subscribe the one answer handler to ``antwoord_topics`` (the topics of the answer types
    the hub has a route for, ``hub.bootstrap.ANTWOORD_ROUTES``) and the dead-letter reader to
    the dead-letter topic."""
    antwoorden = Redelivery(policy)
    dead_letters = Redelivery(policy)

    async def retry_later(
        redelivery: Redelivery, place: Place, attempts: int, exc: BaseException, **fields: Any
    ) -> NoReturn:
        """Hand the record back (it is redelivered) after a wait; log it now and then."""
        transient = is_transient(exc)
        metrics.consumer_retries.labels(
            consumer=fields["consumer"], transient=str(transient).lower()
        ).inc()
        redelivery.log(
            place,
            "record failed, handed back",
            error=type(exc).__name__,
            transient=transient,
            attempts=attempts,
            **fields,
        )
        await redelivery.wait(attempts)
        raise NackMessage()

    async def set_aside(record: ConsumerRecord[bytes, bytes], code: str, detail: str) -> None:
        hub = get_hub()
        await dead_letter(
            broker,
            record,
            detail,
            redencode=code,
            consumer=group_id,
            at=hub.deps.clock(),
            metrics=metrics,
        )

    async def retry_answer(
        redelivery: Redelivery, place: Place, attempts: int, exc: BaseException
    ) -> NoReturn:
        await retry_later(redelivery, place, attempts, exc, consumer="antwoorden")

    consumer = AntwoordConsumer(get_hub, metrics, antwoorden, set_aside, retry_answer)

    # Waits on the broker for answers and never pauses between looks (schemas.batch_subscriber)
    answers = broker.subscriber(
        *provisioned(antwoord_topics),
        group_id=group_id,
        auto_offset_reset="earliest",
        ack_policy=AckPolicy.NACK_ON_ERROR,
        batch=True,
        max_records=BATCH_RECORDS,
        parser=_lenient_batch_headers,
        decoder=_raw_bodies,
        title="hub-antwoorden",
        description="Agencies' answers to the hub's requests, of every instrument.",
    )

    @waits_for_records(answers)
    async def on_antwoord(bodies: list[bytes]) -> None:
        await consumer.batch(records_of(handled_message(broker)))

    @broker.subscriber(
        *provisioned(t.name for t in dead_letter_topics()),
        group_id=f"{group_id}-deadletters",
        auto_offset_reset="earliest",
        ack_policy=AckPolicy.NACK_ON_ERROR,
        parser=_lenient_headers,
        decoder=_raw_body,
        title="hub-dead-letters",
        description="Every dead-lettered record, from each producer's own dead-letter topic "
        "(and the former shared one): kept for operators with its proven writer (headers and a "
        "digest of the value, never the value).",
    )
    async def on_dead_letter(body: bytes) -> None:
        message = handled_message(broker)
        raw = _record(message)
        place = place_of(raw)
        hub = get_hub()
        try:
            settings = hub.settings
            letter = DeadLetter.of(
                topic=str(raw.topic),
                partition=raw.partition,
                offset=raw.offset,
                key=raw.key,
                value=body,
                headers=message.headers,
                oins={
                    "hub": settings.oin,
                    **{u.value: oin for u, oin in settings.uitvoerder_oins.items()},
                },
            )
            await record_dead_letter(letter, hub.uow(), hub.deps)
        except Exception as exc:
            attempts = dead_letters.failed(place)
            if is_transient(exc) or not dead_letters.exhausted(attempts):
                await retry_later(dead_letters, place, attempts, exc, consumer="dead-letters")
            # It cannot be dead-lettered to itself: skip it, loudly.
            log.error(
                "dead letter skipped: it cannot be stored",
                partition=raw.partition,
                offset=raw.offset,
                error=type(exc).__name__,
                attempts=attempts,
            )
            metrics.dead_letters_skipped.inc()
        dead_letters.done(place)
