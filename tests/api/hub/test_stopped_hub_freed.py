"""A stopped hub is freed. A process of the API tests builds some hundreds of hubs; when each
stayed reachable, every full collection walked all of them and the garbage collector took a fifth
of the tests' CPU (``tests/support/memory.py``)."""

from __future__ import annotations

import asyncio
import gc
import weakref
from pathlib import Path
from typing import Any

from faststream.kafka import TestKafkaBroker

from hub.app import create_app
from hub.settings import Settings
from tests.api.hub.conftest import running
from tests.support.identiteit import client_for
from tests.support.memory import forget_stopped_apps
from tests.support.pki import Pki
from tests.support.store import migrated_sqlite


async def run_and_stop(settings: Settings, pki: Pki) -> list[weakref.ref[Any]]:
    """A hub started, asked for its docs page and an API route, and stopped: weak references
    to its app, its hub process and its broker."""
    app = create_app(settings)
    broker = TestKafkaBroker(app.state.broker)
    async with broker, running(app), client_for(app, pki.pem("beheer")) as operator:
        for path in ("/api/v1/afspraken", "/docs"):
            assert (await operator.get(path)).status_code == 200, path
    return [weakref.ref(app), weakref.ref(app.state.process), weakref.ref(app.state.broker)]


async def test_a_stopped_hub_and_its_broker_are_freed(
    hub_settings: Settings, pki: Pki, tmp_path: Path
) -> None:
    stopped = []
    for n in range(2):  # the first may be the hub whose routes this worker shares (conftest)
        store = migrated_sqlite(tmp_path / f"hub-{n}.sqlite3")
        settings = hub_settings.model_copy(update={"database_url": store})
        stopped.append(await run_and_stop(settings, pki))
    await asyncio.sleep(0)  # the wake-ups of its cancelled tasks, already queued, run
    forget_stopped_apps()
    gc.collect()
    assert [ref() for ref in stopped[1]] == [None, None, None]
