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

FastStream builds its subscribers in ``broker.subscriber(...)`` with no hook for a subclass;
:func:`waits_for_records` turns the one it returned into a :class:`WaitingBatchSubscriber` (same
slots, only ``get_msg`` differs), before the broker starts. Nothing of FastStream changes for
any other subscriber.
"""

from __future__ import annotations

from itertools import chain
from typing import TYPE_CHECKING, Any

from faststream.kafka.subscriber.usecase import BatchSubscriber

if TYPE_CHECKING:
    from aiokafka import AIOKafkaConsumer, ConsumerRecord
    from faststream.kafka import KafkaBroker

IDLE_WAIT_MS = 2_000
"""How long one look waits for records. It costs no latency (the look returns as soon as any
record is fetched), so it only sets how often an idle subscriber wakes: twice a minute would
do as well, but a bounded wait means the loop still comes round now and then, as FastStream's
own loop expects (it checks between looks whether the subscriber still runs)."""


class WaitingBatchSubscriber(BatchSubscriber):
    """FastStream's batch subscriber whose look waits on the broker and never sleeps."""

    __slots__ = ()

    async def get_msg(self, consumer: AIOKafkaConsumer) -> tuple[ConsumerRecord[Any, Any], ...]:
        records = await consumer.getmany(
            timeout_ms=self.batch_timeout_ms, max_records=self.max_records
        )
        return tuple(chain.from_iterable(records.values()))


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
