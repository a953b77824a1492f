"""Requests handled at once (``Settings.max_requests``): one more gets 503 with ``Retry-After`` in
the API's one error body; health stays open; and a caller's idle keep-alive connections never
count (the hub served by ``maatwerk-hub serve``'s own uvicorn configuration)."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator
from typing import Any

import pytest
import uvicorn

from hub.adapters.tls import serving_config
from hub.settings import Settings
from tests.support.loket import casus_body

API = "/api/v1/casussen"
AT_ONCE = 2


@pytest.fixture
def hub_settings(hub_settings: Settings) -> Settings:
    return hub_settings.model_copy(update={"max_requests": AT_ONCE, "rate_limit_per_second": 0})


async def test_one_request_past_the_limit_is_503_with_retry_after_and_health_stays_open(loket):
    release = asyncio.Event()

    async def held() -> Any:
        reading = asyncio.Event()

        async def body() -> AsyncIterator[bytes]:
            yield b'{"bsn": '
            reading.set()  # the hub asked for more: the request is in progress
            await release.wait()
            yield b'"999990019"}'

        task = asyncio.create_task(
            loket.post(API, content=body(), headers={"content-type": "application/json"})
        )
        await reading.wait()
        return task

    holding = [await held() for _ in range(AT_ONCE)]
    try:
        refused = await loket.get(API)
        assert refused.status_code == 503, refused.text
        assert refused.headers["retry-after"] == "1"
        assert refused.json() == {
            "detail": [
                {
                    "field": None,
                    "message": f"the hub is handling {AT_ONCE} requests at once: try again shortly",
                    "type": "busy",
                }
            ]
        }
        assert (await loket.get("/health")).status_code == 200
    finally:
        release.set()
    answers = await asyncio.gather(*holding)
    assert [a.status_code for a in answers] == [422] * AT_ONCE  # each body was read whole
    assert (await loket.post(API, json=casus_body("999990019"))).status_code == 201


@contextlib.asynccontextmanager
async def served(app: Any, settings: Settings) -> AsyncIterator[int]:
    """The started app behind uvicorn as ``maatwerk-hub serve`` configures it (plain HTTP here):
    its port. The socket listens before uvicorn starts: a connection waits in its backlog."""
    listening = socket.create_server(("127.0.0.1", 0))
    server = uvicorn.Server(serving_config(app, settings, host="127.0.0.1", port=0))
    server.config.lifespan = "off"  # the app was started by its fixture
    task = asyncio.create_task(server.serve(sockets=[listening]))
    try:
        yield listening.getsockname()[1]
    finally:
        server.should_exit = True
        await task
        listening.close()


async def status_of(port: int, path: str) -> tuple[int, asyncio.StreamWriter]:
    """One GET on a new connection, which is then kept open (keep-alive)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"GET {path} HTTP/1.1\r\nhost: hub\r\n\r\n".encode())
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    length = next(
        int(line.split(b":", 1)[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    await reader.readexactly(length)
    return int(head.split(b" ", 2)[1]), writer


async def test_idle_keep_alive_connections_do_not_turn_a_request_away(hub_app, hub_settings):
    idle: list[asyncio.StreamWriter] = []
    async with served(hub_app, hub_settings) as port:
        try:
            for _ in range(3 * AT_ONCE):
                status, writer = await status_of(port, "/health")
                assert status == 200
                idle.append(writer)
            # Plain HTTP proves no caller: the API refuses it (401), it is not "busy" (503).
            status, writer = await status_of(port, API)
            idle.append(writer)
            assert status == 401
        finally:
            for writer in idle:
                writer.close()
