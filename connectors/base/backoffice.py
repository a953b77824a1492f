"""Delivery to an agency back-office over HTTP.

:class:`BackofficeClient` wraps one ``httpx.AsyncClient`` with an injectable transport (tests pass
``httpx.MockTransport``). It separates what is worth retrying from what is an answer:

- timeouts, connection errors and 408, 425, 429, 502, 503, 504 raise
  :class:`BackofficeOnbereikbaar`: the back-office is away or overloaded, nothing is wrong with
  the request (the runtime backs off and lets the instruction be redelivered for as long as it
  takes, and never dead-letters it);
- any other 5xx (500, 501, 505, ...) raises :class:`BackofficeFout`: the back-office fails on
  this request (the runtime tries a bounded number of times, then dead-letters it);
- every other status, 2xx or 4xx, is an answer (:class:`BackofficeAntwoord`) for the agency's
  translation to read, including business refusals (a client error the translation does not
  read as an answer is dead-lettered as ``backoffice-afgewezen``, see
  :mod:`connectors.base.lezer`).

One client serves every agency: what to send where is data, an :class:`HttpVerzoek` (method,
path, query, body) that the agency's translation describes, sent with
:meth:`BackofficeClient.stuur`.
"""

from __future__ import annotations

import logging
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from types import TracebackType
from typing import Any, Literal, Protocol, Self
from urllib.parse import quote

import httpx
from opentelemetry import propagate, trace
from opentelemetry.trace import SpanKind, StatusCode

from connectors.base.http11 import Http11Transport


@cache
def systeemvertrouwen() -> ssl.SSLContext:
    """The context of a client without a ``tls`` of its own: httpx's default (certifi's CAs, or
    ``SSL_CERT_FILE`` / ``SSL_CERT_DIR``), made once per process. httpx otherwise loads the CA
    bundle again for each client, nearly 1 MiB each: the gemeente connector has one client per
    municipality."""
    return httpx.create_ssl_context()


_TRACER = trace.get_tracer("connectors.backoffice")
"""A client span per back-office request (what OpenTelemetry's httpx instrumentation made, at a
fifth of its CPU: it normalised every header and parsed the URL again for its attributes)."""

logging.getLogger("httpx").setLevel(logging.WARNING)
"""httpx logs every request at INFO (method, URL, status): a line per back-office call beside
the runtime's own per instruction, a twentieth of a connector's CPU while it drains a backlog."""

TIJDELIJKE_STATUSSEN = frozenset({408, 425, 429, 502, 503, 504})
"""Statuses of a back-office that is away or overloaded: retried for as long as it takes."""


@dataclass(frozen=True)
class BackofficeAntwoord:
    """An HTTP answer of the back-office: status and parsed JSON body (``None`` if not JSON)."""

    status: int
    body: Any


@dataclass(frozen=True)
class HttpVerzoek:
    """One request to the back-office, as a translation describes it (pure data, no I/O).

    ``pad`` and ``query`` end up in the URL: only references and request keys go there, never a
    BSN (the runtime checks). BSNs only ever travel in ``body``.
    """

    methode: Literal["GET", "POST", "PUT", "PATCH"]
    pad: str
    query: Mapping[str, str] = field(default_factory=dict)
    body: Mapping[str, Any] | None = field(default=None, repr=False)
    bestemming: str | None = None
    """Which of several back-offices gets it, for a connector that serves several organisations
    (the gemeente connector: the municipality's OIN); ``None``: the connector's only one."""


class Backoffice(Protocol):
    """What the runtime sends through: one :class:`BackofficeClient`, or a router over several
    (``connectors.gemeente``)."""

    async def stuur(self, verzoek: HttpVerzoek) -> BackofficeAntwoord: ...


def padsegment(waarde: str) -> str:
    """``waarde`` as one path segment: a reference with ``/`` or ``?`` in it cannot change the
    path."""
    return quote(waarde, safe="")


class BackofficeStoring(Exception):
    """The back-office gave no answer to read (base of the two kinds below)."""


class BackofficeOnbereikbaar(BackofficeStoring):
    """The back-office could not answer now; trying again later may work."""


class BackofficeFout(BackofficeStoring):
    """The back-office failed on this request with a server error (HTTP 500 and the like)."""

    def __init__(self, status: int) -> None:
        super().__init__(f"HTTP {status}")
        self.status = status


class BackofficeClient:
    """HTTP delivery to one agency back-office.

    Usage::

        async with BackofficeClient(base_url="http://127.0.0.1:8102") as client:
            antwoord = await client.stuur(HttpVerzoek("POST", "/cjib/zaken", body=body))
    """

    def __init__(
        self,
        *,
        base_url: str,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 10.0,
        headers: Mapping[str, str] | None = None,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        """``tls``: the context for an ``https`` back-office (its CA, and the client certificate
        for mutual TLS); ``None``: the system's trust store."""
        verify = tls if tls is not None else systeemvertrouwen()
        self._http = httpx.AsyncClient(
            base_url=base_url,
            # Our lean HTTP/1.1 connections, not httpcore's (why: connectors.base.http11).
            transport=transport if transport is not None else Http11Transport(tls=verify),
            timeout=timeout,
            verify=verify,
            headers={"accept": "application/json", **(headers or {})},
        )

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def stuur(self, verzoek: HttpVerzoek) -> BackofficeAntwoord:
        """Send one request described by a translation, in a client span of the current trace
        whose context goes along in the ``traceparent`` header."""
        with _TRACER.start_as_current_span(
            verzoek.methode,
            kind=SpanKind.CLIENT,
            attributes={"http.request.method": verzoek.methode, "url.path": verzoek.pad},
            record_exception=False,  # its message might quote what was sent
            set_status_on_exception=False,
        ) as span:
            koppen: dict[str, str] = {}
            propagate.inject(koppen)
            try:
                response = await self._http.request(
                    verzoek.methode,
                    verzoek.pad,
                    params=dict(verzoek.query) or None,
                    json=verzoek.body,
                    headers=koppen,
                )
            except httpx.TimeoutException as exc:
                span.set_status(StatusCode.ERROR, type(exc).__name__)
                raise BackofficeOnbereikbaar(f"timeout ({type(exc).__name__})") from None
            except httpx.TransportError as exc:
                span.set_status(StatusCode.ERROR, type(exc).__name__)
                raise BackofficeOnbereikbaar(f"{type(exc).__name__}: {exc}") from None
            status = response.status_code
            span.set_attribute("http.response.status_code", status)
            if status >= 500:
                span.set_status(StatusCode.ERROR)
        if status in TIJDELIJKE_STATUSSEN:
            raise BackofficeOnbereikbaar(f"HTTP {status}")
        if status >= 500:
            raise BackofficeFout(status)
        try:
            body = response.json()
        except ValueError:
            body = None
        return BackofficeAntwoord(status=status, body=body)
