"""A hub started on a new store serves without Alembic, Mako and rich in its process: a child
process migrates the store first (hub.adapters.upgrade_apart), and rich, which structlog and httpx
import whenever it is installed, stays out (issue 15's P3: the hub under 150 MiB)."""

from __future__ import annotations

import sqlite3
import sys

import pytest

from hub.adapters.migrations import newest_revision
from tests.support.imports import imported_modules
from tests.support.processes import free_ports, start_process

NOT_IN_A_SERVING_HUB = (
    "alembic.command",
    "mako.template",
    "rich.console",
    "pygments.lexers",
    "pydantic.v1.main",
)


@pytest.mark.subprocess
def test_a_hub_on_a_new_store_migrates_it_apart_and_serves_without_alembic_or_rich(tmp_path):
    store = tmp_path / "hub.sqlite3"
    keys = tmp_path / "keys"
    keys.mkdir()
    port, nobody = free_ports(2)
    # No broker at `nobody`: the hub does all of its start (store, app, lifespan up to the
    # broker) and then stops, "Application startup failed", with every start-up import done.
    hub = start_process(
        "hub",
        [sys.executable, "-X", "importtime", "-m", "hub.cli", "serve", "--port", str(port)],
        env={
            "HUB_KAFKA_BOOTSTRAP_SERVERS": f"127.0.0.1:{nobody}",
            "HUB_DATABASE_URL": f"sqlite+aiosqlite:///{store}",
            "HUB_KEYS_DIR": str(keys),
            "LOG_FORMAT": "json",
        },
        log_dir=tmp_path / "logs",
    )
    try:
        hub.popen.wait(timeout=180)
    finally:
        hub.terminate()
    output = hub.output()
    assert "Application startup failed" in output, hub.tail()
    assert "KafkaConnectionError" in output, hub.tail()  # it got as far as the broker

    imported = imported_modules(output)
    assert {"hub.app", "hub.bootstrap", "hub.adapters.migrations", "structlog"} <= imported
    assert [m for m in NOT_IN_A_SERVING_HUB if m in imported] == []
    assert '"logger": "alembic.runtime.migration"' in output  # the child's lines, JSON too
    with sqlite3.connect(store) as db:
        assert db.execute("SELECT version_num FROM alembic_version").fetchall() == [
            (newest_revision(),)
        ]
