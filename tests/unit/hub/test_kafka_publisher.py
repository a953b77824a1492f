"""The outbox's Kafka publisher: which failures end a message for good, which stop the batch."""

from __future__ import annotations

import asyncio
from typing import Any

from aiokafka.errors import KafkaConnectionError, KafkaTimeoutError, MessageSizeTooLargeError

from hub.adapters.kafka import KafkaPublisher
from hub.adapters.metrics import HubMetrics
from hub.adapters.outbox import NotAttempted, Outgoing, Undeliverable
from schemas import producer as schemas_producer


class Broker:
    """Stands in for FastStream's broker: ``publish`` raises or returns an acknowledgement."""

    def __init__(self, behaviour: dict[bytes, Any]) -> None:
        self.behaviour = behaviour
        self.queued: list[bytes] = []

    async def publish(self, value: bytes, topic: str, **kwargs: Any) -> asyncio.Future[Any]:
        outcome = self.behaviour.get(value)
        if isinstance(outcome, BaseException):
            raise outcome
        self.queued.append(value)
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        if outcome == "late-failure":
            future.set_exception(MessageSizeTooLargeError("broker refused it"))
        else:
            future.set_result("ack")
        return future


def batch(*values: bytes, key: bytes | None = None) -> list[Outgoing]:
    """One message per value, keyed by the value itself unless ``key`` is given."""
    return [Outgoing("t.v1", key or value, value, {"content-type": "x"}) for value in values]


async def test_a_message_too_large_fails_alone_and_the_batch_goes_on():
    broker = Broker({b"big": MessageSizeTooLargeError("2 MB"), b"refused": "late-failure"})
    metrics = HubMetrics()
    publish = KafkaPublisher(broker, on_outcomes=metrics.record_publish)  # type: ignore[arg-type]
    outcomes = await publish(batch(b"a", b"big", b"refused", b"b"))
    assert broker.queued == [b"a", b"refused", b"b"]
    assert outcomes[0] is None and outcomes[3] is None
    assert isinstance(outcomes[1], Undeliverable) and isinstance(outcomes[2], Undeliverable)
    assert metrics.outbox_failures._value.get() == 2


async def test_a_broker_that_is_away_stops_the_batch_and_the_rest_is_not_counted():
    broker = Broker({b"b": KafkaTimeoutError("no metadata")})
    metrics = HubMetrics()
    publish = KafkaPublisher(broker, on_outcomes=metrics.record_publish)  # type: ignore[arg-type]
    outcomes = await publish(batch(b"a", b"b", b"c", b"d", key=b"k"))
    assert broker.queued == [b"a"]
    assert outcomes[0] is None and isinstance(outcomes[1], KafkaTimeoutError)
    assert all(isinstance(o, NotAttempted) for o in outcomes[2:])
    assert metrics.outbox_published._value.get() == 1
    assert metrics.outbox_failures._value.get() == 1


async def test_after_a_refused_message_the_later_ones_of_its_key_are_not_tried():
    """A lifting never goes out before the order it lifts: the order refused (too large), the
    lifting of the same casus waits (not counted as an attempt); another casus goes on."""
    broker = Broker({b"order": MessageSizeTooLargeError("2 MB")})
    publish = KafkaPublisher(broker)  # type: ignore[arg-type]
    messages = [
        Outgoing("t.v1", b"MWL-A", b"order", {}),
        Outgoing("t.v1", b"MWL-B", b"other", {}),
        Outgoing("t.v1", b"MWL-A", b"lifting", {}),
    ]
    outcomes = await publish(messages)
    assert broker.queued == [b"other"]
    assert isinstance(outcomes[0], Undeliverable) and outcomes[1] is None
    assert isinstance(outcomes[2], NotAttempted)


async def test_after_a_failure_the_next_batch_waits_for_a_fresh_producer(monkeypatch):
    """A failed message may have left a gap in the producer's sequence numbers: the next batch
    first replaces the producer; while that cannot be done (broker away) nothing is sent and the
    relay gets failures to count, not an exception."""
    renewals: list[object] = []
    reachable = False

    async def renew(broker: object, **kwargs: Any) -> None:
        renewals.append(broker)
        if not reachable:
            raise KafkaConnectionError("broker away")

    monkeypatch.setattr(schemas_producer, "vernieuw_producer", renew)
    broker = Broker({b"refused": "late-failure"})
    publish = KafkaPublisher(broker)  # type: ignore[arg-type]
    assert (await publish(batch(b"a")))[0] is None and renewals == []

    await publish(batch(b"refused"))
    outcomes = await publish(batch(b"b", b"c"))
    assert isinstance(outcomes[0], KafkaConnectionError) and isinstance(outcomes[1], NotAttempted)
    assert broker.queued == [b"a", b"refused"] and len(renewals) == 1

    reachable = True
    assert await publish(batch(b"b", b"c")) == [None, None]
    assert broker.queued == [b"a", b"refused", b"b", b"c"] and len(renewals) == 2
    assert await publish(batch(b"d")) == [None] and len(renewals) == 2
