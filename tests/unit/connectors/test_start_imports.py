"""A running connector carries no command-line extras: rich and pygments, which structlog and
httpx import whenever they are installed, stay out of the process (about 4 MiB of the 80 MiB a
connector may take, issue 15's P3), and so does uvicorn, which FastStream imports whenever it is
installed, where the connector serves no health port; its command-line help still uses rich."""

from __future__ import annotations

import subprocess
import sys

import pytest
from typer.testing import CliRunner

from connectors.cli import app
from tests.support.imports import imported_modules
from tests.support.processes import free_port, running_process

ONLY_FOR_THE_COMMAND_LINE = ("rich.console", "rich.traceback", "pygments.lexers")
ONLY_TO_SERVE_HTTP = ("uvicorn.config", "uvicorn.main")
"""A connector with no health port serves no HTTP: FastStream's uvicorn stays out (2 MiB)."""


@pytest.mark.subprocess
def test_a_connector_that_runs_has_not_loaded_rich_pygments_or_uvicorn(tmp_path):
    keys = tmp_path / "keys"
    made = CliRunner().invoke(app, ["keygen", "--agency", "cjib", "--keys-dir", str(keys)])
    assert made.exit_code == 0, made.output
    nobody = free_port()  # no broker there: the connector waits for it, its start path done
    with running_process(
        "connector-cjib",
        [sys.executable, "-X", "importtime", "-m", "connectors.cli", "run", "--agency", "cjib"],
        env={
            "CONNECTOR_KAFKA_BOOTSTRAP_SERVERS": f"127.0.0.1:{nobody}",
            "CONNECTOR_KEYS_DIR": str(keys),
            "LOG_FORMAT": "json",
        },
        log_dir=tmp_path / "logs",
        ready_line="broker unreachable at start, retrying",
        timeout=120,
    ) as connector:
        output = connector.output()
    imported = imported_modules(output)
    assert {"structlog", "httpx", "connectors.base.runtime", "faststream.kafka"} <= imported
    assert [m for m in ONLY_FOR_THE_COMMAND_LINE if m in imported] == []
    assert [m for m in ONLY_TO_SERVE_HTTP if m in imported] == []
    assert '"event": "broker unreachable at start, retrying"' in output  # its lines still JSON


@pytest.mark.subprocess
def test_the_connectors_help_still_works(tmp_path):
    shown = subprocess.run(
        [sys.executable, "-m", "connectors.cli", "run", "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert shown.returncode == 0, shown.stderr
    assert "--agency" in shown.stdout
    assert "--bootstrap-servers" in shown.stdout
