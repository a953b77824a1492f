"""Kafka helpers for tests: create topics (the hub's own ``ensure_topics``), read CloudEvents
back, publish one, and connect as an organisation.

The local test broker takes only TLS clients with a certificate of its CA; the session fixture
names the directory with those certificates in ``MAATWERK_TEST_KAFKA_PKI``. Every helper connects
as an organisation (``als``): by default the operators (``beheer``, a super user) so a test can
read and write anything; a test of the access rules connects as the party it plays. Without the
variable (a PLAINTEXT broker) they connect without TLS.

Example::

    events = await consume_until(
        kafka_bootstrap,
        "maatwerk.opschorting.antwoord.cjib.v1",
        lambda event: event["subject"] == casus_id,
        timeout=30,
    )
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import json
import os
import secrets
import string
import time
import uuid
from collections.abc import Callable, Coroutine, Iterable, Mapping
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from connectors.base.koppeling import laad_koppeling
from hub.adapters.topic_admin import ensure_topics
from hub.bootstrap import ANTWOORD_ROUTES
from hub.service.routes import antwoord_topics
from schemas.identiteit import KafkaTls
from schemas.topics import catalogue, dead_letter_topics

CLOUDEVENTS_CONTENT_TYPE = "application/cloudevents+json; charset=UTF-8"
PKI_ENV = "MAATWERK_TEST_KAFKA_PKI"
ADMIN = "beheer"

CloudEvent = dict[str, Any]

__all__ = [
    "client_kwargs",
    "commit_at_end",
    "connector_group_at_end",
    "consume_until",
    "decode_event",
    "ensure_topics",
    "group_at_end",
    "hub_group_at_end",
    "kafka_tls",
    "pki_dir",
    "publish_event",
    "random_letters",
]


def pki_dir() -> Path | None:
    """The certificates of the session's broker, or None when it is PLAINTEXT."""
    value = os.environ.get(PKI_ENV)
    return Path(value) if value else None


def kafka_tls(als: str = ADMIN) -> KafkaTls | None:
    """How organisation ``als`` connects to the session's broker (None: PLAINTEXT)."""
    directory = pki_dir()
    return None if directory is None else KafkaTls.uit_pki(directory, als)


def client_kwargs(als: str = ADMIN) -> dict[str, Any]:
    """aiokafka keyword arguments to connect as organisation ``als``."""
    tls = kafka_tls(als)
    return {} if tls is None else tls.client_kwargs()


def decode_event(value: bytes | None) -> CloudEvent | None:
    """A record value as a CloudEvent dict (structured mode), or None when it is not one: a
    topic may hold what the hostile-record tests wrote (bytes, or arrays nested 100,000 deep)."""
    if value is None:
        return None
    try:
        decoded = json.loads(value)
    except (ValueError, RecursionError):  # not UTF-8, not JSON, or nested past Python's limit
        return None
    return decoded if isinstance(decoded, dict) else None


async def consume_until(
    bootstrap: str,
    topic: str,
    predicate: Callable[[CloudEvent], bool],
    timeout: float = 30.0,  # noqa: ASYNC109
    *,
    count: int = 1,
    als: str = ADMIN,
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
        **client_kwargs(als),
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
    als: str = ADMIN,
) -> None:
    """Publish one CloudEvent in structured mode (the project's Kafka binding); the key defaults
    to the event's ``subject``."""
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, enable_idempotence=True, **client_kwargs(als)
    )
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


async def commit_at_end(
    bootstrap: str, group_id: str, topics: Iterable[str], *, als: str = ADMIN
) -> None:
    """Commit the current end of ``topics`` (of the catalogue, which the session's broker has)
    for ``group_id``: a consumer that joins the group next starts there, not at what earlier
    tests wrote."""
    partitions_of = {t.name: t.partitions for t in catalogue()}
    partitions = [TopicPartition(name, p) for name in topics for p in range(partitions_of[name])]
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap,
        group_id=group_id,
        enable_auto_commit=False,
        **client_kwargs(als),
    )
    await consumer.start()
    try:
        consumer.assign(partitions)
        await consumer.commit(dict(await consumer.end_offsets(partitions)))
    finally:
        await consumer.stop()


def group_at_end(bootstrap: str, prefix: str, topics: Iterable[str]) -> str:
    """A new consumer group ``<prefix>-<16 letters>`` that starts at the current end of ``topics``.
    Letters, not a uuid: the hub masks every run of nine digits in what it keeps (it could be a
    BSN), and one uuid in twenty holds one, so a dead letter's consumer would not be found by it.

    The session's broker is shared: a new group that started at the beginning would first work
    through every earlier test's records (a test hub would dead-letter every answer it has no
    case for). Callable from sync and async code alike: it runs on a loop of its own."""
    group_id = f"{prefix}-{random_letters(16)}"
    _on_own_loop(commit_at_end(bootstrap, group_id, list(topics)))
    return group_id


def hub_group_at_end(bootstrap: str) -> str:
    """A consumer group for a test hub, it and its dead-letter group starting at the current end
    of the topics they read (``hub.app``'s answer topics; every dead-letter topic)."""
    group_id = group_at_end(bootstrap, "hub", antwoord_topics(ANTWOORD_ROUTES))
    dead_letters = [t.name for t in dead_letter_topics()]
    _on_own_loop(commit_at_end(bootstrap, f"{group_id}-deadletters", dead_letters))
    return group_id


def connector_group_at_end(bootstrap: str, agency: str) -> str:
    """A consumer group for a test connector, starting at the current end of its topics."""
    koppeling = laad_koppeling(agency)
    return group_at_end(bootstrap, koppeling.naam, (t.name for t in koppeling.topics))


def _on_own_loop(work: Coroutine[Any, Any, None]) -> None:
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, work).result(timeout=60)


def random_letters(count: int) -> str:
    """``count`` random lowercase letters: a unique name the hub keeps as it is (it masks every
    run of nine digits in what it keeps, as a possible BSN; a uuid's hex often holds one)."""
    return "".join(secrets.choice(string.ascii_lowercase) for _ in range(count))
