"""A broker of a three-node cluster killed (-9) under a steady load of time-out orders: every order
the hub acknowledged completes its chain, none is lost and none is applied twice.

The stack (three agencies, ``SHORT_CHAIN``) runs as processes on ``kafka_cluster`` (three local
KRaft nodes, every topic replicated on all three with ``min.insync.replicas=2``; the hub and the
connectors produce with ``acks=all``). The loket places orders at a steady pace; part way, the
node that leads the most partitions of the chain's topics is killed, and the orders go on. Then
every acknowledged order (201) must reach ``confirmed``, and each agency's back-office must hold
exactly one suspension per instruction (the simulators' own register,
``/_simulator/opschortingen``).
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import time
from collections.abc import Iterator

import httpx
import pytest

from schemas.topics import catalogue
from tests.support.kafka_cluster import KafkaCluster
from tests.support.loket import casus_body, opschorting_body
from tests.support.stack import SHORT_CHAIN, Stack, running_stack

pytestmark = pytest.mark.e2e

BSN = "999990019"  # seeded at every simulator, confirmed everywhere
ORDERS = 45
KILL_AT = 15  # the broker dies right before this order
PACE_SECONDS = 0.3  # one order every PACE_SECONDS: a steady load, not a burst
COMPLETE_WITHIN = 120.0


@pytest.fixture(scope="module")
def stack(kafka_cluster: KafkaCluster, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with pytest.MonkeyPatch.context() as patch:
        # One loket client at this pace is more than an organisation's rate limit allows: the
        # test is of the broker, not of the limit (the hub inherits this environment).
        patch.setenv("HUB_RATE_LIMIT_PER_SECOND", "0")
        root = tmp_path_factory.mktemp("cluster-failover")
        with running_stack(kafka_cluster.bootstrap, root, SHORT_CHAIN) as stack:
            yield stack


async def _victim(cluster: KafkaCluster) -> int:
    """The node that leads the most partitions of the catalogue's topics."""
    leaders = await cluster.leaders([t.name for t in catalogue()])
    return collections.Counter(leaders.values()).most_common(1)[0][0]


async def _order(client: httpx.AsyncClient) -> str | None:
    """Place one time-out for every agency; its id when the hub acknowledged it."""
    try:
        casus = await client.post("/api/v1/casussen", json=casus_body(BSN))
        if casus.status_code != 201:
            return None
        ordered = await client.post(
            f"/api/v1/casussen/{casus.json()['casus_id']}/opschortingen",
            json=opschorting_body(*SHORT_CHAIN),
        )
    except httpx.HTTPError:
        return None
    return str(ordered.json()["opschorting_id"]) if ordered.status_code in (201, 202) else None


async def _final_status(client: httpx.AsyncClient, opschorting_id: str, deadline: float) -> str:
    """The chain's status once it is no longer pending, or ``pending`` at the deadline."""
    status = "pending"
    while True:
        with contextlib.suppress(httpx.TransportError):  # a GET may simply be asked again
            status = (await client.get(f"/api/v1/opschortingen/{opschorting_id}")).json()["status"]
        if status != "pending" or time.monotonic() > deadline:
            return status
        await asyncio.sleep(0.5)


async def test_no_acknowledged_order_is_lost_when_a_broker_is_killed(
    kafka_cluster: KafkaCluster, stack: Stack
) -> None:
    # Idle connections are dropped before the hub's keep-alive timeout (5 s) could close one just
    # as an order goes out on it: every order not acknowledged is then the hub's doing.
    async with stack.client(timeout=30, limits=httpx.Limits(keepalive_expiry=1.0)) as client:
        # Warm-up: every consumer group has joined before the clock starts.
        warm_up = await _order(client)
        assert warm_up is not None
        assert await _final_status(client, warm_up, time.monotonic() + 90) == "confirmed"

        victim = await _victim(kafka_cluster)
        started = time.monotonic()
        placed: list[asyncio.Task[str | None]] = []
        for n in range(ORDERS):
            if n == KILL_AT:
                await asyncio.to_thread(kafka_cluster.kill, victim)
            placed.append(asyncio.create_task(_order(client)))
            await asyncio.sleep(PACE_SECONDS)
        acknowledged = [i for i in await asyncio.gather(*placed) if i is not None]

        deadline = time.monotonic() + COMPLETE_WITHIN
        statuses = await asyncio.gather(*(_final_status(client, i, deadline) for i in acknowledged))
        seconds = time.monotonic() - started

    async with httpx.AsyncClient(timeout=10) as client:
        registered = {
            agency: (await client.get(f"{base}/_simulator/opschortingen")).json()["opschortingen"]
            for agency, base in stack.simulator_urls.items()
        }
    per_instruction = {
        agency: collections.Counter(o["sleutel"] for o in items)
        for agency, items in registered.items()
    }
    duplicates = sum(c - 1 for counts in per_instruction.values() for c in counts.values())
    lost = sum(status != "confirmed" for status in statuses)
    print(
        f"\nbroker failover: killed node {victim} of 3 before order {KILL_AT + 1}; "
        f"orders {ORDERS}, acknowledged {len(acknowledged)}, confirmed {len(acknowledged) - lost}, "
        f"lost {lost}, applied twice {duplicates}; all complete {seconds:.1f}s after the first "
        f"order; statuses {dict(collections.Counter(statuses))}"
    )
    assert len(acknowledged) == ORDERS  # the API does not need the broker to take an order
    assert lost == 0
    assert duplicates == 0
    for agency, counts in per_instruction.items():
        # Every acknowledged order plus the warm-up, each instruction exactly once.
        assert sum(counts.values()) == len(acknowledged) + 1, agency
