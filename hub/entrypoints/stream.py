"""FastStream handlers: the agencies' answers to time-out instructions.

Ack policy is explicit: NACK_ON_ERROR, so an offset is committed only after the answer is stored
(a crash or a database error means redelivery). A message that can never be processed (not JSON,
wrong schema, unknown chain, a source that is not the agency it speaks for) goes to the dead-letter
topic with its reason and is then acknowledged, so the consumer keeps going.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import structlog
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage

from hub.bootstrap import Hub
from hub.service.opschorting import AntwoordAfgewezen, verwerk_antwoord
from schemas import CloudEvent, InvalidEvent, parse_event
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
    broker: KafkaBroker, message: Any, reason: str, *, reason_code: str, consumer: str
) -> None:
    """Set the message aside on the dead-letter topic, with why and where it came from."""
    raw = message.raw_message
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


def register_handlers(broker: KafkaBroker, get_hub: Callable[[], Hub], group_id: str) -> None:
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
                broker, message, str(exc), reason_code="ongeldig-bericht", consumer=group_id
            )
            return
        try:
            check_answer(event)
            await verwerk_antwoord(event, get_hub().uow())
        except AntwoordAfgewezen as exc:
            await dead_letter(
                broker, message, str(exc), reason_code="antwoord-afgewezen", consumer=group_id
            )
