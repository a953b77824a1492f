"""A batch consumer hands over its next batch while the broker confirms the offsets of the one
before (``schemas.batch_subscriber.BackgroundCommits``).

FastStream commits a batch's offsets after its handler and looked for the next batch only once
the broker had answered: a round trip to the group coordinator between every two batches, on
the path of the hub's answers (an order's answers come in two or three batches). Here the consume
loop runs on a stand-in consumer whose commits the broker answers only once the next batch has
been asked for: the old loop never asks (it waits for the commit), the new one does. The offsets
committed are those of each batch, in order, and only after its handler.
"""

from __future__ import annotations

import asyncio
from typing import Any

from aiokafka import ConsumerRecord, TopicPartition
from aiokafka.errors import ConsumerStoppedError
from faststream import AckPolicy
from faststream.kafka import KafkaBroker, TestKafkaBroker

from schemas.batch_subscriber import BackgroundCommits, waits_for_records

TOPIC = "maatwerk.opschorting.antwoord.cjib.v1"
TP = TopicPartition(TOPIC, 0)
DEADLINE = 10.0
"""Generous: a wait that is met at once when the consumer does not wait for its commits."""


def _record(offset: int) -> Any:
    return ConsumerRecord(
        topic=TOPIC,
        partition=0,
        offset=offset,
        timestamp=0,
        timestamp_type=0,
        key=b"k",
        value=b"v",
        checksum=None,
        serialized_key_size=0,
        serialized_value_size=0,
        headers=(),
    )


class SlowBroker:
    """A consumer whose broker answers a commit only once the next batch was asked for."""

    def __init__(self, batches: list[list[int]]) -> None:
        self._batches = batches
        self.looks = 0
        self._looked = asyncio.Condition()
        self._handed_at: dict[int, int] = {}
        """Past which offset each batch ends: the look that handed it over."""
        self.position = 0
        self.committed: list[dict[TopicPartition, int]] = []
        self.waited_for_next_look: list[bool] = []

    async def getmany(self, *_: Any, **__: Any) -> dict[TopicPartition, list[Any]]:
        async with self._looked:
            self.looks += 1
            self._looked.notify_all()
        if not self._batches:
            raise ConsumerStoppedError()  # ends FastStream's consume loop
        offsets = self._batches.pop(0)
        self.position = offsets[-1] + 1
        self._handed_at[self.position] = self.looks
        return {TP: [_record(o) for o in offsets]}

    async def commit(self, offsets: dict[TopicPartition, int] | None = None) -> None:
        taken = dict(offsets) if offsets is not None else {TP: self.position}
        handed_at = self._handed_at[taken[TP]]
        try:
            async with self._looked:
                await asyncio.wait_for(
                    self._looked.wait_for(lambda: self.looks > handed_at), DEADLINE
                )
            self.waited_for_next_look.append(True)
        except TimeoutError:  # the consumer waited for this commit before it looked again
            self.waited_for_next_look.append(False)
        self.committed.append(taken)


async def test_the_next_batch_is_handed_over_while_the_commit_is_on_its_way():
    broker = KafkaBroker("127.0.0.1:1")
    subscriber = broker.subscriber(
        TOPIC, group_id="g", batch=True, ack_policy=AckPolicy.NACK_ON_ERROR
    )
    handled: list[list[int]] = []
    consumer = SlowBroker([[0, 1], [2], [3, 4]])

    @waits_for_records(subscriber)
    async def handle(bodies: list[bytes]) -> None:
        message = broker.context.get_local("message")
        handled.append([r.offset for r in message.raw_message])

    async with TestKafkaBroker(broker):
        subscriber.parser._setup(consumer)  # what start() does with the real consumer
        subscriber.running = True
        await subscriber._run_consume_loop(consumer)  # type: ignore[arg-type]
        await BackgroundCommits.of(consumer).flush()

    assert handled == [[0, 1], [2], [3, 4]]
    assert consumer.committed == [{TP: 2}, {TP: 3}, {TP: 5}]
    # Each commit was answered only after the next look: nobody waited for it in between.
    assert consumer.waited_for_next_look == [True, True, True]


async def test_commits_go_out_in_order_and_a_failed_one_does_not_stop_the_next():
    sent: list[dict[TopicPartition, int]] = []
    first = asyncio.Event()

    async def commit(offsets: dict[TopicPartition, int]) -> None:
        if not sent and not first.is_set():
            first.set()
            await asyncio.sleep(0)
            raise ConnectionError("coordinator away")
        sent.append(dict(offsets))

    commits = BackgroundCommits(commit)
    commits.handed_over([_record(0), _record(1)])
    await commits.commit()
    commits.handed_over([_record(2)])
    await commits.commit()
    await commits.commit({TP: 7})
    await commits.flush()

    assert sent == [{TP: 3}, {TP: 7}]
    assert commits.sent == 2
