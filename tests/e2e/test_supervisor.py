"""``make run`` supervises: deploy/stack.py on free ports, a connector, a simulator and the broker
killed with SIGKILL are named and started again, the stack goes on serving (a time-out through the
restarted connector, the restarted back-office still knows its suspension), and SIGINT stops every
process.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from simulators import AGENCIES, DEELNEMER_POORTEN
from tests.api.simulators import test_duo
from tests.support.loket import casus_body, opschorting_body
from tests.support.pki import Pki
from tests.support.processes import (
    ManagedProcess,
    alive,
    child_processes,
    free_ports,
    start_process,
)
from tests.support.stack import hub_client

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
BSN = "999990019"  # seeded at every simulator


class Runner:
    def __init__(self, process: ManagedProcess, var_dir: Path, ports: dict[str, int]) -> None:
        self.process = process
        self.var_dir = var_dir
        self.ports = ports

    def child(self, text: str) -> int:
        """The pid of the stack's child whose command line holds ``text``."""
        (pid,) = (pid for pid, cmd in child_processes(self.process.pid).items() if text in cmd)
        return pid

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}"


@pytest.fixture(scope="module")
def runner(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runner]:
    base = tmp_path_factory.mktemp("supervisor")
    names = ("hub", "kafka", "controller", *AGENCIES, *(f"connector-{a}" for a in AGENCIES))
    names += tuple(f"d-{d}" for d in DEELNEMER_POORTEN)
    ports = dict(zip(names, free_ports(len(names)), strict=True))
    argv = [
        sys.executable,
        str(ROOT / "deploy" / "stack.py"),
        "--var-dir",
        str(base / "var"),
        "--hub-port",
        str(ports["hub"]),
        "--kafka-port",
        str(ports["kafka"]),
        "--kafka-controller-port",
        str(ports["controller"]),
        *(arg for a in AGENCIES for arg in ("--simulator-port", f"{a}={ports[a]}")),
        *(arg for a in AGENCIES for arg in ("--connector-port", f"{a}={ports[f'connector-{a}']}")),
        *(arg for d in DEELNEMER_POORTEN for arg in ("--deelnemer-port", f"{d}={ports[f'd-{d}']}")),
    ]
    process = start_process(
        "stack",
        argv,
        env={"NO_COLOR": "1"},
        cwd=ROOT,
        log_dir=base,
        ready_line="maatwerk-hub stack is up:",
        timeout=240,
    )
    try:
        yield Runner(process, base / "var", ports)
    finally:
        process.terminate(timeout=60)


def test_a_killed_connector_and_simulator_are_restarted_and_the_stack_serves(
    runner: Runner,
) -> None:
    duo = runner.url("duo")
    r = httpx.post(duo + test_duo.PAD, json=test_duo.verzoek("voor-de-kill"))
    assert r.status_code == 201, r.text
    kenmerk = r.json()["duoKenmerk"]

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

    # The restarted back-office forgot nothing: the same key gets the same reference.
    again = httpx.post(duo + test_duo.PAD, json=test_duo.verzoek("voor-de-kill"))
    assert again.json()["duoKenmerk"] == kenmerk
    assert httpx.get(duo + "/_simulator/opschortingen").json()["aantal"] == 1

    # A time-out through the restarted connector (and to the restarted back-office) completes.
    chain = asyncio.run(order_time_out(runner))
    assert chain["status"] == "confirmed", chain
    assert {link["uitvoerder"] for link in chain["keten"]} == {"cjib", "duo"}


async def order_time_out(runner: Runner) -> dict:
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


def test_a_killed_broker_is_started_again_and_the_chain_completes(runner: Runner) -> None:
    broker = int((runner.var_dir / "kafka" / "broker.pid").read_text())
    os.kill(broker, signal.SIGKILL)
    runner.process.wait_for_line("Kafka exited unexpectedly (process gone)", timeout=30)
    runner.process.wait_for_line("Kafka answers again", timeout=120)
    assert int((runner.var_dir / "kafka" / "broker.pid").read_text()) != broker

    chain = asyncio.run(order_time_out(runner))
    assert chain["status"] == "confirmed", chain


def test_sigint_stops_every_process_and_the_broker(runner: Runner) -> None:
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
