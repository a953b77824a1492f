"""Read single records at their offset (a dead letter's copy, and its original at the origin),
and produce replays.

:class:`DeadLetterReader` opens aiokafka consumers without a group: each assigns itself the
partition, seeks to the offset, and reads that one record; nothing is committed, no group's
position moves (the hub's ``<group>-deadletters`` subscriber goes on as it was). They connect
with the hub's own certificate: the hub may read every dead-letter topic, the answer topics, and
the topics it writes itself (``schemas.topics.acl_entries``).

:class:`BrokerProducer` replays with the hub's own producer (its FastStream broker: idempotent,
acks=all); :class:`OperatorProducer` with the operators' identity (``beheer``), for topics only
an agency may write, started on first use.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from faststream.kafka import KafkaBroker

from schemas.identiteit import KafkaTls

READ_TIMEOUT_SECONDS = 10.0
"""How long to wait for a record the topic's offsets say is there."""


def _tls_kwargs(tls: KafkaTls | None) -> dict[str, Any]:
    return {} if tls is None else tls.client_kwargs()


@dataclass(frozen=True, slots=True)
class StoredRecord:
    """A record as it is on a topic (the dead-letter copy, or the original at its origin)."""

    key: bytes | None
    value: bytes | None
    headers: Sequence[tuple[str, bytes | None]]


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a produced record landed (unknown on an in-memory broker)."""

    partition: int | None
    offset: int | None


class _OpenReader:
    """One consumer for all the reads of a request. The offsets a partition holds are asked
    once (again only for an offset past the known end); reads in offset order need no seek, so
    they come from what the consumer fetched ahead."""

    def __init__(self, consumer: AIOKafkaConsumer, topic: str) -> None:
        self._consumer = consumer
        self._topic = topic
        self._bounds: dict[int, tuple[int, int]] = {}
        self._next: tuple[int, int] | None = None
        """(partition, offset) the consumer reads next without a seek."""

    async def _held(self, tp: TopicPartition, offset: int) -> bool:
        bounds = self._bounds.get(tp.partition)
        if bounds is None or offset >= bounds[1]:
            first = (await self._consumer.beginning_offsets([tp]))[tp]
            end = (await self._consumer.end_offsets([tp]))[tp]
            bounds = self._bounds[tp.partition] = (first, end)
        return bounds[0] <= offset < bounds[1]

    async def read(self, partition: int, offset: int) -> StoredRecord | None:
        tp = TopicPartition(self._topic, partition)
        if tp not in self._consumer.assignment():
            self._consumer.assign([tp])
            self._next = None
        if not await self._held(tp, offset):
            return None  # deleted by retention, or never there
        if self._next != (partition, offset):
            self._consumer.seek(tp, offset)
        self._next = None
        records: list[Any] = []
        try:
            async with asyncio.timeout(READ_TIMEOUT_SECONDS):
                while not records:
                    batch = await self._consumer.getmany(tp, timeout_ms=500, max_records=1)
                    records = batch.get(tp, [])
        except TimeoutError:
            return None  # nothing readable from there on (only a transaction marker)
        record = records[0]
        self._next = (partition, record.offset + 1)
        if record.offset != offset:
            return None  # the offset itself is gone (compacted, or a transaction marker)
        return StoredRecord(key=record.key, value=record.value, headers=list(record.headers))

    async def stop(self) -> None:
        await self._consumer.stop()


class _Readers:
    """One consumer per topic read in a request (the dead-letter topics, the origins): reads of
    one topic in offset order then come from what its consumer fetched ahead."""

    def __init__(self, bootstrap_servers: str, tls: KafkaTls | None) -> None:
        self._bootstrap = bootstrap_servers
        self._tls = tls
        self._readers: dict[str, _OpenReader] = {}

    async def read(self, topic: str, partition: int, offset: int) -> StoredRecord | None:
        reader = self._readers.get(topic)
        if reader is None:
            consumer = AIOKafkaConsumer(
                bootstrap_servers=self._bootstrap,
                group_id=None,
                enable_auto_commit=False,
                auto_offset_reset="none",
                client_id="maatwerk-hub-replay",
                **_tls_kwargs(self._tls),
            )
            await consumer.start()
            reader = self._readers[topic] = _OpenReader(consumer, topic)
        return await reader.read(partition, offset)

    async def stop(self) -> None:
        for reader in self._readers.values():
            await reader.stop()
        self._readers.clear()


class DeadLetterReader:
    """Opens a reader of single records; one per replay request, for all its records."""

    def __init__(self, bootstrap_servers: str, tls: KafkaTls | None) -> None:
        self._bootstrap = bootstrap_servers
        self._tls = tls

    @contextlib.asynccontextmanager
    async def open(self) -> AsyncIterator[_Readers]:
        readers = _Readers(self._bootstrap, self._tls)
        try:
            yield readers
        finally:
            await readers.stop()


class BrokerProducer:
    """Replays with the hub's own producer: its broker (idempotent, acks=all)."""

    def __init__(self, broker: KafkaBroker) -> None:
        self._broker = broker

    async def send(
        self,
        topic: str,
        *,
        key: bytes | None,
        value: bytes | None,
        headers: list[tuple[str, bytes]],
    ) -> Placement:
        sent = await self._broker.publish(
            value or b"",
            topic,
            key=key,
            headers={name: raw.decode("utf-8", "replace") for name, raw in headers},
        )
        return Placement(getattr(sent, "partition", None), getattr(sent, "offset", None))


class OperatorProducer:
    """Replays with the operators' Kafka identity; connects on first use."""

    def __init__(self, bootstrap_servers: str, tls: KafkaTls) -> None:
        self._bootstrap = bootstrap_servers
        self._tls = tls
        self._producer: AIOKafkaProducer | None = None
        self._lock = asyncio.Lock()

    async def _started(self) -> AIOKafkaProducer:
        async with self._lock:
            if self._producer is None:
                producer = AIOKafkaProducer(
                    bootstrap_servers=self._bootstrap,
                    acks="all",
                    enable_idempotence=True,
                    client_id="maatwerk-hub-replay",
                    **_tls_kwargs(self._tls),
                )
                await producer.start()
                self._producer = producer
            return self._producer

    async def send(
        self,
        topic: str,
        *,
        key: bytes | None,
        value: bytes | None,
        headers: list[tuple[str, bytes]],
    ) -> Placement:
        producer = await self._started()
        sent = await producer.send_and_wait(topic, value, key=key, headers=headers)
        return Placement(sent.partition, sent.offset)

    async def stop(self) -> None:
        async with self._lock:
            if self._producer is not None:
                await self._producer.stop()
                self._producer = None
