from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from faststream.kafka import TestKafkaBroker
from faststream.kafka.annotations import KafkaMessage

from hub.app import create_app
from hub.settings import Settings
from schemas.topics import CASUS, DEAD_LETTER, instructie_topic
from schemas.versleuteling import generate_private_key, private_key_pem, public_key_pem
from simulators import AGENCIES


@pytest.fixture
def agency_keys(tmp_path: Path) -> dict[str, X25519PrivateKey]:
    keys_dir = tmp_path / "keys"
    keys_dir.mkdir()
    keys = {}
    for agency in AGENCIES:
        key = generate_private_key()
        (keys_dir / f"{agency}.key").write_bytes(private_key_pem(key))
        (keys_dir / f"{agency}.pub").write_bytes(public_key_pem(key.public_key()))
        keys[agency] = key
    return keys


@pytest.fixture
def hub_settings(tmp_path: Path, agency_keys: dict[str, X25519PrivateKey]) -> Settings:
    return Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'hub.sqlite3'}",
        keys_dir=tmp_path / "keys",
        kafka_bootstrap_servers="127.0.0.1:1",
        outbox_poll_seconds=0.05,
    )


@contextlib.asynccontextmanager
async def running(app) -> AsyncIterator[None]:  # type: ignore[no-untyped-def]
    async with app.router.lifespan_context(app):
        yield


@pytest.fixture
async def loket(hub_settings):
    app = create_app(hub_settings)
    broker = app.state.broker
    published: dict[str, list[bytes]] = {}

    def capture_on(topic: str) -> None:
        @broker.subscriber(topic, group_id=f"test-{topic}")
        async def capture(message: KafkaMessage) -> None:
            published.setdefault(topic, []).append(message.body)

    for topic in [*(instructie_topic(a).name for a in AGENCIES), DEAD_LETTER.name, CASUS.name]:
        capture_on(topic)

    async with TestKafkaBroker(broker), running(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://hub") as client:
            client.published = published  # type: ignore[attr-defined]
            client.broker = broker  # type: ignore[attr-defined]
            yield client


async def wait_for(predicate, within: float = 5.0) -> Any:
    deadline = asyncio.get_running_loop().time() + within
    while True:
        result = predicate()
        if result:
            return result
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.02)
