"""Kafka helpers for tests: create topics (the hub's own ``ensure_topics``), read CloudEvents
back, publish one.

Example::

    await ensure_topics(kafka_bootstrap, catalogue())
    events = await consume_until(
        kafka_bootstrap,
        "maatwerk.opschorting.antwoord.v1",
        lambda event: event["subject"] == casus_id,
        timeout=30,
    )
"""

from __future__ import annotations

import contextlib
import json
import time
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from hub.adapters.topic_admin import ensure_topics

CLOUDEVENTS_CONTENT_TYPE = "application/cloudevents+json; charset=UTF-8"

CloudEvent = dict[str, Any]

__all__ = ["consume_until", "decode_event", "ensure_topics", "publish_event"]


def decode_event(value: bytes | None) -> CloudEvent | None:
    """A record value as a CloudEvent dict (structured mode), or None when it is not JSON."""
    if value is None:
        return None
    try:
        decoded = json.loads(value)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    return decoded if isinstance(decoded, dict) else None


async def consume_until(
    bootstrap: str,
    topic: str,
    predicate: Callable[[CloudEvent], bool],
    timeout: float = 30.0,  # noqa: ASYNC109
    *,
    count: int = 1,
) -> list[CloudEvent]:
    """Read ``topic`` from the beginning with a fresh consumer group until ``count`` CloudEvents
    match ``predicate``; return the matching events in the order read.

    Raises TimeoutError (listing what was seen) when fewer than ``count`` match within
    ``timeout`` seconds. Nothing is committed.
    """
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=f"maatwerk-tests-{uuid.uuid4()}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        isolation_level="read_committed",
    )
    matches: list[CloudEvent] = []
    seen = 0
    deadline = time.monotonic() + timeout
    await consumer.start()
    try:
        while len(matches) < count:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(
                    f"{len(matches)} of {count} matching events on {topic} after {timeout}s "
                    f"({seen} records read)"
                )
            batches = await consumer.getmany(timeout_ms=int(min(remaining, 0.5) * 1000))
            for records in batches.values():
                for record in records:
                    seen += 1
                    event = decode_event(record.value)
                    if event is not None and predicate(event):
                        matches.append(event)
        return matches[:count]
    finally:
        with contextlib.suppress(Exception):
            await consumer.stop()


async def publish_event(
    bootstrap: str,
    topic: str,
    event: Mapping[str, Any],
    *,
    key: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> None:
    """Publish one CloudEvent in structured mode (the project's Kafka binding); the key defaults
    to the event's ``subject``."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True)
    await producer.start()
    try:
        record_key = key if key is not None else event.get("subject")
        all_headers = {"content-type": CLOUDEVENTS_CONTENT_TYPE, **(headers or {})}
        await producer.send_and_wait(
            topic,
            json.dumps(event).encode(),
            key=record_key.encode() if isinstance(record_key, str) else None,
            headers=[(name, value.encode()) for name, value in all_headers.items()],
        )
    finally:
        await producer.stop()
