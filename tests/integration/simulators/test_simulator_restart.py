"""A simulator process killed with SIGKILL and started again on its state file forgets nothing."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import httpx

from tests.api.simulators import test_cjib
from tests.support.processes import ManagedProcess, console_script, free_port, start_process


def simulator(port: int, toestand: Path, logs: Path) -> ManagedProcess:
    return start_process(
        f"simulator-cjib-{port}",
        [console_script("maatwerk-simulator"), "run", "--agency", "cjib", "--port", str(port)],
        env={"SIMULATOR_STATE_FILE": str(toestand)},
        log_dir=logs,
        health_url=f"http://127.0.0.1:{port}/health",
    )


def test_kill_9_and_start_again_keeps_the_suspension_and_its_reference(tmp_path: Path) -> None:
    port = free_port()
    toestand = tmp_path / "simulators" / "cjib.sqlite3"
    url = f"http://127.0.0.1:{port}"
    eerste = simulator(port, toestand, tmp_path)
    try:
        r = httpx.post(url + test_cjib.PAD, json=test_cjib.verzoek("k-1"))
        assert r.status_code == 201
        referentie = r.json()["cjibReferentie"]
        voor = httpx.get(url + "/_simulator/opschortingen").json()
    finally:
        os.kill(eerste.pid, signal.SIGKILL)
        eerste.popen.wait(10)
    assert eerste.returncode == -signal.SIGKILL

    tweede = simulator(port, toestand, tmp_path)
    try:
        assert httpx.get(url + "/_simulator/opschortingen").json() == voor
        herhaald = httpx.post(url + test_cjib.PAD, json=test_cjib.verzoek("k-1"))
        assert herhaald.json()["cjibReferentie"] == referentie
        nieuw = httpx.post(url + test_cjib.PAD, json=test_cjib.verzoek("k-2"))
        assert nieuw.status_code == 201
        assert nieuw.json()["cjibReferentie"] > referentie  # never a reference handed out before
    finally:
        tweede.terminate()
