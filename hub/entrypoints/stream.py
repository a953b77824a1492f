"""FastStream handlers: the agencies' answers to the hub's requests, and the dead letters.

Ack policy is explicit: NACK_ON_ERROR, so an offset is committed only after the answer is stored
(a crash or a database error means redelivery). A message that can never be processed (not JSON,
wrong schema, unknown request, a source that is not the agency it speaks for) goes to the
dead-letter topic with its reason and is then acknowledged, so the consumer keeps going.

The hub also reads the dead-letter topic itself (its own consumer group, ``<group>-deadletters``),
whoever put the record there, and keeps a record of each for operators (``hub.service.ops``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, cast

import structlog
from aiokafka import ConsumerRecord
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage

from hub.adapters.metrics import HubMetrics
from hub.bootstrap import Hub
from hub.domain.dead_letter import DeadLetter
from hub.service.antwoorden import AntwoordAfgewezen, routes, verwerk_antwoord
from hub.service.ops import record_dead_letter
from schemas import InvalidEvent, parse_event
from schemas.deadletter import HEADER_REASON, Origin, dead_letter_headers
from schemas.topics import DEAD_LETTER, principal, topics_for_type

log = structlog.get_logger(__name__)

HUB_PRINCIPAL = principal("hub")


async def dead_letter(
    broker: KafkaBroker,
    message: Any,
    reason: str,
    *,
    reason_code: str,
    consumer: str,
    at: datetime,
    metrics: HubMetrics | None = None,
) -> None:
    """Set the message aside on the dead-letter topic, with why and where it came from."""
    raw = message.raw_message
    headers = dead_letter_headers(
        origin=Origin(str(raw.topic), raw.partition, raw.offset, consumer, HUB_PRINCIPAL),
        reason_code=reason_code,
        detail=reason,
        at=at,
        original=raw.headers or (),
    )
    await broker.publish(message.body, DEAD_LETTER.name, key=raw.key, headers=headers)
    log.warning(
        "message dead-lettered",
        topic=raw.topic,
        partition=raw.partition,
        offset=raw.offset,
        reason=headers[HEADER_REASON],
    )
    if metrics is not None:
        metrics.dead_lettered.labels(reason_code=reason_code).inc()


def answer_topics() -> list[str]:
    """Every topic that carries an answer type the hub has a route for."""
    return sorted({t.name for event_type in routes() for t in topics_for_type(event_type)})


def _topic_of(message: KafkaMessage) -> str:
    """The topic a single-record subscriber's message came from."""
    return str(cast(ConsumerRecord[bytes, bytes], message.raw_message).topic)


async def _lenient_headers(
    record: ConsumerRecord[bytes, bytes],
    original: Callable[[ConsumerRecord[bytes, bytes]], Awaitable[Any]],
) -> Any:
    """Parse with header values decoded leniently: FastStream decodes them as strict UTF-8, and a
    record someone else put on the dead-letter topic must never stop the hub reading it."""
    headers = [
        (name, (value or b"").decode("utf-8", "replace").encode()) for name, value in record.headers
    ]
    return await original(dataclasses.replace(record, headers=headers))


def register_handlers(
    broker: KafkaBroker, get_hub: Callable[[], Hub], group_id: str, metrics: HubMetrics
) -> None:
    @broker.subscriber(
        *answer_topics(),
        group_id=group_id,
        auto_offset_reset="earliest",
        ack_policy=AckPolicy.NACK_ON_ERROR,
        title="hub-antwoorden",
        description="Agencies' answers to the hub's requests, of every instrument.",
    )
    async def on_antwoord(message: KafkaMessage) -> None:
        hub = get_hub()
        try:
            event = parse_event(message.body)
            result = await verwerk_antwoord(event, hub.uow(), hub.deps, topic=_topic_of(message))
        except (InvalidEvent, AntwoordAfgewezen) as exc:
            code = "ongeldig-bericht" if isinstance(exc, InvalidEvent) else "antwoord-afgewezen"
            await dead_letter(
                broker,
                message,
                str(exc),
                reason_code=code,
                consumer=group_id,
                at=hub.deps.clock(),
                metrics=metrics,
            )
            return
        if result.gewijzigd:
            metrics.answers.labels(uitvoerder=result.uitvoerder, status=result.status).inc()
        else:
            metrics.duplicate_answers.labels(uitvoerder=result.uitvoerder).inc()
        log.info(  # in the trace the record's traceparent continues (broker middleware)
            "answer processed",
            event_id=event.id,
            casus_id=event.subject,
            event_type=event.type,
            uitvoerder=result.uitvoerder,
            status=result.status,
            duplicate=not result.gewijzigd,
        )

    @broker.subscriber(
        DEAD_LETTER.name,
        group_id=f"{group_id}-deadletters",
        auto_offset_reset="earliest",
        ack_policy=AckPolicy.NACK_ON_ERROR,
        parser=_lenient_headers,
        title="hub-dead-letters",
        description="Every dead-lettered record, whoever set it aside: kept for operators "
        "(headers and a digest of the value, never the value).",
    )
    async def on_dead_letter(message: KafkaMessage) -> None:
        raw = cast(ConsumerRecord[bytes, bytes], message.raw_message)
        letter = DeadLetter.of(
            partition=raw.partition,
            offset=raw.offset,
            key=raw.key,
            value=message.body,
            headers=message.headers,
        )
        hub = get_hub()
        await record_dead_letter(letter, hub.uow(), hub.deps)
