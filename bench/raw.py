"""The reference: aiokafka alone on the same broker, with the same mutual TLS.

A hop is what every link of the chain does at the least: read a batch (``getmany``), send each
record on with ``acks=all`` and idempotence, wait for the broker's acknowledgements, commit the
batch. Measured two ways, on two topics of their own (3 partitions, as the hub's) that are
deleted afterwards:

- pass-through: ``records`` records of about 1.2 KB already on the input topic, the hop's
  records/s from its first batch to its last acknowledgement;
- round trip: one record in flight: sent to the input topic, through the hop, read back from
  the output topic; the client's time per record.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from hub.adapters.topic_admin import admin_client, ensure_topics
from schemas.topics import Topic
from tests.support.kafka import client_kwargs, kafka_tls

RECORD_BYTES = 1200
PARTITIONS = 3


@dataclass(frozen=True)
class RawFigures:
    records: int
    pass_through_per_s: float
    round_trips: list[float]
    """Seconds per one-in-flight round trip."""


async def measure(bootstrap: str, *, records: int, round_trips: int) -> RawFigures:
    async with _topics(bootstrap) as (source, sink):
        # One group: the round trips' hop starts where the pass-through's left off.
        group = f"maatwerk-bench-{uuid.uuid4()}"
        rate = await _pass_through(_Hop(bootstrap, source, sink, group), records)
        times = await _round_trips(_Hop(bootstrap, source, sink, group), round_trips)
    return RawFigures(records, rate, times)


@contextlib.asynccontextmanager
async def _topics(bootstrap: str) -> AsyncIterator[tuple[str, str]]:
    run = uuid.uuid4().hex[:8]
    names = (f"maatwerk.bench.{run}.in", f"maatwerk.bench.{run}.out")
    topics = [Topic(n, "benchmark (raw aiokafka)", (), ("beheer",), ("beheer",)) for n in names]
    await ensure_topics(bootstrap, topics, tls=kafka_tls())
    try:
        yield names
    finally:
        admin = admin_client(bootstrap, kafka_tls())
        await admin.start()
        try:
            await admin.delete_topics(list(names))
        finally:
            await admin.close()


def _producer(bootstrap: str) -> AIOKafkaProducer:
    return AIOKafkaProducer(
        bootstrap_servers=bootstrap, acks="all", enable_idempotence=True, **client_kwargs()
    )


class _Hop:
    """Consume -> produce, commit per batch: the least every link of the chain does."""

    def __init__(self, bootstrap: str, source: str, sink: str, group: str) -> None:
        self.bootstrap, self.source, self.sink = bootstrap, source, sink
        self.consumer = AIOKafkaConsumer(
            source,
            bootstrap_servers=bootstrap,
            group_id=group,
            auto_offset_reset="earliest",
            enable_auto_commit=False,
            isolation_level="read_committed",
            **client_kwargs(),
        )
        self.producer = _producer(bootstrap)
        self.moved = 0
        self.first_batch: float | None = None
        self.last_ack = 0.0

    async def run(self, until: int | None = None) -> None:
        """Moves records until ``until`` moved (None: until cancelled)."""
        await self.consumer.start()
        await self.producer.start()
        try:
            while until is None or self.moved < until:
                batches = await self.consumer.getmany(timeout_ms=200, max_records=1000)
                if not batches:
                    continue
                if self.first_batch is None:
                    self.first_batch = time.perf_counter()
                sent = [
                    await self.producer.send(self.sink, r.value, key=r.key)
                    for records in batches.values()
                    for r in records
                ]
                await asyncio.gather(*sent)
                await self.consumer.commit()
                self.moved += len(sent)
                self.last_ack = time.perf_counter()
        finally:
            await self.consumer.stop()
            await self.producer.stop()


async def _pass_through(hop: _Hop, records: int) -> float:
    producer = _producer(hop.bootstrap)
    await producer.start()
    try:
        sent = [
            await producer.send(hop.source, os.urandom(RECORD_BYTES), key=f"{i}".encode())
            for i in range(records)
        ]
        await asyncio.gather(*sent)
    finally:
        await producer.stop()
    await hop.run(until=records)
    assert hop.first_batch is not None
    return hop.moved / (hop.last_ack - hop.first_batch)


async def _round_trips(hop: _Hop, count: int) -> list[float]:
    bootstrap, source, sink = hop.bootstrap, hop.source, hop.sink
    reader = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, enable_auto_commit=False, **client_kwargs()
    )
    producer = _producer(bootstrap)
    await reader.start()
    await producer.start()
    hopping = asyncio.create_task(hop.run())
    try:
        reader.assign([TopicPartition(sink, p) for p in range(PARTITIONS)])
        await reader.seek_to_end()
        times: list[float] = []
        warm_up = 5
        for i in range(count + warm_up):
            marker = uuid.uuid4().bytes
            started = time.perf_counter()
            await producer.send_and_wait(
                source, marker + os.urandom(RECORD_BYTES - 16), key=f"{i}".encode()
            )
            await _read_until(reader, marker, hopping)
            if i >= warm_up:
                times.append(time.perf_counter() - started)
        return times
    finally:
        hopping.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await hopping
        await producer.stop()
        await reader.stop()


async def _read_until(reader: AIOKafkaConsumer, marker: bytes, hopping: asyncio.Task[None]) -> None:
    async with asyncio.timeout(30):
        while True:
            if hopping.done():
                hopping.result()  # the hop's failure, not a timeout
            batches = await reader.getmany(timeout_ms=200)
            for records in batches.values():
                if any(r.value is not None and r.value.startswith(marker) for r in records):
                    return
