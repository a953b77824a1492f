"""The broker the tests get (``kafka_bootstrap``) does what the hub and connectors rely on with
aiokafka: plain, idempotent and transactional producing, committed-only reading, and no topic
auto-creation."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError

from schemas.topics import Topic, catalogue
from tests.support.kafka import (
    CLOUDEVENTS_CONTENT_TYPE,
    client_kwargs,
    consume_until,
    ensure_topics,
    kafka_tls,
    publish_event,
)

pytestmark = pytest.mark.kafka


def _event(subject: str, n: int = 0) -> dict[str, object]:
    return {
        "specversion": "1.0",
        "id": str(uuid.uuid4()),
        "source": "urn:nld:oin:00000001999999990201:systeem:tests",
        "type": "nl.maatwerk.test.v1",
        "subject": subject,
        "datacontenttype": "application/json",
        "data": {"n": n},
    }


@pytest.fixture
async def scratch_topic(kafka_bootstrap: str) -> AsyncIterator[str]:
    """A fresh topic for one test (auto-creation is off), deleted afterwards."""
    name = f"maatwerk.test.{uuid.uuid4().hex[:12]}.v1"
    topic = Topic(name, "scratch", (), ("tests",), ("tests",), partitions=1)
    assert await ensure_topics(kafka_bootstrap, [topic], tls=kafka_tls()) == [name]
    yield name
    await _delete_topics(kafka_bootstrap, [name])


async def _delete_topics(bootstrap: str, names: list[str]) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, **client_kwargs())
    await admin.start()
    try:
        await admin.delete_topics(names)
    finally:
        await admin.close()


async def test_catalogue_topics_exist(kafka_bootstrap: str) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka_bootstrap, **client_kwargs())
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        described = {
            t["topic"]: t for t in await admin.describe_topics([t.name for t in catalogue()])
        }
    finally:
        await admin.close()
    for topic in catalogue():
        assert topic.name in existing
        assert len(described[topic.name]["partitions"]) == topic.partitions
    # A second run creates nothing.
    assert await ensure_topics(kafka_bootstrap, catalogue(), tls=kafka_tls()) == []


async def test_produce_and_consume_a_cloudevent(kafka_bootstrap: str, scratch_topic: str) -> None:
    subject = str(uuid.uuid4())
    event = _event(subject)
    await publish_event(kafka_bootstrap, scratch_topic, event)

    [received] = await consume_until(
        kafka_bootstrap, scratch_topic, lambda e: e["subject"] == subject, timeout=30
    )
    assert received == event

    consumer = AIOKafkaConsumer(
        scratch_topic,
        bootstrap_servers=kafka_bootstrap,
        group_id=f"t-{uuid.uuid4()}",
        auto_offset_reset="earliest",
        **client_kwargs(),
    )
    await consumer.start()
    try:
        record = await asyncio.wait_for(consumer.getone(), timeout=30)
    finally:
        await consumer.stop()
    assert record.key == subject.encode()
    assert dict(record.headers)["content-type"] == CLOUDEVENTS_CONTENT_TYPE.encode()


async def test_idempotent_producer(kafka_bootstrap: str, scratch_topic: str) -> None:
    subject = str(uuid.uuid4())
    producer = AIOKafkaProducer(
        bootstrap_servers=kafka_bootstrap, enable_idempotence=True, acks="all", **client_kwargs()
    )
    await producer.start()
    try:
        for n in range(5):
            await producer.send(scratch_topic, json.dumps(_event(subject, n)).encode())
        await producer.flush()
    finally:
        await producer.stop()

    received = await consume_until(
        kafka_bootstrap, scratch_topic, lambda e: e["subject"] == subject, timeout=30, count=5
    )
    assert [e["data"]["n"] for e in received] == [0, 1, 2, 3, 4]


async def test_transactional_producer(kafka_bootstrap: str, scratch_topic: str) -> None:
    subject = str(uuid.uuid4())
    producer = AIOKafkaProducer(
        bootstrap_servers=kafka_bootstrap,
        transactional_id=f"maatwerk-tests-{uuid.uuid4()}",
        **client_kwargs(),
    )
    await producer.start()
    try:
        async with producer.transaction():
            await producer.send(scratch_topic, json.dumps(_event(subject, 1)).encode())
        with pytest.raises(RuntimeError, match="abort me"):
            async with producer.transaction():
                await producer.send(scratch_topic, json.dumps(_event(subject, 2)).encode())
                await producer.flush()
                raise RuntimeError("abort me")
        async with producer.transaction():
            await producer.send(scratch_topic, json.dumps(_event(subject, 3)).encode())
    finally:
        await producer.stop()

    # read_committed (consume_until's isolation level) skips the aborted record.
    received = await consume_until(
        kafka_bootstrap, scratch_topic, lambda e: e["subject"] == subject, timeout=30, count=2
    )
    assert [e["data"]["n"] for e in received] == [1, 3]


async def test_topics_are_not_auto_created(kafka_bootstrap: str) -> None:
    producer = AIOKafkaProducer(
        bootstrap_servers=kafka_bootstrap, request_timeout_ms=3000, **client_kwargs()
    )
    await producer.start()
    try:
        with pytest.raises(KafkaError):
            await asyncio.wait_for(
                producer.send_and_wait(f"maatwerk.test.nonexistent.{uuid.uuid4().hex}", b"x"),
                timeout=15,
            )
    finally:
        await producer.stop()


async def test_consume_transform_produce_in_one_transaction(kafka_bootstrap: str) -> None:
    """Exactly-once forwarding: the output record and the input offset commit together."""
    source, sink = (
        f"maatwerk.test.{uuid.uuid4().hex[:12]}.v1",
        f"maatwerk.test.{uuid.uuid4().hex[:12]}.v1",
    )
    await ensure_topics(
        kafka_bootstrap,
        [
            Topic(name, "scratch", (), ("tests",), ("tests",), partitions=1)
            for name in (source, sink)
        ],
        tls=kafka_tls(),
    )
    subject = str(uuid.uuid4())
    await publish_event(kafka_bootstrap, source, _event(subject, 7))

    group = f"maatwerk-tests-{uuid.uuid4()}"
    consumer = AIOKafkaConsumer(
        source,
        bootstrap_servers=kafka_bootstrap,
        group_id=group,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        isolation_level="read_committed",
        **client_kwargs(),
    )
    producer = AIOKafkaProducer(
        bootstrap_servers=kafka_bootstrap,
        transactional_id=f"maatwerk-tests-{uuid.uuid4()}",
        **client_kwargs(),
    )
    await consumer.start()
    await producer.start()
    try:
        record = await asyncio.wait_for(consumer.getone(), timeout=30)
        async with producer.transaction():
            await producer.send(sink, record.value, key=record.key)
            tp = next(iter(consumer.assignment()))
            await producer.send_offsets_to_transaction({tp: record.offset + 1}, group)
        # The offset becomes visible once the coordinator has written the commit marker.
        for _ in range(100):
            committed = await consumer.committed(tp)
            if committed is not None:
                break
            await asyncio.sleep(0.1)
    finally:
        await producer.stop()
        await consumer.stop()

    try:
        assert committed == record.offset + 1
        [forwarded] = await consume_until(
            kafka_bootstrap, sink, lambda e: e["subject"] == subject, timeout=30
        )
        assert forwarded["data"] == {"n": 7}
    finally:
        await _delete_topics(kafka_bootstrap, [source, sink])
