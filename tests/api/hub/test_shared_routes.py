"""The API tests' hubs share the route handling FastAPI built once per worker
(``conftest.share_routes``): each hub still answers from its own store."""

from __future__ import annotations

from pathlib import Path

from faststream.kafka import TestKafkaBroker

from hub.app import create_app
from tests.api.hub.conftest import running
from tests.support.loket import casus_body
from tests.support.store import migrated_sqlite

API = "/api/v1/casussen"
BSN = "999990019"


async def test_a_second_hub_answers_from_its_own_store(
    loket, hub_settings, clients, tmp_path: Path
):
    other = create_app(
        hub_settings.model_copy(
            update={"database_url": migrated_sqlite(tmp_path / "other.sqlite3")}
        )
    )
    async with TestKafkaBroker(other.state.broker), running(other):
        shared = [r for r in other.router.routes if hasattr(r, "original_router")]
        assert shared and {id(r) for r in shared} <= {id(r) for r in loket.app.router.routes}
        created = await loket.post(API, json=casus_body(BSN))
        assert created.status_code == 201, created.text
        assert len((await loket.get(API)).json()["items"]) == 1
        assert (await clients(other, "loket").get(API)).json()["items"] == []
