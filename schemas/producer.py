"""A broker's idempotent producer, replaced by a fresh one after a publish failed.

Why: aiokafka (0.14) gives a record batch its sequence number the first time it sends it. If
that batch then fails for good, the producer's next sequence number for the partition is ahead of
the broker's, and the broker refuses every later batch there with ``OutOfOrderSequenceNumber``,
for as long as the process lives: aiokafka never resets it (the Java client bumps its epoch).
The fault suite met it after a broker restart longer than ``request_timeout_ms`` (40 s): a
connector draining the backlog of a back-office that had been frozen had an answer in flight
when the broker shut down; the partition lost its leader, aiokafka expired the batch
(``LeaderNotAvailableError``) although it already had a sequence number, and after the restart
every answer on that partition failed: a third of the agency's orders stayed pending.

A fresh producer gets a new producer id, whose sequences start at zero on every partition. The
record whose publish failed is redelivered (at-least-once; answers and instructions carry stable
event ids, so a copy the broker did take is a duplicate the consumer ignores).

The producer is FastStream's: it is the one ``broker.publish`` and the tracing middleware use,
and :func:`vernieuw_producer` swaps the aiokafka producer inside it, built with the very
arguments FastStream built the first with.
"""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from typing import Any

import structlog
from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError
from faststream.kafka import KafkaBroker
from faststream.kafka.publisher.producer import AioKafkaFastProducerImpl
from faststream.kafka.publisher.state import RealProducer

log = structlog.get_logger("schemas.producer")

START_SECONDS = 30.0
"""Longest wait for a fresh producer to connect (and get its producer id)."""


async def vernieuw_producer(broker: KafkaBroker, *, seconds: float = START_SECONDS) -> None:
    """Replace the broker's aiokafka producer by a fresh, started one; the old one is stopped.

    Raises (``KafkaError``, ``TimeoutError``) when the broker cannot be reached: the old
    producer then stays, and the caller tries again on its next publish."""
    fast = getattr(getattr(broker, "config", None), "producer", None)
    if not isinstance(fast, AioKafkaFastProducerImpl):  # a test broker: no producer to swap
        return
    nieuw = AIOKafkaProducer(**broker._connection_kwargs)
    try:
        async with asyncio.timeout(seconds):  # wait_for drops a cancellation on Python 3.11
            await nieuw.start()
    except BaseException:
        with contextlib.suppress(Exception):
            async with asyncio.timeout(seconds):
                await nieuw.stop()
        raise
    oud = fast._producer  # FastStream keeps no other handle on it
    fast._producer = RealProducer(nieuw)
    with contextlib.suppress(Exception):
        async with asyncio.timeout(seconds):
            await oud.stop()


class VerseProducer:
    """Publishes through ``broker``; after a publish failed, the next one first replaces the
    producer (:func:`vernieuw_producer`).

    Every failure counts, not only ``OutOfOrderSequenceNumber``: the batch that leaves the gap
    fails with whatever error expired it, and the gap only shows on the publish after it."""

    @classmethod
    def van(cls, broker: KafkaBroker) -> VerseProducer:
        """The one for ``broker``: every publisher on a broker shares its producer, so a failure
        seen by one must renew it for all."""
        producer = _PER_BROKER.get(broker)
        if producer is None:
            producer = _PER_BROKER[broker] = cls(broker)
        return producer

    def __init__(self, broker: KafkaBroker, *, seconds: float = START_SECONDS) -> None:
        self._broker_ref = weakref.ref(broker)
        """Weak: the one per broker lives in a ``WeakKeyDictionary`` keyed by the broker, and a
        strong reference from the value would keep the broker (and whatever holds it: a whole
        hub) alive for the rest of the process."""
        self._seconds = seconds
        self._verdacht = False
        self._lock = asyncio.Lock()
        self.vernieuwd = 0
        """Times the producer was replaced (for tests and the logs)."""

    def verdacht(self) -> None:
        """A publish through this broker failed: replace the producer before the next one."""
        self._verdacht = True

    async def gereed(self) -> None:
        """Replace the producer if a publish failed since the last replacement."""
        if not self._verdacht:
            return
        async with self._lock:
            if not self._verdacht:
                return
            await vernieuw_producer(self._broker(), seconds=self._seconds)
            self._verdacht = False
            self.vernieuwd += 1
            log.warning("kafka producer replaced after a failed publish", times=self.vernieuwd)

    def _broker(self) -> KafkaBroker:
        broker = self._broker_ref()
        if broker is None:
            raise RuntimeError("the broker of this producer is gone")
        return broker

    async def publish(self, *args: Any, **kwargs: Any) -> Any:
        """``broker.publish(*args, **kwargs)``, on a fresh producer if the last one failed."""
        await self.gereed()
        try:
            return await self._broker().publish(*args, **kwargs)
        except (KafkaError, TimeoutError):
            self.verdacht()
            raise


_PER_BROKER: weakref.WeakKeyDictionary[KafkaBroker, VerseProducer] = weakref.WeakKeyDictionary()
