"""A connector started while the broker is away waits for it (``connectors.base.startup``)."""

from __future__ import annotations

import pytest
from aiokafka.errors import KafkaConnectionError
from faststream.kafka import KafkaBroker

from connectors.base.startup import connect_when_reachable
from schemas.backoff import Backoff
from tests.support.processes import free_port


class Stop(Exception):
    """Ends the wait in a test once the attempts seen are enough."""


class Broker:
    """A broker that is away for ``away`` attempts, then answers."""

    def __init__(self, away: int) -> None:
        self.away = away
        self.attempts = 0

    async def connect(self) -> str:
        self.attempts += 1
        if self.attempts <= self.away:
            raise KafkaConnectionError("Unable to bootstrap from [('127.0.0.1', 9, 0)]")
        return "connected"


async def test_a_broker_away_at_start_is_waited_for_with_growing_pauses():
    broker = Broker(away=3)
    pauses: list[float] = []

    async def sleep(seconds: float) -> None:
        pauses.append(seconds)

    failures = await connect_when_reachable(broker, Backoff(0.5, 1.5), sleep=sleep)

    assert (failures, broker.attempts) == (3, 4)
    assert pauses == [0.5, 1.0, 1.5]


async def test_anything_but_an_unreachable_broker_is_raised_at_once():
    class Refused:
        attempts = 0

        async def connect(self) -> None:
            self.attempts += 1
            raise PermissionError("certificate refused")

    broker = Refused()
    with pytest.raises(PermissionError):
        await connect_when_reachable(broker)
    assert broker.attempts == 1


async def test_the_real_client_finding_no_broker_is_waited_for_not_ended():
    # What aiokafka raises when nothing listens is what the wait catches: the connector of the
    # fault suite exited with it ("Unable to bootstrap") when it started during a broker restart.
    broker = KafkaBroker(f"127.0.0.1:{free_port()}", request_timeout_ms=2000)
    pauses: list[float] = []

    async def sleep(seconds: float) -> None:
        pauses.append(seconds)
        if len(pauses) == 2:
            raise Stop

    with pytest.raises(Stop):
        await connect_when_reachable(broker, Backoff(0.01, 0.01), sleep=sleep)
    assert pauses == [0.01, 0.01]
