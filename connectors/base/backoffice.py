"""Delivery to an agency back-office over HTTP.

:class:`BackofficeClient` wraps one ``httpx.AsyncClient`` with an injectable transport (tests pass
``httpx.MockTransport``). It separates what is worth retrying from what is an answer:

- 5xx, 408, 425, 429, timeouts and connection errors raise :class:`BackofficeOnbereikbaar`
  (the runtime backs off, and lets the instruction be redelivered if it keeps failing);
- every other status, 2xx or 4xx, is an answer (:class:`BackofficeAntwoord`) for the agency's
  translation to read, including business refusals.

Each agency subclasses it with its own path (and whatever else its API wants).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any, ClassVar, Self

import httpx

TIJDELIJKE_STATUSSEN = frozenset({408, 425, 429})


@dataclass(frozen=True)
class BackofficeAntwoord:
    """An HTTP answer of the back-office: status and parsed JSON body (``None`` if not JSON)."""

    status: int
    body: Any


class BackofficeOnbereikbaar(Exception):
    """The back-office could not answer now; trying again later may work."""


class BackofficeClient:
    """HTTP delivery to one agency back-office.

    Usage::

        async with CjibClient(base_url="http://127.0.0.1:8102") as client:
            antwoord = await client.verstuur(verzoek)
    """

    pad: ClassVar[str]
    """Path of the agency's suspension endpoint, relative to the base URL."""

    def __init__(
        self,
        *,
        base_url: str,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 10.0,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self._http = httpx.AsyncClient(
            base_url=base_url,
            transport=transport,
            timeout=timeout,
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

    async def verstuur(self, verzoek: Mapping[str, Any]) -> BackofficeAntwoord:
        """Send one suspension request to the agency's endpoint."""
        return await self.post_json(self.pad, verzoek)

    async def post_json(self, pad: str, verzoek: Mapping[str, Any]) -> BackofficeAntwoord:
        try:
            response = await self._http.post(pad, json=verzoek)
        except httpx.TimeoutException as exc:
            raise BackofficeOnbereikbaar(f"timeout ({type(exc).__name__})") from None
        except httpx.TransportError as exc:
            raise BackofficeOnbereikbaar(f"{type(exc).__name__}: {exc}") from None
        status = response.status_code
        if status >= 500 or status in TIJDELIJKE_STATUSSEN:
            raise BackofficeOnbereikbaar(f"HTTP {status}")
        try:
            body = response.json()
        except ValueError:
            body = None
        return BackofficeAntwoord(status=status, body=body)
