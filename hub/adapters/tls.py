"""Mutual TLS on the hub's server: the client certificate into the ASGI scope.

uvicorn (0.55) verifies a client certificate when asked to (``ssl_cert_reqs``), but does not yet
hand it to the app: the ASGI TLS extension is not implemented there (Kludex/uvicorn PR #3043,
#3133). :class:`TlsH11Protocol` fills that gap, on uvicorn's internals (``uvicorn._types``,
``H11Protocol.connection_made`` and its ``app`` read per request): so pyproject.toml caps uvicorn
below its next minor, and ``tests/api/hub/test_tls_uvicorn.py`` fails by name when they change.
Once a connection's handshake is done it reads the verified leaf certificate and gives every
request on that connection ``scope["extensions"]["tls"]`` as the ASGI TLS extension spec defines
it. The app reads only that standard extension (``hub.entrypoints.identiteit``), so it keeps
working unchanged when uvicorn implements it (then uvicorn's own value is kept).

``CERT_OPTIONAL``: a caller without a certificate still completes the handshake (so ``/health``
answers load balancers and probes); the app refuses it everywhere else. A certificate that does
not chain to the configured CA fails the handshake itself.
"""

from __future__ import annotations

import asyncio
import ssl
from typing import TYPE_CHECKING, Any

import uvicorn
from cryptography import x509
from uvicorn._types import ASGI3Application, ASGIReceiveCallable, ASGISendCallable, Scope
from uvicorn.protocols.http.h11_impl import H11Protocol

if TYPE_CHECKING:
    from hub.settings import Settings

TLS_VERSIONS = {"TLSv1.2": 0x0303, "TLSv1.3": 0x0304}
"""``tls_version`` in the extension is the protocol's number on the wire."""


def tls_extension(ssl_object: ssl.SSLObject) -> dict[str, Any]:
    """The ASGI TLS extension for one connection. Only the leaf is known (Python < 3.13 cannot
    read the verified chain); it was verified in the handshake, so ``client_cert_error`` is
    ``None``."""
    der = ssl_object.getpeercert(binary_form=True)
    chain: list[str] = []
    name: str | None = None
    if der:
        cert = x509.load_der_x509_certificate(der)
        chain = [ssl.DER_cert_to_PEM_cert(der)]
        name = cert.subject.rfc4514_string()
    cipher = ssl_object.cipher()
    return {
        "server_cert": None,
        "client_cert_chain": chain,
        "client_cert_name": name,
        "client_cert_error": None,
        "tls_version": TLS_VERSIONS.get(ssl_object.version() or ""),
        "cipher_suite": None,
        # Not in the spec: the cipher's OpenSSL name, for logs.
        "cipher_name": cipher[0] if cipher else None,
    }


def with_tls(app: ASGI3Application, tls: dict[str, Any]) -> ASGI3Application:
    """``app``, with the connection's TLS extension in each scope (unless the server set one)."""

    async def wrapped(scope: Scope, receive: ASGIReceiveCallable, send: ASGISendCallable) -> None:
        if scope["type"] in ("http", "websocket"):
            extensions: dict[str, Any] = dict(scope.get("extensions") or {})
            extensions.setdefault("tls", tls)
            scope = {**scope, "extensions": extensions}  # type: ignore[assignment]
        await app(scope, receive, send)

    return wrapped


class TlsH11Protocol(H11Protocol):
    """uvicorn's h11 protocol that gives the app the ASGI TLS extension."""

    def connection_made(  # type: ignore[override]
        self, transport: asyncio.Transport
    ) -> None:
        super().connection_made(transport)
        ssl_object = transport.get_extra_info("ssl_object")
        if ssl_object is not None:
            self.app = with_tls(self.app, tls_extension(ssl_object))


def server_config(
    app: Any, *, host: str, port: int, cert: str, key: str, ca: str, **kwargs: Any
) -> uvicorn.Config:
    """A uvicorn configuration for mutual TLS: certificate asked, not required; verified against
    ``ca``; TLS 1.2 or newer only."""
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        http=TlsH11Protocol,
        ssl_certfile=cert,
        ssl_keyfile=key,
        ssl_ca_certs=ca,
        ssl_cert_reqs=ssl.CERT_OPTIONAL,
        **kwargs,
    )
    config.load()
    assert config.ssl is not None
    config.ssl.minimum_version = ssl.TLSVersion.TLSv1_2
    return config


def serving_config(app: Any, settings: Settings, *, host: str, port: int) -> uvicorn.Config:
    """How ``maatwerk-hub serve`` serves ``app``: mutual TLS when the settings name a
    certificate, plain HTTP otherwise. uvicorn's ``limit_concurrency`` bounds open connections
    only (``Settings.max_connections``); requests at once are the app's own limit
    (``hub.entrypoints.hygiene.RequestLimit``), so a caller's idle pooled connections never turn
    a request away."""
    common: dict[str, Any] = {
        "log_level": "info",
        "log_config": None,
        "limit_concurrency": settings.max_connections,
    }
    if not settings.tls:
        return uvicorn.Config(app, host=host, port=port, **common)
    assert settings.tls_cert and settings.tls_key and settings.tls_ca
    return server_config(
        app,
        host=host,
        port=port,
        cert=str(settings.tls_cert),
        key=str(settings.tls_key),
        ca=str(settings.tls_ca),
        **common,
    )
