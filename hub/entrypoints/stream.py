"""FastStream handlers: the agencies' answers to time-out instructions, and the dead letters.

Ack policy is explicit: NACK_ON_ERROR, so an offset is committed only after the answer is stored
(a crash or a database error means redelivery). A message that can never be processed (not JSON,
wrong schema, unknown chain, a source that is not the agency it speaks for) goes to the dead-letter
topic with its reason and is then acknowledged, so the consumer keeps going.

The hub also reads the dead-letter topic itself (its own consumer group, ``<group>-deadletters``),
whoever put the record there, and keeps a record of each for operators (``hub.service.ops``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, cast

import structlog
from aiokafka import ConsumerRecord
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage

from hub.adapters.metrics import HubMetrics
from hub.bootstrap import Hub
from hub.domain.dead_letter import DeadLetter
from hub.service.ops import record_dead_letter
from hub.service.opschorting import AntwoordAfgewezen, antwoord_status, verwerk_antwoord
from schemas import CloudEvent, InvalidEvent, parse_event
from schemas.deadletter import mask_bsn_like
from schemas.opschorting import (
    OpschortingBevestigd,
    OpschortingDeelsBevestigd,
    OpschortingGeweigerd,
)
from schemas.organisaties import UITVOERDERS
from schemas.topics import DEAD_LETTER, OPSCHORTING_ANTWOORD

log = structlog.get_logger(__name__)

ANTWOORD_TYPES = (OpschortingBevestigd, OpschortingDeelsBevestigd, OpschortingGeweigerd)


async def dead_letter(
    broker: KafkaBroker,
    message: Any,
    reason: str,
    *,
    reason_code: str,
    consumer: str,
    metrics: HubMetrics | None = None,
) -> None:
    """Set the message aside on the dead-letter topic, with why and where it came from.

    The reason may quote the message (a type or source it did not expect), so anything that looks
    like a BSN is masked in it before it goes into a header or a log line.
    """
    raw = message.raw_message
    reason = mask_bsn_like(reason)
    headers = {
        "dlq-reason": reason[:1000],
        "dlq-origin-topic": str(raw.topic),
        "dlq-origin-partition": str(raw.partition),
        "dlq-origin-offset": str(raw.offset),
        "dlq-failed-by": "User:hub",
        "dlq-consumer": consumer,
        "dlq-reason-code": reason_code,
        "dlq-time": datetime.now(UTC).isoformat(),
    }
    await broker.publish(message.body, DEAD_LETTER.name, key=raw.key, headers=headers)
    log.warning(
        "message dead-lettered",
        topic=raw.topic,
        partition=raw.partition,
        offset=raw.offset,
        reason=reason,
    )
    if metrics is not None:
        metrics.dead_lettered.labels(reason_code=reason_code).inc()


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


def check_answer(event: CloudEvent[Any]) -> None:
    if not isinstance(event.data, ANTWOORD_TYPES):
        raise AntwoordAfgewezen(
            f"type: {event.type} does not belong on {OPSCHORTING_ANTWOORD.name}"
        )
    organisatie = UITVOERDERS[event.data.uitvoerder]
    if f":{organisatie.oin}:" not in event.source:
        raise AntwoordAfgewezen(
            f"source: {event.source} may not answer for {event.data.uitvoerder.value}"
        )
    if event.subject != event.data.casus_id:
        raise AntwoordAfgewezen("subject: does not match data.casus_id")


def register_handlers(
    broker: KafkaBroker, get_hub: Callable[[], Hub], group_id: str, metrics: HubMetrics
) -> None:
    @broker.subscriber(
        OPSCHORTING_ANTWOORD.name,
        group_id=group_id,
        auto_offset_reset="earliest",
        ack_policy=AckPolicy.NACK_ON_ERROR,
        title="hub-antwoorden",
        description="Agencies' answers to time-out instructions.",
    )
    async def on_antwoord(message: KafkaMessage) -> None:
        try:
            event = parse_event(message.body)
        except InvalidEvent as exc:
            await dead_letter(
                broker,
                message,
                str(exc),
                reason_code="ongeldig-bericht",
                consumer=group_id,
                metrics=metrics,
            )
            return
        try:
            check_answer(event)
            changed = await verwerk_antwoord(event, get_hub().uow())
        except AntwoordAfgewezen as exc:
            await dead_letter(
                broker,
                message,
                str(exc),
                reason_code="antwoord-afgewezen",
                consumer=group_id,
                metrics=metrics,
            )
            return
        uitvoerder = event.data.uitvoerder.value
        if changed:
            status = antwoord_status(event.data).value
            metrics.answers.labels(uitvoerder=uitvoerder, status=status).inc()
        else:
            metrics.duplicate_answers.labels(uitvoerder=uitvoerder).inc()

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
