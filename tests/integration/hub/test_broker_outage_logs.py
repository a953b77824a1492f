"""A broker restart does not flood the hub's log: the Kafka client's errors are summarised (one
line per state change, at most one per 10 s in between), and the hub reports the end.

Its own broker, stopped (as an operator would, SIGTERM) and held down for 16 s, then started:
before the summary the hub wrote about 56,000 client error lines in such a restart.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest

from tests.support.faults import own_broker
from tests.support.pki import make_pki
from tests.support.processes import ManagedProcess
from tests.support.stack import running_hub

pytestmark = pytest.mark.kafka

HELD_DOWN_SECONDS = 16.0


def kafka_lines(output: str) -> list[dict[str, Any]]:
    """The Kafka client's lines (aiokafka's, FastStream's fetch errors, the summary's)."""
    found = []
    for line in output.splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if not isinstance(entry, dict):
            continue
        logger = str(entry.get("logger", ""))
        if (
            logger.startswith("aiokafka")
            or entry.get("event") == "Kafka error occurred"
            or "kafka_client" in entry
        ) and entry.get("level") in ("warning", "error", "critical"):
            found.append(entry)
    return found


def settled(hub: ManagedProcess) -> None:
    """Wait until the client has no outage going on: its last summary line, if any, is
    ``reconnected``."""
    deadline = time.monotonic() + 60
    while True:
        states = [e["kafka_client"] for e in kafka_lines(hub.output()) if "kafka_client" in e]
        if not states or states[-1] == "reconnected":
            return
        assert time.monotonic() < deadline, states
        time.sleep(0.5)


def test_a_broker_restart_gives_a_handful_of_kafka_client_lines() -> None:
    root = Path(tempfile.mkdtemp(prefix="maatwerk-outage-logs-"))
    with own_broker(root / "broker") as broker:
        tls = broker.tls("hub")
        env = {
            "HUB_KAFKA_SSL_CAFILE": str(tls.cafile),
            "HUB_KAFKA_SSL_CERTFILE": str(tls.certfile),
            "HUB_KAFKA_SSL_KEYFILE": str(tls.keyfile),
            "HUB_CONSUMER_GROUP": "hub",  # the broker is new: no earlier records to skip
        }
        pki = make_pki(root / "api-pki")
        with running_hub(broker.bootstrap, root, pki, env=env) as (_, hub):
            settled(hub)  # the client's errors of the start (a group coordinator loading) ended
            before = len(hub.output().splitlines())
            started = time.monotonic()
            broker.stop()
            time.sleep(HELD_DOWN_SECONDS)  # the outage itself, not a wait for a condition
            broker.start()
            deadline = time.monotonic() + 120
            while not any(
                e.get("kafka_client") == "reconnected"
                for e in kafka_lines("\n".join(hub.output().splitlines()[before:]))
            ):
                assert time.monotonic() < deadline, "no end of the outage in the log"
                assert hub.returncode is None, hub.output()[-3000:]
                time.sleep(0.5)
            outage = time.monotonic() - started
            lines = kafka_lines("\n".join(hub.output().splitlines()[before:]))
    states = [e.get("kafka_client") for e in lines]
    assert states[0] == "disconnected", lines[:3]
    assert states[-1] == "reconnected"
    assert set(states) <= {"disconnected", "still-disconnected", "reconnected"}, lines
    assert len(lines) <= 2 + outage / 10 + 1, (len(lines), outage)
    held_back = lines[-1]["suppressed"]
    print(f"outage {outage:.0f}s: {len(lines)} kafka client lines, {held_back} held back")
    shutil.rmtree(root, ignore_errors=True)
