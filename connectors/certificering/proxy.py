"""A TCP proxy in front of the back-office that the kit can take away and bring back.

The connector is pointed at the proxy; :meth:`Proxy.weg` closes the listening socket and every
open connection (the back-office is "away": connections are refused), :meth:`Proxy.terug` listens
again on the same port. The back-office itself is never touched.
"""

from __future__ import annotations

import asyncio
import contextlib


class Proxy:
    def __init__(self, doel_host: str, doel_port: int, host: str = "127.0.0.1") -> None:
        self._doel = (doel_host, doel_port)
        self.host = host
        self.port = 0
        self._server: asyncio.Server | None = None
        self._verbindingen: set[asyncio.StreamWriter] = set()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    async def terug(self) -> None:
        """Listen (again, on the same port once one was chosen)."""
        self._server = await asyncio.start_server(self._verbind, self.host, self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def weg(self) -> None:
        """Refuse new connections and cut the open ones."""
        if self._server is not None:
            self._server.close()
            for writer in list(self._verbindingen):
                writer.transport.abort()
            await self._server.wait_closed()
            self._server = None

    async def _verbind(self, lezer: asyncio.StreamReader, schrijver: asyncio.StreamWriter) -> None:
        try:
            doel_lezer, doel_schrijver = await asyncio.open_connection(*self._doel)
        except OSError:
            schrijver.transport.abort()
            return
        self._verbindingen.update((schrijver, doel_schrijver))
        try:
            await asyncio.gather(
                _pomp(lezer, doel_schrijver), _pomp(doel_lezer, schrijver), return_exceptions=True
            )
        finally:
            self._verbindingen.difference_update((schrijver, doel_schrijver))
            for w in (schrijver, doel_schrijver):
                w.transport.abort()


async def _pomp(lezer: asyncio.StreamReader, schrijver: asyncio.StreamWriter) -> None:
    while data := await lezer.read(65536):
        schrijver.write(data)
        await schrijver.drain()
    with contextlib.suppress(OSError):
        if schrijver.can_write_eof():
            schrijver.write_eof()
