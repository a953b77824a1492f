"""A connector on a real broker, idle: its instruction consumer waits on the broker instead of
looking again and again, never pauses between looks, and still takes a record at once.

FastStream's batch subscriber looked every 20 ms and slept 20 ms after each look that found
nothing: some 25 wake-ups a second per idle connector, and a record arriving during a sleep
waited for it. Now a look waits for records (``schemas.batch_subscriber.IDLE_WAIT_MS``) and
returns as soon as there is one. Counted here: the looks (``getmany`` calls) of the connector's
consumer over a fixed idle period, and the pauses (FastStream's ``anyio.sleep``) in all.
"""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import Any

import anyio
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from faststream.kafka.subscriber.usecase import BatchSubscriber

from connectors.cjib import KOPPELING
from schemas import deadletter as dl
from schemas.batch_subscriber import IDLE_WAIT_MS
from schemas.topics import instructie_topic
from tests.integration.connectors.steun import (
    connector_in_process,
    dead_letter_for,
    headers,
    publish,
)
from tests.support.kafka import client_kwargs

pytestmark = pytest.mark.kafka

IDLE_SECONDS = 6
"""The idle period the looks are counted over."""
NOWHERE = "http://127.0.0.1:9"
"""The back-office: never called (an unreadable record is set aside without it)."""


class Looks:
    """Every ``getmany`` of the connector's consumer (its group), and every pause FastStream's
    subscribers take (``anyio.sleep``)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.looks = 0
        self.pauses: list[float] = []
        getmany = AIOKafkaConsumer.getmany
        sleep = anyio.sleep

        async def look(consumer: AIOKafkaConsumer, *args: Any, **kwargs: Any) -> Any:
            if str(consumer._group_id).startswith(f"{KOPPELING.naam}-it-"):
                self.looks += 1
            return await getmany(consumer, *args, **kwargs)

        async def pause(seconds: float) -> None:
            self.pauses.append(seconds)
            await sleep(seconds)

        monkeypatch.setattr(AIOKafkaConsumer, "getmany", look)
        monkeypatch.setattr(anyio, "sleep", pause)


async def test_an_idle_connector_waits_on_the_broker_and_takes_a_record_at_once(
    kafka_bootstrap: str, keys_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    counted = Looks(monkeypatch)
    topic = instructie_topic("cjib").name
    async with connector_in_process(
        "cjib", kafka_bootstrap, keys_dir, NOWHERE, vanaf_einde=True
    ) as broker:
        (subscriber,) = [s for s in broker.subscribers if isinstance(s, BatchSubscriber)]
        consumer = subscriber.consumer
        assert consumer is not None
        for _ in range(600):  # the group's assignment: until then a look waits for it
            if consumer.assignment():
                break
            await asyncio.sleep(0.1)
        tasks = list(subscriber.tasks)

        before, paused = counted.looks, len(counted.pauses)
        await asyncio.sleep(IDLE_SECONDS)
        idle_looks = counted.looks - before

        garbage = b"not an instruction " + uuid.uuid4().bytes
        sent = await publish(kafka_bootstrap, topic, garbage, b"idle-key")
        record = await dead_letter_for(kafka_bootstrap, lambda r: r.value == garbage)
        assert headers(record)[dl.HEADER_REASON_CODE] == "ongeldig-bericht"
        tp = TopicPartition(topic, sent.partition)
        committed = await _committed(kafka_bootstrap, str(subscriber.group_id), tp, sent.offset)
        pauses = counted.pauses[paused:]

    # Idle, a look waits IDLE_WAIT_MS (it was 20 ms, and a 20 ms pause after it: ~150 looks)
    assert idle_looks <= IDLE_SECONDS * 1000 // IDLE_WAIT_MS + 1
    assert pauses == []  # never a pause, so a record never waits for one to end
    assert committed == sent.offset + 1  # acknowledged after it was dealt with
    assert all(task.done() for task in tasks)  # stopping ended the wait in progress


async def _committed(bootstrap: str, group_id: str, tp: TopicPartition, offset: int) -> int | None:
    """The group's committed offset of ``tp``, once it is past ``offset`` (or after 30 s)."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, group_id=group_id, enable_auto_commit=False, **client_kwargs()
    )
    await consumer.start()
    try:
        for _ in range(300):
            committed = await consumer.committed(tp)
            if committed is not None and committed > offset:
                return committed
            await asyncio.sleep(0.1)
        return await consumer.committed(tp)
    finally:
        await consumer.stop()
