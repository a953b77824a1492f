"""Several hub replicas on one PostgreSQL store: only the leader relays the outbox (and runs the
expiry watcher and the purge), so no row is published twice; when it stops, another takes over."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import pytest
from sqlalchemy import text

from hub.adapters.leader import LeaderLease
from hub.adapters.outbox import Outgoing
from hub.bootstrap import Hub, build_hub
from hub.settings import Settings
from tests.integration.hub.test_outbox_relay import write

pytestmark = pytest.mark.postgres


class SlowPublisher:
    """Takes its time over each batch, as a broker far away does: two relays reading the same
    due rows would both publish them."""

    def __init__(self, published: Counter[str], expected: int, done: asyncio.Event) -> None:
        self.published = published
        self.expected = expected
        self.done = done

    async def __call__(self, batch: Sequence[Outgoing]) -> list[BaseException | None]:
        await asyncio.sleep(0.05)
        self.published.update(message.key.decode() for message in batch)
        if sum(self.published.values()) >= self.expected:
            self.done.set()
        return [None for _ in batch]


async def replica(url: str, tmp_path: Path, name: str) -> Hub:
    return await build_hub(
        Settings(database_url=url, keys_dir=tmp_path / name, outbox_poll_seconds=0.05)
    )


async def test_one_replica_leads_and_another_takes_over_when_it_stops(fresh_postgres_url, tmp_path):
    a = await replica(fresh_postgres_url, tmp_path, "a")
    b = await replica(fresh_postgres_url, tmp_path, "b")
    lease_a, lease_b = LeaderLease(a.engine), LeaderLease(b.engine)
    try:
        assert await lease_a.held()
        assert not await lease_b.held()
        assert await lease_a.held()  # it keeps the lock round after round
        await lease_a.release()
        assert await lease_b.held()
        assert not await lease_a.held()
    finally:
        await lease_a.release()
        await lease_b.release()
        await a.close()
        await b.close()


async def test_two_replicas_relay_each_outbox_row_once(fresh_postgres_url, tmp_path):
    a = await replica(fresh_postgres_url, tmp_path, "a")
    b = await replica(fresh_postgres_url, tmp_path, "b")
    published: Counter[str] = Counter()
    done = asyncio.Event()
    keys = [f"MWL-{i:04d}" for i in range(200)]
    leases = [LeaderLease(a.engine), LeaderLease(b.engine)]
    relays = [
        hub.attach_relay(SlowPublisher(published, len(keys), done), leader=lease.held)
        for hub, lease in zip((a, b), leases, strict=True)
    ]
    tasks = [asyncio.create_task(relay.run()) for relay in relays]
    try:
        for start in range(0, len(keys), 20):  # written while both relays run
            await write(a, *keys[start : start + 20])
        async with asyncio.timeout(60):
            await done.wait()
        assert len(published) == len(keys)
        assert set(published.values()) == {1}  # not one row published twice
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for lease in leases:
            await lease.release()
        await a.close()
        await b.close()


async def test_jobs_that_ask_at_once_keep_the_lease_and_leave_the_pool_clean(
    fresh_postgres_url, tmp_path
):
    """The relay, the webhook push and the three periodic jobs of one replica ask the same lease
    at the same moment. They used to share its one connection at once: asyncpg refused the
    second statement, the lease took that for a lost lock, dropped the lock and put a connection
    with a half-begun transaction back in the pool, and the next API request got a 500."""
    a = await replica(fresh_postgres_url, tmp_path, "a")
    b = await replica(fresh_postgres_url, tmp_path, "b")
    lease, other = LeaderLease(a.engine), LeaderLease(b.engine)
    try:
        for _ in range(20):
            assert await asyncio.gather(*(lease.held() for _ in range(5))) == [True] * 5
            assert not await other.held()  # never a moment without a leader to take over
        for _ in range(2 * a.engine.pool.size()):  # every pooled connection still usable
            async with a.sessions() as session:
                assert (await session.execute(text("SELECT 1"))).scalar_one() == 1
    finally:
        await lease.release()
        await other.release()
        await a.close()
        await b.close()


async def test_on_sqlite_the_one_process_always_leads(tmp_path):
    hub = await replica(f"sqlite+aiosqlite:///{tmp_path / 'hub.sqlite3'}", tmp_path, "a")
    try:
        assert await LeaderLease(hub.engine).held()
        assert await LeaderLease(hub.engine).held()
    finally:
        await hub.close()


async def test_replicas_that_start_together_on_a_new_store_both_start(fresh_postgres_url, tmp_path):
    a, b = await asyncio.gather(
        replica(fresh_postgres_url, tmp_path, "a"), replica(fresh_postgres_url, tmp_path, "b")
    )
    await a.close()
    await b.close()
