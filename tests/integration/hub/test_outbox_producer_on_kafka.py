"""The outbox relay's publisher on a real broker: a batch that failed does not block its
partition for good.

aiokafka's idempotent producer is left with a gap in its sequence numbers when a batch that
already had its number fails for good (it expired while the broker restarted, or the broker
refused it); from then on the broker refuses every batch of that producer on the partition
(``OutOfOrderSequenceNumber``) and aiokafka never recovers (see :mod:`schemas.producer`). The
gap is made directly in the producer's state here, so the test does not depend on how long a
broker takes to restart.
"""

from __future__ import annotations

import uuid

import pytest
from aiokafka.structs import TopicPartition
from faststream.kafka import KafkaBroker

from hub.adapters.kafka import KafkaPublisher, create_broker
from hub.adapters.outbox import Outgoing
from hub.settings import Settings
from schemas import CONTENT_TYPE
from schemas.topics import instructie_topic
from tests.support.kafka import kafka_tls

pytestmark = pytest.mark.kafka

TOPIC = instructie_topic("duo")


def sequence_gap(broker: KafkaBroker) -> None:
    """Leave the producer one sequence number ahead on every partition of :data:`TOPIC`."""
    producer = broker.config.producer._producer.producer  # type: ignore[attr-defined]
    for partition in range(TOPIC.partitions):
        producer._txn_manager.increment_sequence_number(TopicPartition(TOPIC.name, partition), 1)


def message(key: bytes) -> Outgoing:
    value = f'{{"id": "{uuid.uuid4()}", "test": "outbox producer"}}'.encode()
    return Outgoing(TOPIC.name, key, value, {"content-type": CONTENT_TYPE})


async def test_after_a_failed_batch_the_next_one_is_published(kafka_bootstrap: str):
    tls = kafka_tls("hub")
    settings = Settings(
        kafka_bootstrap_servers=kafka_bootstrap,
        kafka_ssl_cafile=None if tls is None else tls.cafile,
        kafka_ssl_certfile=None if tls is None else tls.certfile,
        kafka_ssl_keyfile=None if tls is None else tls.keyfile,
    )
    broker = create_broker(settings)
    await broker.start()
    try:
        publish = KafkaPublisher(broker)
        key = f"MWL-{uuid.uuid4().hex[:10]}".encode()  # one key: one partition
        assert await publish([message(key)]) == [None]

        sequence_gap(broker)
        (refused,) = await publish([message(key)])  # the gap shows: the broker refuses it
        assert refused is not None

        for _ in range(3):  # and the partition is open again from the next batch on
            assert await publish([message(key), message(key)]) == [None, None]
    finally:
        await broker.stop()
