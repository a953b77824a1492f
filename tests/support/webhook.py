"""A real webhook receiver over HTTPS for tests: a party's endpoint (its certificate from the
local CA), which answers the OPTIONS handshake, checks each POST's Standard Webhooks signature
and bearer token, and answers what the test scripted (500, 429 with Retry-After, 410, ...)."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from standardwebhooks import Webhook, WebhookVerificationError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tests.support.processes import free_port

Antwoord = tuple[int, dict[str, str]]
"""What the receiver answers a POST: status and headers."""


@dataclass
class Ontvanger:
    """What arrived (valid signature and token only) and how to answer the next POSTs."""

    url: str = ""
    geheim: str | None = None
    token: str | None = None
    ontvangen: list[dict[str, Any]] = field(default_factory=list)
    """Every accepted POST: its CloudEvent, arrival time (monotonic) and webhook-id."""
    pogingen: list[tuple[str, int, float]] = field(default_factory=list)
    """(event id, status answered, when: monotonic) of every POST, in order."""
    geweigerd: list[str] = field(default_factory=list)
    """Why POSTs were refused (a bad signature or token): a test expects none."""
    antwoord: Callable[[dict[str, Any], int], Antwoord | Awaitable[Antwoord]] = (
        lambda event, poging: (204, {})
    )
    """``(event, attempt number of this event) -> (status, headers)``; a coroutine function
    may hold the answer until the test has done something (the hub waits for it)."""

    def events(self) -> list[dict[str, Any]]:
        return [o["event"] for o in self.ontvangen]

    async def _options(self, request: Request) -> Response:
        origin = request.headers.get("webhook-request-origin", "")
        return Response(status_code=200, headers={"WebHook-Allowed-Origin": origin})

    async def _post(self, request: Request) -> Response:
        body = await request.body()
        if self.token is not None and request.headers.get("authorization") != (
            f"Bearer {self.token}"
        ):
            self.geweigerd.append("token")
            return Response(status_code=401)
        try:
            assert self.geheim is not None, "the secret is set after the subscription"
            Webhook(self.geheim).verify(body, dict(request.headers))
        except (WebhookVerificationError, AssertionError) as exc:
            self.geweigerd.append(str(exc))
            return Response(status_code=401)
        event = json.loads(body)
        poging = 1 + sum(1 for eid, _, _ in self.pogingen if eid == event["id"])
        answer = self.antwoord(event, poging)
        status, headers = await answer if inspect.isawaitable(answer) else answer
        self.pogingen.append((event["id"], status, time.monotonic()))
        if status < 300:
            self.ontvangen.append(
                {
                    "event": event,
                    "at": time.monotonic(),
                    "webhook_id": request.headers["webhook-id"],
                    "content_type": request.headers["content-type"],
                }
            )
        return Response(status_code=status, headers=headers)

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/hook", self._options, methods=["OPTIONS"]),
                Route("/hook", self._post, methods=["POST"]),
            ]
        )


@contextlib.asynccontextmanager
async def ontvanger(cert: tuple[str, str]) -> AsyncIterator[Ontvanger]:
    """A receiver served over HTTPS on a free port with ``cert`` (certificate, key)."""
    port = free_port()
    ontvanger = Ontvanger(url=f"https://127.0.0.1:{port}/hook")
    config = uvicorn.Config(
        ontvanger.app(),
        host="127.0.0.1",
        port=port,
        ssl_certfile=cert[0],
        ssl_keyfile=cert[1],
        log_level="warning",
        lifespan="off",
        timeout_graceful_shutdown=1,
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    deadline = time.monotonic() + 20
    while not server.started:
        if task.done() or time.monotonic() > deadline:
            raise RuntimeError("the webhook receiver did not start")
        await asyncio.sleep(0.02)
    try:
        yield ontvanger
    finally:
        # At once: the hub under test keeps its connection open (keep-alive, TLS), and a graceful
        # stop waited for it to close until timeout_graceful_shutdown, a second per test. An
        # answer still held (a test's scripted delay) is cancelled.
        server.should_exit = server.force_exit = True
        await task
        for held in list(server.server_state.tasks):
            held.cancel()
