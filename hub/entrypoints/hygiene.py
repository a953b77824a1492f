"""What every answer of the hub's HTTP API gets, as ASGI middleware: a limit on request bodies
(413), a rate limit per caller (429 with ``Retry-After``), a limit on requests handled at once
(503 with ``Retry-After``) and security headers.

Pure ASGI rather than ``BaseHTTPMiddleware``: the body limit must count the bytes as they are
received (a streamed body larger than the limit is refused without being read whole), and the
headers are added to every answer, the errors of the other middleware included. Errors use the
API's one error body (``hub.entrypoints.api.Fouten``).

Who calls: the OIN that the identity layer proved (``request.state.oin``, set by middleware
outside these), else the client's address.
"""

from __future__ import annotations

import json
import re

from fastapi import FastAPI, Request, Response
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hub.entrypoints.token_bucket import TokenBuckets, retry_after
from hub.settings import Settings

NOT_LIMITED = frozenset({"/health", "/ready"})
"""Paths outside the rate limit: a load balancer's health check must not starve a caller."""

API_PREFIX = "/api/"

API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"
"""For JSON: nothing in an API answer may load or run anything, nor be framed."""


def caller_of(scope: Scope) -> str | None:
    """The caller's proven OIN, when the identity layer set it."""
    oin = scope.get("state", {}).get("oin")
    return str(oin) if oin else None


_BSN_SHAPED = re.compile(r"(?<!\d)\d{9}(?!\d)")


def zonder_bsn(text: str | None) -> str | None:
    """``text`` with every run of exactly nine digits withheld: an error must not repeat a BSN
    that a caller put where an id, a key or a number belongs (an error body is logged, cached
    and shown on screens a BSN has no place on)."""
    return None if text is None else _BSN_SHAPED.sub("<withheld>", text)


def fout(field: str | None, message: str, type_: str | None) -> dict[str, str | None]:
    """One entry of the API's one error body (``hub.entrypoints.api.Fouten``)."""
    return {"field": zonder_bsn(field), "message": zonder_bsn(message), "type": type_}


def error_body(status: int, field: str | None, message: str, type_: str) -> bytes:
    return json.dumps({"detail": [fout(field, message, type_)]}).encode()


async def send_error(
    send: Send,
    status: int,
    field: str | None,
    message: str,
    type_: str,
    headers: list[tuple[bytes, bytes]] | None = None,
) -> None:
    body = error_body(status, field, message, type_)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class BodyTooLarge(HTTPException):
    """Raised by the limited ``receive`` when a body passes the limit. An ``HTTPException`` so
    that FastAPI, reading the body, lets it through instead of turning it into a 400; the app's
    handler (:func:`install_hygiene`) renders it as the API's 413."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body is larger than {limit} bytes")
        self.limit = limit


class BodyLimit:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await self._refuse(send)
            return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge(self.max_bytes)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge:
            if started:
                raise
            await self._refuse(send)

    async def _refuse(self, send: Send) -> None:
        await send_error(
            send,
            413,
            None,
            f"the request body is larger than {self.max_bytes} bytes",
            "body_too_large",
            [(b"connection", b"close")],
        )


class RateLimit:
    def __init__(self, app: ASGIApp, buckets: TokenBuckets) -> None:
        self.app = app
        self.buckets = buckets

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in NOT_LIMITED or self.buckets.rate <= 0:
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        caller = caller_of(scope) or (f"host:{client[0]}" if client else "anonymous")
        wait = self.buckets.take(caller)
        if wait > 0:
            await send_error(
                send,
                429,
                None,
                f"too many requests: at most {self.buckets.rate:g} per second "
                f"(bursts of {self.buckets.burst})",
                "too_many_requests",
                [(b"retry-after", retry_after(wait).encode())],
            )
            return
        await self.app(scope, receive, send)


RETRY_AFTER_BUSY = "1"
"""Seconds a caller refused for :class:`RequestLimit` is told to wait: requests in progress end
within moments."""


class RequestLimit:
    """At most ``Settings.max_requests`` requests handled at once; one more gets 503 with
    ``Retry-After`` at once, in the API's one error body, instead of queueing. ``/health`` and
    ``/ready`` are never refused: a probe must see a busy hub as alive.

    Not uvicorn's ``limit_concurrency``: that counts open connections as well as requests, idle
    keep-alive ones included. A loket or a connector keeps a pool of connections to the hub
    (mutual TLS makes a new one costly); with that many open and idle, every request on any of
    them got uvicorn's plain-text 503, the callers' retries kept their connections alive, and the
    hub refused everything until they gave up (the fault suite's loket, at load 13-31: 29 orders
    refused for 90 s after a broker restart). uvicorn's limit now bounds open connections only
    (``Settings.max_connections``, far above this); this counts what costs: requests in progress,
    each holding a store connection (``hub.adapters.database.create_engine``)."""

    def __init__(self, app: ASGIApp, max_requests: int) -> None:
        self.app = app
        self.max_requests = max_requests
        self.in_progress = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in NOT_LIMITED:
            await self.app(scope, receive, send)
            return
        if self.in_progress >= self.max_requests:
            await send_error(
                send,
                503,
                None,
                f"the hub is handling {self.max_requests} requests at once: try again shortly",
                "busy",
                [(b"retry-after", RETRY_AFTER_BUSY.encode())],
            )
            return
        self.in_progress += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.in_progress -= 1


class SecurityHeaders:
    """``nosniff`` and ``no-referrer`` on every answer; ``no-store`` and a CSP that allows
    nothing on the API's JSON. A page that sets its own CSP (the dashboard, the docs) keeps it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        api = scope["path"].startswith(API_PREFIX)

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers: list[tuple[bytes, bytes]] = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                wanted = [
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                ]
                if api:
                    wanted += [
                        (b"cache-control", b"no-store"),
                        (b"content-security-policy", API_CSP.encode()),
                    ]
                headers += [(k, v) for k, v in wanted if k not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


def install_hygiene(app: FastAPI, settings: Settings) -> None:
    """Wire the middleware; the last added is the outermost: security headers on everything,
    then the limit on requests at once and the rate limit (before any work), the body limit.
    The app adds idempotency (``hub.entrypoints.idempotentie``, which reads the body within the
    limit) and JSON in UTF-8 only (``hub.entrypoints.json_body``) just before this, so they are
    the innermost of them."""

    @app.exception_handler(BodyTooLarge)
    async def _too_large(_: Request, exc: BodyTooLarge) -> Response:
        return Response(
            error_body(413, None, exc.detail, "body_too_large"),
            status_code=413,
            media_type="application/json",
            headers={"connection": "close"},
        )

    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(
        RateLimit, buckets=TokenBuckets(settings.rate_limit_per_second, settings.rate_limit_burst)
    )
    app.add_middleware(RequestLimit, max_requests=settings.max_requests)
    app.add_middleware(SecurityHeaders)
