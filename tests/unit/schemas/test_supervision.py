"""The one backoff rule and the supervisor of long-running tasks (``schemas.backoff``,
``schemas.supervision``)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from faststream.kafka import KafkaBroker
from structlog.testing import capture_logs

from schemas.backoff import Backoff
from schemas.supervision import Supervisor


def test_backoff_doubles_to_its_cap_and_never_overflows() -> None:
    backoff = Backoff(initial=0.5, maximum=8.0)
    assert [backoff.delay(n) for n in (0, 1, 2, 3, 4, 5, 6)] == [0.5, 0.5, 1, 2, 4, 8, 8]
    for failures in (1_023, 1_024, 1_100, 10**9):
        assert backoff.delay(failures) == 8.0  # 0.5 * 2**1024 no longer fits a float
    assert Backoff(1.0, 1e300, factor=1e10).delay(10**6) == 1e300
    with pytest.raises(ValueError, match="factor"):
        Backoff(1.0, 2.0, factor=0.5)


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class Sleeps:
    """Records each wait and moves the clock by it."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.clock.now += seconds
        await asyncio.sleep(0)


async def eventually(check: Any, within: float = 30.0) -> None:
    deadline = asyncio.get_running_loop().time() + within
    while not check():
        assert asyncio.get_running_loop().time() < deadline, "condition not met in time"
        await asyncio.sleep(0.01)


async def test_a_crashing_task_is_restarted_with_growing_waits_and_counted() -> None:
    clock = Clock()
    sleeps = Sleeps(clock)
    crashed: list[str] = []
    supervisor = Supervisor(on_crash=crashed.append, sleep=sleeps, clock=clock, stable_after=60)
    runs = 0
    hold = asyncio.Event()

    async def job() -> None:
        nonlocal runs
        runs += 1
        if runs <= 4:
            raise OverflowError("int too large to convert to float")
        if runs == 5:
            clock.now += 120  # runs well for two minutes, then ends: a crash too
            return
        await hold.wait()

    with capture_logs() as logged:
        supervisor.start("relay", job)
        await eventually(lambda: runs == 6)
    assert sleeps.waits == [1.0, 2.0, 4.0, 8.0, 1.0]  # after a stable run: the shortest again
    assert crashed == ["relay"] * 5
    status = supervisor.report()["relay"]
    assert status["state"] == "running" and status["crashes"] == 5
    assert status["last_error"] == "returned: a long-running task ended"
    errors = [e for e in logged if e["log_level"] == "error"]
    assert len(errors) == 5
    assert errors[0]["error"] == "OverflowError: int too large to convert to float"
    assert supervisor.down() == []
    await supervisor.stop()
    assert supervisor.tasks == {}


async def test_a_task_that_keeps_crashing_is_failing_until_it_runs_well_again() -> None:
    clock = Clock()
    release = asyncio.Event()

    async def held(seconds: float) -> None:
        await release.wait()

    supervisor = Supervisor(sleep=held, clock=clock, stable_after=60)
    fail = True

    async def job() -> None:
        if fail:
            raise RuntimeError("boom 123456782")  # nine digits: masked as a BSN could be
        await asyncio.Event().wait()

    supervisor.start("purge", job)
    await eventually(lambda: supervisor.down() == ["purge"])
    assert "123456782" not in str(supervisor.report()["purge"]["last_error"])
    clock.now += 301
    assert supervisor.failing_longer_than(300) == ["purge"]
    fail = False
    release.set()
    await eventually(lambda: supervisor.down() == [])
    assert supervisor.failing_longer_than(300) == []  # up again: no reason to restart
    await supervisor.stop()


async def test_a_faststream_consume_loop_that_raises_is_counted_and_restarted_after_a_wait() -> (
    None
):
    """FastStream starts a consume loop that raised again at once; guarded, the crash is
    logged, counted, reported and the next start waits the backoff."""
    clock = Clock()
    sleeps = Sleeps(clock)
    crashed: list[str] = []
    supervisor = Supervisor(on_crash=crashed.append, sleep=sleeps, clock=clock)
    broker = KafkaBroker("127.0.0.1:1")

    @broker.subscriber("t.v1", group_id="g")
    async def on_antwoord(body: bytes) -> None:
        return None

    (subscriber,) = broker.subscribers
    broker._setup_logger()  # what broker.start() does first (no broker to connect to here)
    loops = 0

    class Consumer:
        async def getone(self, *partitions: Any) -> Any:
            nonlocal loops
            loops += 1
            if loops <= 3:
                raise AssertionError("consumer in a bad state")
            await asyncio.Event().wait()

    supervisor.guard_consumers(broker.subscribers)
    supervisor.guard_consumers(broker.subscribers)  # once only
    subscriber.running = True
    subscriber.add_task(subscriber._run_consume_loop, (Consumer(),))
    await eventually(lambda: loops == 4)
    assert crashed == ["consumer:OnAntwoord"] * 3
    assert sleeps.waits == [1.0, 2.0, 4.0]
    assert supervisor.report()["consumer:OnAntwoord"]["state"] == "running"
    subscriber.running = False
    for task in subscriber.tasks:
        task.cancel()
    await asyncio.gather(*subscriber.tasks, return_exceptions=True)
