"""A FastStream batch subscriber that waits on the broker for records, and never pauses after.

Why: FastStream's (0.7.8) ``BatchSubscriber.get_msg`` asks aiokafka for records with
``getmany(timeout_ms=batch_timeout_ms)`` and, when that found nothing, sleeps ``batch_timeout_ms``
before it asks again. A short timeout (the hub's answer consumer and every connector's instruction
consumer had 20 ms, so that an answer arriving in the sleep was not held up) wakes an idle process
about 25 times a second per subscriber, each time with a look, a sleep and their timers; a long
one holds up whatever arrives during the sleep. aiokafka's ``getmany`` needs no sleep: it waits
on its fetcher (which fetches in the background all the time) and returns as soon as any
record is there, whatever the timeout; a critical error of the group wakes it too.

So :class:`WaitingBatchSubscriber` waits long (:data:`IDLE_WAIT_MS`) and looks again at once
when that found nothing: idle, a subscriber wakes once per wait; a record is handed over the
moment the fetcher has it. Everything else is FastStream's own batch subscriber: the consume
loop, the ack policy (offsets committed after the handler), the rebalance listener, and
``stop``, which cancels the consume task, so a wait in progress does not slow a shutdown.

Nor does a batch wait for the broker to confirm the offsets of the one before it: FastStream
commits a batch's offsets after its handler (``AckPolicy.NACK_ON_ERROR``) and looks for the next
batch only once the broker has answered that commit, a round trip to the group coordinator between
every two batches (10-25 ms median, 55-95 ms p90, on the loaded 2-core machine; the hub's answers
to one order come in two or three batches). :class:`BackgroundCommits` sends that commit, of exactly
the offsets of the batch handed over, and returns: the next batch is handed over while it is on
its way. Commits go out one after the other, in order; a commit that fails is logged (the next one
covers its offsets; if the consumer stops first, the records after the last commit are read again,
as after a crash: at-least-once, and every consumer here ignores what it did before). A commit is
never sent before its batch was handled, and a stop waits for those under way.

FastStream builds its subscribers in ``broker.subscriber(...)`` with no hook for a subclass;
:func:`waits_for_records` turns the one it returned into a :class:`WaitingBatchSubscriber` (same
slots, only ``get_msg`` differs), before the broker starts. Nothing of FastStream changes for
any other subscriber.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Awaitable, Callable, Mapping, Sequence
from itertools import chain
from typing import TYPE_CHECKING, Any

import structlog
from aiokafka import TopicPartition
from faststream.kafka.subscriber.usecase import BatchSubscriber

if TYPE_CHECKING:
    from aiokafka import AIOKafkaConsumer, ConsumerRecord
    from faststream.kafka import KafkaBroker

log = structlog.get_logger("schemas.batch_subscriber")

IDLE_WAIT_MS = 2_000
"""How long one look waits for records. It costs no latency (the look returns as soon as any
record is fetched), so it only sets how often an idle subscriber wakes: twice a minute would
do as well, but a bounded wait means the loop still comes round now and then, as FastStream's
own loop expects (it checks between looks whether the subscriber still runs)."""


Offsets = Mapping[TopicPartition, int]
Commit = Callable[..., Awaitable[None]]


class BackgroundCommits:
    """One consumer's offset commits, sent in the background, one after the other.

    Installed as the consumer's ``commit`` (what FastStream's acknowledgement and the connector's
    partial commit call): it takes the offsets at once (given, or else those of the batch last
    handed over) and returns; the consumer's own commit sends them after the commits before."""

    def __init__(self, commit: Commit) -> None:
        self._commit = commit
        self._handed: dict[TopicPartition, int] = {}
        self._last: asyncio.Task[None] | None = None
        self.sent: int = 0
        """Commits the broker answered."""

    @classmethod
    def of(cls, consumer: Any) -> BackgroundCommits:
        """The consumer's, installed as its ``commit`` the first time."""
        try:
            commits = _PER_CONSUMER.get(consumer)
            if commits is None:
                commits = _PER_CONSUMER[consumer] = cls(consumer.commit)
                consumer.commit = commits.commit
        except TypeError:  # a stand-in that cannot be referred to weakly: commits as it does
            return cls(consumer.commit)
        return commits

    def handed_over(self, records: Sequence[ConsumerRecord[Any, Any]]) -> None:
        """The batch about to be handled: a commit without offsets commits past its records."""
        offsets: dict[TopicPartition, int] = {}
        for record in records:
            tp = TopicPartition(record.topic, record.partition)
            offsets[tp] = max(offsets.get(tp, 0), record.offset + 1)
        self._handed = offsets

    async def commit(self, offsets: Offsets | None = None) -> None:
        """Commit ``offsets`` (default: past the batch handed over) after the commits before,
        without waiting for the broker."""
        taken = dict(self._handed if offsets is None else offsets)
        if taken:
            self._last = asyncio.create_task(self._send(self._last, taken))

    async def _send(self, before: asyncio.Task[None] | None, offsets: Offsets) -> None:
        if before is not None:
            await asyncio.wait([before])  # in order, whatever became of it
        try:
            await self._commit(offsets)
        except Exception as exc:  # the next commit covers these offsets, or they are read again
            log.warning(
                "offset commit failed: records after the last commit may be read again",
                error=type(exc).__name__,
            )
        else:
            self.sent += 1

    async def flush(self) -> None:
        """Wait for the commits under way."""
        if self._last is not None:
            await asyncio.wait([self._last])


_PER_CONSUMER: weakref.WeakKeyDictionary[Any, BackgroundCommits] = weakref.WeakKeyDictionary()


class WaitingBatchSubscriber(BatchSubscriber):
    """FastStream's batch subscriber whose look waits on the broker and never sleeps, and which
    does not wait for the broker to confirm a batch's offsets before handing over the next."""

    __slots__ = ()

    async def get_msg(self, consumer: AIOKafkaConsumer) -> tuple[ConsumerRecord[Any, Any], ...]:
        records = await consumer.getmany(
            timeout_ms=self.batch_timeout_ms, max_records=self.max_records
        )
        batch = tuple(chain.from_iterable(records.values()))
        if batch:  # before its handler, and so before FastStream commits its offsets
            BackgroundCommits.of(consumer).handed_over(batch)
        return batch

    async def stop(self) -> None:
        if self.consumer is not None:
            await BackgroundCommits.of(self.consumer).flush()
        await super().stop()


def waits_for_records(
    subscriber: BatchSubscriber, *, wait_ms: int = IDLE_WAIT_MS
) -> WaitingBatchSubscriber:
    """``subscriber`` (what ``broker.subscriber(..., batch=True)`` returned, before the broker
    starts), made to wait ``wait_ms`` for records and never sleep: decorate the handler with
    what this returns. Its ``batch_timeout_ms`` is replaced by ``wait_ms``."""
    if type(subscriber) is not BatchSubscriber:
        raise TypeError(f"a FastStream BatchSubscriber is needed, not {type(subscriber).__name__}")
    subscriber.__class__ = WaitingBatchSubscriber
    subscriber.batch_timeout_ms = wait_ms
    assert isinstance(subscriber, WaitingBatchSubscriber)
    return subscriber


def handled_message(broker: KafkaBroker) -> Any:
    """The message ``broker`` is handling now (a batch subscriber's: its records in
    ``raw_message``), for its handler.

    Read from the broker's context instead of asked for as a ``KafkaMessage`` parameter: FastStream
    resolves such a parameter through a context field whose ``use`` is a plain function, which
    fast_depends runs in a worker thread, a hand-over to a thread and back for every batch (a
    scheduler slice each way on a busy machine, on the path of every record)."""
    message = broker.context.get_local("message")
    if message is None:
        raise RuntimeError("no message is being handled")
    return message
