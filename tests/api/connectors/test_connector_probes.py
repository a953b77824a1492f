"""A connector's probes report its supervised loops: ``/ready`` is 503 while a consume loop
that raised waits for its restart, ``/health`` fails once one has kept crashing for five minutes
(``connectors.base.health``)."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from connectors.base.health import GroupMembership, routes
from schemas.supervision import Supervisor


class Broker:
    """What the probes ask of the broker: a ping."""

    def __init__(self) -> None:
        self.answers = True
        self.subscribers: list[Any] = []

    async def ping(self, timeout: float | None = None) -> bool:  # noqa: ASYNC109 (its API)
        return self.answers


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def probe(handler: Any, path: str) -> httpx.Response:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=handler), base_url="http://connector"
    ) as client:
        return await client.get(path)


async def eventually(check: Any, within: float = 30.0) -> None:
    deadline = asyncio.get_running_loop().time() + within
    while not check():
        assert asyncio.get_running_loop().time() < deadline, "condition not met in time"
        await asyncio.sleep(0.01)


async def test_a_consume_loop_that_raised_makes_the_connector_unready_until_it_runs_again() -> None:
    clock = Clock()
    release = asyncio.Event()
    waits: list[float] = []

    async def held(seconds: float) -> None:
        waits.append(seconds)
        await release.wait()

    supervisor = Supervisor(sleep=held, clock=clock)
    broker = Broker()
    group = GroupMembership()
    await group.on_partitions_assigned(set())
    handlers = dict(routes(broker, supervisor, group))  # type: ignore[arg-type]
    runs = 0

    async def consume_loop() -> None:
        nonlocal runs
        runs += 1
        if runs == 1:
            raise RuntimeError("consumer in a bad state")
        await asyncio.Event().wait()

    loop = supervisor.guard("consumer:InstructieOntvangen", consume_loop)
    assert (await probe(handlers["/ready"], "/ready")).status_code == 204
    first = asyncio.create_task(loop())
    await asyncio.gather(first, return_exceptions=True)  # FastStream would start it again now
    again = asyncio.create_task(loop())
    try:
        await eventually(lambda: waits == [1.0])
        ready = await probe(handlers["/ready"], "/ready")
        assert ready.status_code == 503
        task = ready.json()["tasks"]["consumer:InstructieOntvangen"]
        assert task["state"] == "restarting" and task["crashes"] == 1
        assert task["last_error"] == "RuntimeError: consumer in a bad state"
        assert (await probe(handlers["/health"], "/health")).status_code == 204  # restarting
        clock.now += 301
        health = await probe(handlers["/health"], "/health")
        assert health.status_code == 500, "five minutes of crashing: restart the process"
        release.set()
        await eventually(lambda: runs == 2)
        assert (await probe(handlers["/ready"], "/ready")).status_code == 204
        assert (await probe(handlers["/health"], "/health")).status_code == 204
        broker.answers = False
        unreachable = await probe(handlers["/ready"], "/ready")
        assert unreachable.status_code == 503
        assert unreachable.json()["broker"] == "unreachable"
    finally:
        again.cancel()
        await asyncio.gather(again, return_exceptions=True)


async def test_the_connector_is_ready_only_while_its_consumer_is_in_its_group() -> None:
    """``make run`` says "up" on /ready: before the first join an instruction would wait unread."""
    group = GroupMembership()
    handlers = dict(routes(Broker(), Supervisor(), group))  # type: ignore[arg-type]
    joining = await probe(handlers["/ready"], "/ready")
    assert joining.status_code == 503
    assert joining.json()["group"] == "not joined"
    assert (await probe(handlers["/health"], "/health")).status_code == 204  # alive meanwhile
    await group.on_partitions_assigned(set())  # joined; a member may get no partition
    assert (await probe(handlers["/ready"], "/ready")).status_code == 204
    await group.on_partitions_revoked(set())  # a rebalance began
    assert (await probe(handlers["/ready"], "/ready")).status_code == 503
