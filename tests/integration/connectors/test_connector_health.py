"""A connector's health endpoint (``CONNECTOR_HEALTH_PORT``), what Kubernetes' probes ask
(deploy/k8s): 204 while the broker answers it, as a real process on the session's secured broker;
``/ready`` too, while its consume loop runs as well."""

from __future__ import annotations

import urllib.request
import uuid
from pathlib import Path

import pytest

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
        for probe in ("health", "ready"):
            url = f"http://127.0.0.1:{port}/{probe}"
            with urllib.request.urlopen(url, timeout=10) as response:
                assert response.status == 204, probe
        assert connector.returncode is None
        assert "GET /health" not in connector.output(), "probes would fill the log"
