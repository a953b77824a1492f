"""Kafka helpers for tests: create topics, read CloudEvents back, publish one.

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

import asyncio
import contextlib
import json
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import for_code

from schemas.topics import Topic

CLOUDEVENTS_CONTENT_TYPE = "application/cloudevents+json; charset=UTF-8"
TOPIC_ALREADY_EXISTS = 36

CloudEvent = dict[str, Any]


async def ensure_topics(
    bootstrap: str,
    topics: Iterable[Topic],
    *,
    replication_factor: int | None = None,
    timeout: float = 30.0,  # noqa: ASYNC109
) -> list[str]:
    """Create the topics that do not exist yet; return the names created.

    The replication factor defaults to ``min(3, brokers)``. Existing topics are left as they are.
    Raises when the broker refuses a topic for another reason than that it already exists.
    """
    topics = list(topics)
    admin = AIOKafkaAdminClient(
        bootstrap_servers=bootstrap,
        client_id="maatwerk-tests-topics",
        request_timeout_ms=int(timeout * 1000),
    )
    await admin.start()
    try:
        if replication_factor is None:
            cluster = await admin.describe_cluster()
            replication_factor = max(1, min(3, len(cluster["brokers"])))
        existing = set(await admin.list_topics())
        missing = [topic for topic in topics if topic.name not in existing]
        if not missing:
            return []
        response = await admin.create_topics(
            [
                NewTopic(
                    name=topic.name,
                    num_partitions=topic.partitions,
                    replication_factor=replication_factor,
                    topic_configs=topic.kafka_configs(),
                )
                for topic in missing
            ],
            timeout_ms=int(timeout * 1000),
        )
        created = []
        for name, code, *rest in response.topic_errors:
            if code == 0:
                created.append(name)
            elif code != TOPIC_ALREADY_EXISTS:  # created meanwhile by someone else: fine
                message = rest[0] if rest else ""
                raise for_code(code)(f"cannot create topic {name}: {message}")
        await _wait_for_leaders(admin, [t.name for t in missing], timeout)
        return created
    finally:
        await admin.close()


async def _wait_for_leaders(admin: AIOKafkaAdminClient, names: list[str], seconds: float) -> None:
    """New partitions get a leader shortly after CreateTopics answers; wait for that."""
    deadline = time.monotonic() + seconds
    while True:
        described = await admin.describe_topics(names)
        pending = [
            topic["topic"]
            for topic in described
            if topic["error_code"] != 0
            or not topic["partitions"]
            or any(partition["leader"] < 0 for partition in topic["partitions"])
        ]
        if not pending:
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"topics without partition leaders after {seconds}s: {pending}")
        await asyncio.sleep(0.1)


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
