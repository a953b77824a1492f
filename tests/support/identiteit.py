"""In-process HTTP clients that carry an organisation's certificate, for the hub's app without a
real TLS server (``httpx.ASGITransport`` cannot do TLS)."""

from __future__ import annotations

from typing import Any

import httpx


class MetCertificaat:
    """``httpx.ASGITransport`` cannot do TLS: this shim gives each request the ASGI TLS extension
    that the real server (``hub.adapters.tls``) gives it after a verified handshake, with the
    certificate the test chose (``None``: a caller without one). So API tests go through the
    same identity code as production."""

    def __init__(self, app: Any, pem: str | None) -> None:
        self.app = app
        self.pem = pem

    @property
    def state(self) -> Any:
        """The wrapped app's state (tests reach the hub's store through it)."""
        return self.app.state

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if self.pem is not None and scope["type"] in ("http", "websocket"):
            tls = {
                "client_cert_chain": [self.pem],
                "client_cert_error": None,
                "tls_version": 0x0304,
            }
            scope = {**scope, "extensions": {**(scope.get("extensions") or {}), "tls": tls}}
        await self.app(scope, receive, send)


def client_for(app: Any, pem: str | None) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=MetCertificaat(app, pem))
    return httpx.AsyncClient(transport=transport, base_url="https://hub")
