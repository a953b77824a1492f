"""The outbox relay outlives a long broker outage: its pause after failed rounds stays bounded
however many rounds fail, and the rows go out once the broker is back.

The relay used to pause ``poll * 2**failures`` seconds, computed outside its ``try``: at round
1,024 or so (about three hours of outage at a 10 s pause) that raised ``OverflowError`` and the
relay task ended while the hub kept taking orders. The relay starts here as after 1,000 failed
rounds (each failed round logs its traceback, which takes a while under test) and walks on from
there; its pauses are recorded, not slept.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from pathlib import Path

import pytest
from aiokafka.errors import KafkaConnectionError

from hub.adapters import outbox
from hub.adapters.orm import OutboxRow
from hub.adapters.outbox import Outgoing
from hub.bootstrap import Hub, build_hub
from hub.settings import Settings
from tests.unit.hub.fakes import Klok

BEHIND_US = 1_000
"""Failed rounds already behind the relay when the test starts: about three hours of outage."""
ROUNDS = 60


class BrokerAway:
    """A publisher whose client raises while the broker is away (``rounds`` calls), then
    publishes."""

    def __init__(self, rounds: int) -> None:
        self.left = rounds
        self.published: list[Outgoing] = []

    async def __call__(self, batch: Sequence[Outgoing]) -> list[BaseException | None]:
        if self.left > 0:
            self.left -= 1
            raise KafkaConnectionError("Unable to bootstrap from [('127.0.0.1', 9092)]")
        self.published += batch
        return [None for _ in batch]


@pytest.fixture
async def hub(database_url: str, tmp_path: Path):
    settings = Settings(database_url=database_url, keys_dir=tmp_path / "keys")
    hub = await build_hub(settings, clock=Klok())
    yield hub
    await hub.close()


async def test_the_relay_outlives_a_thousand_failed_rounds_and_sends_when_the_broker_is_back(
    hub: Hub, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with hub.sessions() as session:
        session.add(
            OutboxRow(
                event_id=str(uuid.uuid4()),
                topic="t.v1",
                key="MWL-A",
                value=b'{"id": "x"}',
                event_type="nl.maatwerk.test.v1",
                created_at=hub.now(),
                execute_after=hub.now(),
                attempts=0,
            )
        )
        await session.commit()
    publisher = BrokerAway(ROUNDS)
    relay = hub.attach_relay(publisher)
    relay.failures = BEHIND_US
    pauses: list[float] = []
    real_sleep = asyncio.sleep

    async def recorded(seconds: float) -> None:
        if asyncio.current_task() is not task:  # another task of the test session's loop
            await real_sleep(seconds)
            return
        pauses.append(seconds)
        await real_sleep(0)

    monkeypatch.setattr(outbox.asyncio, "sleep", recorded)
    task = asyncio.create_task(relay.run())
    try:
        deadline = asyncio.get_running_loop().time() + 60
        while not publisher.published:
            assert not task.done(), f"the relay ended: {task.exception()!r}"
            assert asyncio.get_running_loop().time() < deadline, f"{len(pauses)} rounds"
            await real_sleep(0.01)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    assert len(pauses) >= ROUNDS
    assert set(pauses) == {outbox.PAUSE_MAX}
    assert [m.key for m in publisher.published] == [b"MWL-A"]
