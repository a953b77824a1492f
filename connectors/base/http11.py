"""The connection layer under a back-office client: plain HTTP/1.1 on asyncio streams, with
keep-alive connections reused.

Why not httpx's own (httpcore over h11): a connector draining a backlog spent about half of its
CPU there (profiled during ``bench/catchup.py``: 3.5 ms of CPU per instruction, the request's
headers and body written in two system calls, a failed ``import sniffio`` on each lock). The
back-office calls need little of HTTP: a request with a body of a known length, an answer with
``Content-Length`` or chunked, connections kept alive. This is that, as an httpx transport, so
the rest stays httpx's: building the request, timeouts, the tracing instrumentation that puts
the ``traceparent`` header on it, and tests that pass a ``MockTransport`` instead.

A connection is reused only while the server keeps it open; a request that fails on a reused
connection before any answer came (the server closed it while idle) is sent once more on a new
one. That is safe because every back-office call is idempotent: an instruction carries its event
id as idempotency key, a look-up changes nothing.

Failures are httpx's exceptions: ``ConnectError``/``ConnectTimeout`` (no connection),
``ReadTimeout`` (no answer in time), ``ReadError``/``WriteError`` (the connection broke),
``RemoteProtocolError`` (not HTTP/1.1), so :class:`~connectors.base.backoffice.BackofficeClient`
tells them apart as before.
"""

from __future__ import annotations

import asyncio
import ssl
from collections import defaultdict
from typing import Any

import httpx

MAX_KOP = 64 * 1024
"""Longest status line and headers of an answer (bytes)."""
MAX_STIL = 32
"""Most idle connections kept per server (more are closed after their answer)."""

_Sleutel = tuple[str, str, int]
"""scheme, host, port."""


class _Verbinding:
    __slots__ = ("lezer", "schrijver")

    def __init__(self, lezer: asyncio.StreamReader, schrijver: asyncio.StreamWriter) -> None:
        self.lezer = lezer
        self.schrijver = schrijver

    def bruikbaar(self) -> bool:
        return not self.lezer.at_eof() and not self.schrijver.is_closing()

    def sluit(self) -> None:
        self.schrijver.close()


class Http11Transport(httpx.AsyncBaseTransport):
    """HTTP/1.1 with keep-alive for ``httpx.AsyncClient(transport=...)`` (module docstring).
    ``tls``: the context for ``https`` servers."""

    def __init__(self, *, tls: ssl.SSLContext | None = None) -> None:
        self._tls = tls
        self._stil: dict[_Sleutel, list[_Verbinding]] = defaultdict(list)
        self._gesloten = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        scheme = url.scheme
        if scheme not in ("http", "https"):
            raise httpx.UnsupportedProtocol(f"scheme {scheme!r}", request=request)
        port = url.port or (443 if scheme == "https" else 80)
        sleutel: _Sleutel = (scheme, url.host, port)
        bericht = _bericht(request, await request.aread())
        timeout = _timeout(request)
        while True:
            verbinding = self._stille(sleutel)
            hergebruikt = verbinding is not None
            if verbinding is None:
                verbinding = await self._verbind(sleutel, request, timeout)
            try:
                status, koppen, body, blijft = await _wissel(verbinding, bericht, request, timeout)
            except _NietBeantwoord:
                verbinding.sluit()
                if hergebruikt:
                    continue  # closed by the server while idle: once more on a new connection
                raise httpx.ReadError(
                    "the connection closed before an answer", request=request
                ) from None
            except BaseException:
                verbinding.sluit()
                raise
            if blijft and not self._gesloten and len(self._stil[sleutel]) < MAX_STIL:
                self._stil[sleutel].append(verbinding)
            else:
                verbinding.sluit()
            return httpx.Response(
                status,
                headers=koppen,
                content=body,
                request=request,
                extensions={"http_version": b"HTTP/1.1"},
            )

    def _stille(self, sleutel: _Sleutel) -> _Verbinding | None:
        stil = self._stil[sleutel]
        while stil:
            verbinding = stil.pop()
            if verbinding.bruikbaar():
                return verbinding
            verbinding.sluit()
        return None

    async def _verbind(
        self, sleutel: _Sleutel, request: httpx.Request, seconden: float | None
    ) -> _Verbinding:
        scheme, host, port = sleutel
        tls = None
        if scheme == "https":
            tls = self._tls if self._tls is not None else ssl.create_default_context()
        try:
            async with asyncio.timeout(seconden):
                lezer, schrijver = await asyncio.open_connection(
                    host, port, ssl=tls, server_hostname=host if tls is not None else None
                )
        except TimeoutError:
            raise httpx.ConnectTimeout("connect timed out", request=request) from None
        except (OSError, ssl.SSLError) as exc:
            raise httpx.ConnectError(f"{type(exc).__name__}: {exc}", request=request) from None
        return _Verbinding(lezer, schrijver)

    async def aclose(self) -> None:
        self._gesloten = True
        for stil in self._stil.values():
            for verbinding in stil:
                verbinding.sluit()
            stil.clear()


class _NietBeantwoord(Exception):
    """The connection ended before any byte of an answer."""


def _bericht(request: httpx.Request, body: bytes) -> bytes:
    """The whole request as it goes on the wire: request line, headers, body."""
    regels = [request.method.encode("ascii"), b" ", request.url.raw_path, b" HTTP/1.1\r\n"]
    for naam, waarde in request.headers.raw:
        regels += [naam, b": ", waarde, b"\r\n"]
    regels.append(b"\r\n")
    regels.append(body)
    return b"".join(regels)


def _timeout(request: httpx.Request) -> float | None:
    """The longest of httpx's timeouts, for the whole exchange."""
    waarden: dict[str, Any] = request.extensions.get("timeout") or {}
    getallen = [float(w) for w in waarden.values() if w is not None]
    return max(getallen) if getallen else None


async def _wissel(
    verbinding: _Verbinding, bericht: bytes, request: httpx.Request, seconden: float | None
) -> tuple[int, list[tuple[bytes, bytes]], bytes, bool]:
    """Send ``bericht`` and read the answer: status, headers, body, and whether the connection
    may be used again."""
    lezer = verbinding.lezer
    kop: bytes | None = None
    try:
        async with asyncio.timeout(seconden):
            verbinding.schrijver.write(bericht)
            await verbinding.schrijver.drain()
            kop = await lezer.readuntil(b"\r\n\r\n")
            status, koppen, blijft = _lees_kop(kop, request)
            if request.method == "HEAD" or status in (204, 304) or 100 <= status < 200:
                return status, koppen, b"", blijft
            body, blijft_na_body = await _lees_body(lezer, koppen, request)
            return status, koppen, body, blijft and blijft_na_body
    except TimeoutError:
        raise httpx.ReadTimeout("no answer in time", request=request) from None
    except asyncio.LimitOverrunError:
        raise httpx.RemoteProtocolError("answer headers too long", request=request) from None
    except asyncio.IncompleteReadError as exc:
        if kop is None and not exc.partial:
            raise _NietBeantwoord from None
        raise httpx.ReadError("the connection closed mid-answer", request=request) from None
    except OSError as exc:  # reset, broken pipe
        if kop is None:
            raise _NietBeantwoord from None
        raise httpx.ReadError(type(exc).__name__, request=request) from None


def _lees_kop(kop: bytes, request: httpx.Request) -> tuple[int, list[tuple[bytes, bytes]], bool]:
    if len(kop) > MAX_KOP:
        raise httpx.RemoteProtocolError("answer headers too long", request=request)
    regels = kop[:-4].split(b"\r\n")
    delen = regels[0].split(b" ", 2)
    if len(delen) < 2 or not delen[0].startswith(b"HTTP/1.") or not delen[1].isdigit():
        raise httpx.RemoteProtocolError("not an HTTP/1.1 status line", request=request)
    koppen: list[tuple[bytes, bytes]] = []
    for regel in regels[1:]:
        naam, dubbelepunt, waarde = regel.partition(b":")
        if not dubbelepunt:
            raise httpx.RemoteProtocolError("a malformed header line", request=request)
        koppen.append((naam.strip(), waarde.strip()))
    verbinding = _kop(koppen, b"connection").lower()
    blijft = delen[0] == b"HTTP/1.1" and b"close" not in verbinding
    return int(delen[1]), koppen, blijft


def _kop(koppen: list[tuple[bytes, bytes]], naam: bytes) -> bytes:
    return b",".join(w for n, w in koppen if n.lower() == naam)


async def _lees_body(
    lezer: asyncio.StreamReader, koppen: list[tuple[bytes, bytes]], request: httpx.Request
) -> tuple[bytes, bool]:
    """The body, and whether the connection may be used again after it."""
    if b"chunked" in _kop(koppen, b"transfer-encoding").lower():
        delen: list[bytes] = []
        while True:
            regel = await lezer.readuntil(b"\r\n")
            grootte = regel.split(b";", 1)[0].strip()
            try:
                n = int(grootte, 16)
            except ValueError:
                raise httpx.RemoteProtocolError("a malformed chunk", request=request) from None
            if n == 0:
                while await lezer.readuntil(b"\r\n") != b"\r\n":  # trailers
                    pass
                return b"".join(delen), True
            delen.append(await lezer.readexactly(n))
            await lezer.readexactly(2)
    lengte = _kop(koppen, b"content-length")
    if lengte:
        try:
            n = int(lengte)
        except ValueError:
            n = -1
        if n < 0:
            raise httpx.RemoteProtocolError("a malformed Content-Length", request=request)
        return await lezer.readexactly(n), True
    return await lezer.read(), False  # until the server closes
