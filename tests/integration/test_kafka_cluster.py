"""A three-node cluster (``local-kafka.sh start --nodes 3``): topics replicated on every node with
``min.insync.replicas=2``, and a broker killed while a producer (``acks=all``, idempotent) writes
loses no acknowledged record and stops no writes."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from aiokafka.errors import KafkaError

from hub.adapters.topic_admin import admin_client
from schemas.topics import Topic, catalogue
from tests.support.kafka import client_kwargs, ensure_topics, kafka_tls
from tests.support.kafka_cluster import KafkaCluster

pytestmark = pytest.mark.kafka


@pytest.fixture
async def scratch_topic(kafka_cluster: KafkaCluster) -> AsyncIterator[str]:
    name = f"maatwerk.test.{uuid.uuid4().hex[:12]}.v1"
    topic = Topic(name, "scratch", (), ("tests",), ("tests",), partitions=1)
    assert await ensure_topics(kafka_cluster.bootstrap, [topic], tls=kafka_tls()) == [name]
    yield name


async def _min_insync(bootstrap: str, names: list[str]) -> dict[str, str]:
    admin = admin_client(bootstrap, kafka_tls())
    await admin.start()
    try:
        responses = await admin.describe_configs(
            [ConfigResource(ConfigResourceType.TOPIC, name) for name in names]
        )
    finally:
        await admin.close()
    found = {}
    for response in responses:
        for _code, _message, _type, name, entries in response.resources:
            for key, value, *_ in entries:
                if key == "min.insync.replicas":
                    found[name] = value
    return found


async def test_every_catalogue_topic_has_three_replicas_and_min_insync_two(
    kafka_cluster: KafkaCluster,
) -> None:
    names = [t.name for t in catalogue()]
    admin = admin_client(kafka_cluster.bootstrap, kafka_tls())
    await admin.start()
    try:
        brokers = (await admin.describe_cluster())["brokers"]
        described = await admin.describe_topics(names)
    finally:
        await admin.close()
    assert len(brokers) == 3
    for topic in described:
        for partition in topic["partitions"]:
            assert sorted(partition["replicas"]) == [1, 2, 3], topic["topic"]
    assert await _min_insync(kafka_cluster.bootstrap, names) == dict.fromkeys(names, "2")
    # Setting the configs again (an existing topic) keeps min.insync.replicas.
    assert await ensure_topics(kafka_cluster.bootstrap, catalogue(), tls=kafka_tls()) == []
    assert await _min_insync(kafka_cluster.bootstrap, names) == dict.fromkeys(names, "2")


async def test_killing_the_leader_loses_no_acknowledged_record(
    kafka_cluster: KafkaCluster, scratch_topic: str
) -> None:
    producer = AIOKafkaProducer(
        bootstrap_servers=kafka_cluster.bootstrap,
        acks="all",
        enable_idempotence=True,
        request_timeout_ms=30_000,
        **client_kwargs(),
    )
    acknowledged: list[int] = []
    refused: list[int] = []
    killed_after: int | None = None
    leader = await kafka_cluster.leader(scratch_topic)
    await producer.start()
    try:

        async def send(n: int) -> None:
            try:
                await producer.send_and_wait(scratch_topic, str(n).encode())
            except KafkaError:
                refused.append(n)
            else:
                acknowledged.append(n)

        for n in range(400):
            if n == 100:
                kafka_cluster.kill(leader)
                killed_after = len(acknowledged)
            await send(n)
    finally:
        await producer.stop()
    assert killed_after is not None
    new_leader = await kafka_cluster.leader(scratch_topic)

    consumer = AIOKafkaConsumer(
        scratch_topic,
        bootstrap_servers=kafka_cluster.bootstrap,
        group_id=None,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        **client_kwargs(),
    )
    read: list[int] = []
    await consumer.start()
    try:
        deadline = time.monotonic() + 60
        while len(read) < len(acknowledged) and time.monotonic() < deadline:
            batches = await consumer.getmany(timeout_ms=500)
            read += [int(r.value) for records in batches.values() for r in records if r.value]
    finally:
        await consumer.stop()
        await asyncio.to_thread(kafka_cluster.start, leader)

    print(
        f"\nkilled leader node {leader} after {killed_after} records; new leader {new_leader}; "
        f"acknowledged {len(acknowledged)}, refused {len(refused)}, read back {len(read)}, "
        f"lost {len(set(acknowledged) - set(read))}, duplicates {len(read) - len(set(read))}"
    )
    assert new_leader not in (leader, -1)
    assert set(acknowledged) <= set(read)  # 0 acknowledged records lost
    assert len(read) == len(set(read))  # the idempotent producer wrote none twice
    assert len(acknowledged) - killed_after >= 250  # two of three nodes keep taking writes
