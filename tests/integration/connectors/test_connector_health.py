"""A connector's health endpoint (``CONNECTOR_HEALTH_PORT``), what Kubernetes' probes ask
(deploy/k8s): 204 while the broker answers it, as a real process on the session's secured broker;
``/ready`` too, once its consumer has joined its group and while its consume loop runs."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

from tests.support.polling import POLL_SECONDS
from tests.support.processes import console_script, free_port, running_process
from tests.support.stack import tls_env

pytestmark = pytest.mark.kafka


def test_the_connector_answers_its_health_probe_while_it_reaches_the_broker(
    kafka_bootstrap: str, keys_dir: Path, logs: Path
):
    port = free_port()
    with running_process(
        "connector-duo-health",
        [console_script("maatwerk-connector"), "run", "--agency", "duo"],
        env={
            "CONNECTOR_KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
            "CONNECTOR_KEYS_DIR": str(keys_dir),
            "CONNECTOR_GROUP_ID": f"connector-duo-it-{uuid.uuid4().hex[:8]}",
            "CONNECTOR_HEALTH_PORT": str(port),
            **tls_env("CONNECTOR_", "duo"),
        },
        log_dir=logs,
        health_url=f"http://127.0.0.1:{port}/health",
        timeout=60,
    ) as connector:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=10) as response:
            assert response.status == 204
        assert ready_within(f"http://127.0.0.1:{port}/ready", 60), "never joined its group"
        assert connector.returncode is None
        assert "GET /health" not in connector.output(), "probes would fill the log"


def ready_within(url: str, seconds: float) -> bool:
    """Whether ``url`` answers 204 before the deadline (503 while the group join is under way)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                if response.status == 204:
                    return True
        except urllib.error.HTTPError as refused:
            assert refused.code == 503, refused.code
        time.sleep(POLL_SECONDS)
    return False
