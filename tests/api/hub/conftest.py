from __future__ import annotations

import asyncio
import contextlib
import dataclasses
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
from schemas.topics import (
    AFWIJKING,
    CASUS,
    ESCALATIE,
    OVERBRUGGING,
    REGISTER,
    dead_letter_topic,
    informatie_verzoek_topic,
    instructie_topic,
)
from schemas.versleuteling import generate_private_key, public_key_pem
from simulators import AGENCIES
from tests.support.identiteit import client_for
from tests.support.pki import Pki, make_pki
from tests.support.store import migrated_sqlite


@pytest.fixture
def agency_keys(tmp_path: Path) -> dict[str, X25519PrivateKey]:
    """Each agency's key pair: the public key in the hub's keys directory (``<agency>.pub``, all
    the hub reads there of an agency), the private key here, for the test to open what the hub
    sealed for that agency."""
    keys_dir = tmp_path / "keys"
    keys_dir.mkdir()
    keys = {}
    for agency in AGENCIES:
        key = generate_private_key()
        (keys_dir / f"{agency}.pub").write_bytes(public_key_pem(key.public_key()))
        keys[agency] = key
    return keys


@pytest.fixture
def hub_settings(tmp_path: Path, agency_keys: dict[str, X25519PrivateKey]) -> Settings:
    return Settings(
        database_url=migrated_sqlite(tmp_path / "hub.sqlite3"),
        keys_dir=tmp_path / "keys",
        kafka_bootstrap_servers="127.0.0.1:1",
        outbox_poll_seconds=0.05,
    )


CAPTURED_TOPICS = (
    *(instructie_topic(a).name for a in AGENCIES),
    *(informatie_verzoek_topic(a).name for a in AGENCIES),
    dead_letter_topic("hub").name,
    CASUS.name,
    ESCALATIE.name,
    OVERBRUGGING.name,
    REGISTER.name,
    AFWIJKING.name,
)
"""The topics whose records the API tests read back (``app.state.published``)."""


@contextlib.asynccontextmanager
async def running(app) -> AsyncIterator[None]:  # type: ignore[no-untyped-def]
    """The app started (its lifespan), with the routes it includes shared (:func:`share_routes`)."""
    share_routes(app)
    async with app.router.lifespan_context(app):
        yield
    assert not app.dependency_overrides, "shared routes do not see dependency_overrides"


_INCLUDED: dict[tuple[int, int], Any] = {}
"""Per worker: the first hub app's included routers (FastAPI's ``_IncludedRouter``), by their
place in the app's routes and the module router they include."""


def share_routes(app: Any) -> None:
    """Give the app the route handling FastAPI built for the first hub app of this process.

    FastAPI (0.137 on) builds a router's request handling (each parameter's and response model's
    pydantic adapter, each endpoint's dependencies) per app that includes it, on the first request
    that reaches it: about 0.22 s of CPU per hub, the largest part of an API test that starts one.
    The hub's routers are module objects, included the same way into every app, and what FastAPI
    builds from them is the same for each; the app's own state, middleware, process, store and
    broker stay the test's own (``request.app`` is the app called). The one thing an included
    router keeps of the app that first included it is where it reads ``dependency_overrides``:
    no hub code or test uses them (``running`` fails a test that does)."""
    routes = app.router.routes
    for index, route in enumerate(routes):
        router = getattr(route, "original_router", None)
        context = getattr(route, "include_context", None)
        if router is None or context is None:
            continue  # the app's own routes (docs, its OpenAPI), or a FastAPI before 0.137
        key = (index, id(router))
        first = _INCLUDED.setdefault(key, route)
        if first is not route and _same_include(first.include_context, context):
            routes[index] = first


def _same_include(first: Any, other: Any) -> bool:
    """Whether two include contexts differ in nothing but the app that included the router."""
    bare = {"dependency_overrides_provider": None}
    return bool(dataclasses.replace(first, **bare) == dataclasses.replace(other, **bare))


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    """The local CA's certificates, once per run (the hub trusts them by their OINs)."""
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture
async def clients(pki: Pki) -> AsyncIterator[Any]:
    """``clients(app, "cjib")``: a client with that organisation's certificate (``None``: none);
    closed after the test."""
    opened: list[httpx.AsyncClient] = []

    def make(app: Any, code: str | None) -> httpx.AsyncClient:
        client = client_for(app, pki.pem(code) if code is not None else None)
        opened.append(client)
        return client

    yield make
    for client in opened:
        await client.aclose()


@pytest.fixture
async def hub_app(hub_settings):
    """The hub, started, with FastStream's in-memory broker; what it publishes is captured in
    ``app.state.published``."""
    app = create_app(hub_settings)
    broker = app.state.broker
    published: dict[str, list[bytes]] = {}

    # One subscriber on every captured topic, not one per topic: FastStream builds each
    # subscriber's handler model (pydantic) whenever the broker starts, twice per test (the
    # in-memory broker and the hub's lifespan), and with two dozen of them that was a large
    # part of each API test's set-up.
    @broker.subscriber(*CAPTURED_TOPICS, group_id="test-capture")
    async def capture(message: KafkaMessage) -> None:
        published.setdefault(message.raw_message.topic, []).append(message.body)

    # connect_only: the hub's own start starts the in-memory broker (as it starts the real one);
    # the test broker starting it as well built every subscriber's handler model twice.
    async with TestKafkaBroker(broker, connect_only=True), running(app):
        app.state.published = published
        yield app


def _with_hub(client: httpx.AsyncClient, app: Any) -> httpx.AsyncClient:
    client.published = app.state.published  # type: ignore[attr-defined]
    client.broker = app.state.broker  # type: ignore[attr-defined]
    client.app = app  # type: ignore[attr-defined]
    return client


@pytest.fixture
async def loket(hub_app, clients):
    """The loket's client (its certificate)."""
    return _with_hub(clients(hub_app, "loket"), hub_app)


@pytest.fixture
async def cjib(hub_app, clients):
    """An agency's client: the CJIB."""
    return _with_hub(clients(hub_app, "cjib"), hub_app)


@pytest.fixture
async def duo(hub_app, clients):
    """Another agency's client: DUO."""
    return _with_hub(clients(hub_app, "duo"), hub_app)


@pytest.fixture
async def operator(hub_app, clients):
    """An operator's client (the organisation ``beheer``)."""
    return _with_hub(clients(hub_app, "beheer"), hub_app)


@pytest.fixture
async def anoniem(hub_app, clients):
    """A caller without a certificate."""
    return _with_hub(clients(hub_app, None), hub_app)


async def wait_for(predicate, within: float = 30.0) -> Any:
    deadline = asyncio.get_running_loop().time() + within
    while True:
        result = predicate()
        if result:
            return result
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.02)
