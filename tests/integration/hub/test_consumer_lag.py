"""Consumer lag on a real broker, measured with the hub's own certificate: records a group has
not consumed show as lag on their partition, and none once the group has consumed them."""

from __future__ import annotations

import uuid

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from prometheus_client import generate_latest

from hub.adapters.consumer_lag import ConsumerLagMonitor, connector_groups
from hub.adapters.metrics import HubMetrics
from schemas.topics import opschorting_antwoord_topic
from tests.support.kafka import client_kwargs, kafka_tls

pytestmark = pytest.mark.kafka

TOPIC = opschorting_antwoord_topic("cjib").name


def lag_of(metrics: HubMetrics, group: str, partition: int) -> float:
    value = metrics.registry.get_sample_value(
        "hub_consumer_lag", {"group": group, "topic": TOPIC, "partition": str(partition)}
    )
    assert value is not None, f"no hub_consumer_lag for {group} {TOPIC} {partition}"
    return value


async def produce(bootstrap: str, key: bytes, count: int) -> tuple[int, int]:
    """``count`` records with one key (one partition); returns the partition and the last offset."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, **client_kwargs("cjib"))
    await producer.start()
    try:
        for _ in range(count):
            sent = await producer.send_and_wait(TOPIC, b"{}", key=key)
    finally:
        await producer.stop()
    return sent.partition, sent.offset


async def consume_to(bootstrap: str, group: str, tp: TopicPartition, last: int) -> None:
    """Consume ``tp`` as ``group`` up to and including offset ``last``, and commit."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap,
        group_id=group,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        **client_kwargs(),
    )
    await consumer.start()
    try:
        consumer.assign([tp])
        await consumer.seek_to_beginning(tp)
        while await consumer.position(tp) <= last:
            await consumer.getmany(tp, timeout_ms=500)
        await consumer.commit()
    finally:
        await consumer.stop()


async def test_lag_shows_what_a_group_has_not_consumed_and_goes_to_zero_after(kafka_bootstrap):
    group = f"hub-lag-{uuid.uuid4()}"  # a hub group: the hub's certificate may describe it
    metrics = HubMetrics()
    monitor = ConsumerLagMonitor(
        kafka_bootstrap, {group: [TOPIC]}, tls=kafka_tls("hub"), on_lags=metrics.record_lag
    )
    partition, last = await produce(kafka_bootstrap, uuid.uuid4().bytes, 3)

    await monitor.refresh()
    assert lag_of(metrics, group, partition) >= 3

    await consume_to(kafka_bootstrap, group, TopicPartition(TOPIC, partition), last)
    await monitor.refresh()
    assert lag_of(metrics, group, partition) == 0
    text = generate_latest(metrics.registry).decode()
    assert f'hub_consumer_lag{{group="{group}",partition="{partition}",topic="{TOPIC}"}}' in text


async def test_the_hub_may_measure_every_connectors_group(kafka_bootstrap):
    monitor = ConsumerLagMonitor(kafka_bootstrap, connector_groups(), tls=kafka_tls("hub"))
    lags = await monitor.measure()  # refused without DESCRIBE on the connectors' groups
    assert {lag.group for lag in lags} == set(connector_groups())
