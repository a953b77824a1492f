"""``make run`` supervises: deploy/stack.py on free ports, a connector, a simulator and the broker
killed with SIGKILL are named and started again, the stack goes on serving (a time-out through the
restarted connector, the restarted back-office still knows its suspension), and SIGINT stops every
process.
"""

from __future__ import annotations

import asyncio
import os
import signal

import httpx
import pytest

from simulators import AGENCIES, DEELNEMER_POORTEN
from tests.api.simulators import test_duo
from tests.support.loket import casus_body, opschorting_body
from tests.support.make_run import MakeRun, MakeRuns
from tests.support.pki import Pki
from tests.support.processes import alive, child_processes
from tests.support.stack import hub_client

pytestmark = pytest.mark.e2e

BSN = "999990019"  # seeded at every simulator


@pytest.fixture(scope="module")
def runner(make_runs: MakeRuns) -> MakeRun:
    """The e2e package's ``make run`` (``tests/support/make_run.py``): after the README's tests
    ran on it, these kill its parts, and the last stops it with SIGINT."""
    return make_runs.running()


def test_a_killed_connector_and_simulator_are_restarted_and_the_stack_serves(
    runner: MakeRun,
) -> None:
    duo = runner.url("duo")
    r = httpx.post(duo + test_duo.PAD, json=test_duo.verzoek("voor-de-kill"))
    assert r.status_code == 201, r.text
    kenmerk = r.json()["duoKenmerk"]
    before = {o["referentie"] for o in suspensions(duo)}  # and the README walk-through's
    assert kenmerk in before

    connector = runner.child("maatwerk-connector run --agency cjib")
    simulator = runner.child("maatwerk-simulator run --agency duo")
    os.kill(connector, signal.SIGKILL)
    os.kill(simulator, signal.SIGKILL)

    p = runner.process
    p.wait_for_line("connector-cjib exited unexpectedly (signal SIGKILL)", timeout=30)
    p.wait_for_line("simulator-duo exited unexpectedly (signal SIGKILL)", timeout=30)
    p.wait_for_line("connector-cjib started again", timeout=30)
    p.wait_for_line(f"simulator-duo is healthy again ({duo}/health)", timeout=60)
    assert runner.child("maatwerk-connector run --agency cjib") != connector

    # The restarted back-office forgot nothing (what it held before the kill, it holds now) and
    # the same key gets the same reference, not a second suspension.
    again = httpx.post(duo + test_duo.PAD, json=test_duo.verzoek("voor-de-kill"))
    assert again.json()["duoKenmerk"] == kenmerk
    after = suspensions(duo)
    assert before <= {o["referentie"] for o in after}, before
    assert [o["referentie"] for o in after if o["sleutel"] == "voor-de-kill"] == [kenmerk], after

    # A time-out through the restarted connector (and to the restarted back-office) completes.
    chain = asyncio.run(order_time_out(runner))
    assert chain["status"] == "confirmed", chain
    assert {link["uitvoerder"] for link in chain["keten"]} == {"cjib", "duo"}


def suspensions(simulator: str) -> list[dict]:
    """Every suspension the back-office holds (its own register), with its key and reference."""
    listed = httpx.get(simulator + "/_simulator/opschortingen", timeout=10).json()
    return list(listed["opschortingen"])


async def order_time_out(runner: MakeRun) -> dict:
    hub = f"https://127.0.0.1:{runner.ports['hub']}"
    async with hub_client(hub, Pki(runner.var_dir / "pki"), timeout=10) as client:
        casus = await client.post("/api/v1/casussen", json=casus_body(BSN))
        assert casus.status_code == 201, casus.text
        ordered = await client.post(
            f"/api/v1/casussen/{casus.json()['casus_id']}/opschortingen",
            json=opschorting_body("cjib", "duo"),
        )
        assert ordered.status_code == 201, ordered.text
        url = f"/api/v1/opschortingen/{ordered.json()['opschorting_id']}"
        async with asyncio.timeout(90):
            while True:
                chain: dict = (await client.get(url)).json()
                if chain["status"] != "pending":
                    return chain
                await asyncio.sleep(0.2)


def test_a_killed_broker_is_started_again_and_the_chain_completes(runner: MakeRun) -> None:
    broker = int((runner.var_dir / "kafka" / "broker.pid").read_text())
    os.kill(broker, signal.SIGKILL)
    runner.process.wait_for_line("Kafka exited unexpectedly (process gone)", timeout=30)
    runner.process.wait_for_line("Kafka answers again", timeout=120)
    assert int((runner.var_dir / "kafka" / "broker.pid").read_text()) != broker

    chain = asyncio.run(order_time_out(runner))
    assert chain["status"] == "confirmed", chain


def test_sigint_stops_every_process_and_the_broker(runner: MakeRun) -> None:
    children = list(child_processes(runner.process.pid))
    # the hub, a simulator and a connector per agency, a simulated party per party without Kafka
    assert len(children) == 1 + 2 * len(AGENCIES) + len(DEELNEMER_POORTEN)
    broker = int((runner.var_dir / "kafka" / "broker.pid").read_text())
    assert alive(broker)

    os.kill(runner.process.pid, signal.SIGINT)
    assert runner.process.popen.wait(90) == 0
    output = runner.process.output()
    assert "SIGINT: stopping" in output
    stopped = [
        line.split("stopping ", 1)[1] for line in output.splitlines() if "| stopping " in line
    ]
    # the parties and connectors before the hub (nothing more reaches it), Kafka last
    assert stopped[-1] == "Kafka" and "hub" in stopped
    assert all(
        stopped.index(name) < stopped.index("hub")
        for name in stopped
        if name != "Kafka" and name.startswith(("connector-", "deelnemer-"))
    ), stopped
    assert [pid for pid in [*children, broker] if alive(pid)] == []
