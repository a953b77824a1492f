"""No order is lost when the hub dies: what it committed is published after a restart, and the
answers that came in meanwhile are consumed from where its consumer group stood."""

from __future__ import annotations

import asyncio
import signal

import httpx
import pytest

from tests.support.loket import casus_body, opschorting_body
from tests.support.stack import SHORT_CHAIN, Stack, running_stack

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def stack(kafka_bootstrap, tmp_path_factory):
    with running_stack(kafka_bootstrap, tmp_path_factory.mktemp("restart"), SHORT_CHAIN) as stack:
        yield stack


async def answered_while_down(stack: Stack, within: float) -> None:
    """Until every back-office holds the suspension (its agency answers while the hub is down),
    or ``within`` seconds passed (the kill may have cut the instructions' publishing: then the
    hub publishes them after its restart)."""
    deadline = asyncio.get_running_loop().time() + within
    async with httpx.AsyncClient(timeout=10) as client:
        while asyncio.get_running_loop().time() < deadline:
            counts = [
                (await client.get(f"{base}/_simulator/opschortingen")).json()["aantal"]
                for base in stack.simulator_urls.values()
            ]
            if all(counts):
                return
            await asyncio.sleep(0.2)


async def test_chain_completes_after_the_hub_is_killed_right_after_an_order(stack: Stack):
    async with stack.client(timeout=10) as client:
        casus = (await client.post("/api/v1/casussen", json=casus_body("999990019"))).json()
        ordered = await client.post(
            f"/api/v1/casussen/{casus['casus_id']}/opschortingen",
            json=opschorting_body(*SHORT_CHAIN),
        )
        assert ordered.status_code == 201
    stack.hub.popen.send_signal(signal.SIGKILL)  # no shutdown: whatever was in flight is cut
    stack.hub.popen.wait(10)
    await answered_while_down(stack, within=3.0)
    stack.restart_hub()
    url = f"/api/v1/opschortingen/{ordered.json()['opschorting_id']}"
    async with stack.client(timeout=10) as client:
        async with asyncio.timeout(60):
            while True:
                chain = (await client.get(url)).json()
                if chain["status"] != "pending":
                    break
                await asyncio.sleep(0.1)
    assert chain["status"] == "confirmed"
    assert sorted(link["uitvoerder"] for link in chain["keten"]) == sorted(SHORT_CHAIN)
    async with httpx.AsyncClient() as client:
        for agency, base in stack.simulator_urls.items():
            listing = (await client.get(f"{base}/_simulator/opschortingen")).json()
            assert listing["aantal"] == 1, f"{agency} registered {listing['aantal']} suspensions"
