"""A connector whose answer partition has a gap in its producer's sequence numbers goes on
answering, on a real broker.

The gap is what aiokafka leaves when a batch that already had its sequence number fails for
good: the fault suite met it after a broker restart longer than ``request_timeout_ms`` while a
connector was publishing (the batch expired with ``LeaderNotAvailableError``). From then on the
broker refuses every batch of that producer on the partition (``OutOfOrderSequenceNumber``) and
aiokafka never recovers: before the fix every answer on that partition failed, the instruction
was redelivered for ever, and a third of the agency's orders stayed pending (see
:mod:`schemas.producer`). Here the gap is made directly in the producer's state, so the test
does not depend on how long a broker takes to restart.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from aiokafka.structs import TopicPartition
from faststream.kafka import KafkaBroker

from schemas.topics import opschorting_antwoord_topic
from tests.integration.connectors.steun import (
    answers_to,
    connector_in_process,
    publish_instruction,
    sealed,
    start_simulator,
    suspensions,
)
from tests.support.processes import free_port

pytestmark = pytest.mark.kafka

AGENCY = "cjib"
CONFIRMED_EVERYWHERE = "999990019"


@pytest.fixture(scope="module")
def cjib_url(logs: Path) -> Iterator[str]:
    port = free_port()
    simulator = start_simulator(AGENCY, port, logs)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        simulator.terminate()


def sequence_gap(broker: KafkaBroker, topic: str, partitions: int) -> None:
    """Leave the broker's idempotent producer one sequence number ahead on every partition of
    ``topic``: the state aiokafka is in after a batch that had its number failed for good."""
    producer = broker.config.producer._producer.producer  # type: ignore[attr-defined]
    for partition in range(partitions):
        producer._txn_manager.increment_sequence_number(TopicPartition(topic, partition), 1)


async def test_answers_go_on_after_a_gap_in_the_producers_sequence_numbers(
    kafka_bootstrap: str, keys_dir: Path, cjib_url: str
):
    antwoorden = opschorting_antwoord_topic(AGENCY)
    async with connector_in_process(
        AGENCY, kafka_bootstrap, keys_dir, cjib_url, vanaf_einde=True
    ) as broker:
        before = sealed(AGENCY, CONFIRMED_EVERYWHERE, keys_dir)
        await publish_instruction(kafka_bootstrap, before)
        await answers_to(kafka_bootstrap, before, seconds=30)

        sequence_gap(broker, antwoorden.name, antwoorden.partitions)
        # the same casus: the answers go to the partition where the broker knows the producer
        after = [
            sealed(AGENCY, CONFIRMED_EVERYWHERE, keys_dir, casus=before.subject) for _ in range(3)
        ]
        for event in after:
            await publish_instruction(kafka_bootstrap, event)

        for event in after:
            (answer,) = await answers_to(kafka_bootstrap, event, seconds=30)
            assert answer["type"] == "nl.maatwerk.opschorting.bevestigd.v1"
    held = {s["sleutel"] for s in await suspensions(cjib_url)}
    assert {e.id for e in after} <= held
