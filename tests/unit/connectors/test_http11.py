"""The back-office client's own HTTP/1.1 connections (connectors.base.http11), against a small
server of the test's own on 127.0.0.1 that counts connections and sees every byte."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from connectors.base.backoffice import BackofficeClient, BackofficeOnbereikbaar, HttpVerzoek

Antwoord = Callable[[bytes], Awaitable[bytes | None]]
"""The test server's answer to a request (its head and body as read), ``None``: hang up."""


def _json(status: int, body: object, *extra: str) -> bytes:
    data = json.dumps(body).encode()
    koppen = [f"HTTP/1.1 {status} X", "content-type: application/json", *extra]
    koppen.append(f"content-length: {len(data)}")
    return ("\r\n".join(koppen) + "\r\n\r\n").encode() + data


class Server:
    def __init__(self, antwoord: Antwoord) -> None:
        self.antwoord = antwoord
        self.verbindingen = 0
        self.verzoeken: list[bytes] = []

    async def _verbinding(self, lezer: asyncio.StreamReader, schrijver: asyncio.StreamWriter):
        self.verbindingen += 1
        try:
            while True:
                try:
                    kop = await lezer.readuntil(b"\r\n\r\n")
                except asyncio.IncompleteReadError:
                    return
                lengte = 0
                for regel in kop.split(b"\r\n"):
                    if regel.lower().startswith(b"content-length:"):
                        lengte = int(regel.split(b":")[1])
                verzoek = kop + await lezer.readexactly(lengte)
                self.verzoeken.append(verzoek)
                antwoord = await self.antwoord(verzoek)
                if antwoord is None:
                    return
                schrijver.write(antwoord)
                await schrijver.drain()
        finally:
            schrijver.close()


@contextlib.asynccontextmanager
async def draaiend(antwoord: Antwoord) -> AsyncIterator[tuple[Server, BackofficeClient]]:
    server = Server(antwoord)
    tcp = await asyncio.start_server(server._verbinding, "127.0.0.1", 0)
    port = tcp.sockets[0].getsockname()[1]
    try:
        async with BackofficeClient(base_url=f"http://127.0.0.1:{port}", timeout=2.0) as client:
            yield server, client
    finally:
        tcp.close()


async def test_requests_reuse_one_kept_alive_connection_and_arrive_whole():
    async def antwoord(verzoek: bytes) -> bytes:
        return _json(201, {"ontvangen": json.loads(verzoek.split(b"\r\n\r\n", 1)[1])})

    async with draaiend(antwoord) as (server, client):
        for i in range(5):
            body = {"referentie": f"r-{i}", "naam": "é"}
            antwoord_ = await client.stuur(HttpVerzoek("POST", "/cjib/x", {"q": "1"}, body))
            assert (antwoord_.status, antwoord_.body) == (201, {"ontvangen": body})
    assert server.verbindingen == 1
    eerste = server.verzoeken[0]
    assert eerste.startswith(b"POST /cjib/x?q=1 HTTP/1.1\r\n")
    assert b"\r\nhost: 127.0.0.1:" in eerste.lower()
    assert b"\r\ncontent-type: application/json\r\n" in eerste.lower()


async def test_several_requests_at_once_each_get_their_own_answer():
    async def antwoord(verzoek: bytes) -> bytes:
        await asyncio.sleep(0.01)
        pad = verzoek.split(b" ", 2)[1].decode()
        return _json(200, {"pad": pad})

    async with draaiend(antwoord) as (server, client):
        antwoorden = await asyncio.gather(
            *(client.stuur(HttpVerzoek("GET", f"/a/{i}")) for i in range(8))
        )
    assert [a.body for a in antwoorden] == [{"pad": f"/a/{i}"} for i in range(8)]
    assert 1 < server.verbindingen <= 8


async def test_a_chunked_answer_is_read_whole():
    async def antwoord(_: bytes) -> bytes:
        return (
            b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n"
            b"content-type: application/json\r\n\r\n"
            b'4\r\n{"a"\r\n5;x=y\r\n: 12}\r\n0\r\n\r\n'
        )

    async with draaiend(antwoord) as (server, client):
        for _ in range(2):
            assert (await client.stuur(HttpVerzoek("GET", "/"))).body == {"a": 12}
    assert server.verbindingen == 1


async def test_a_connection_the_server_closes_is_not_used_again():
    async def antwoord(_: bytes) -> bytes:
        return _json(200, {}, "connection: close")

    async with draaiend(antwoord) as (server, client):
        for _ in range(3):
            assert (await client.stuur(HttpVerzoek("GET", "/"))).status == 200
    assert server.verbindingen == 3


async def test_a_kept_connection_closed_while_idle_is_replaced_without_an_error():
    aantal = 0

    async def antwoord(_: bytes) -> bytes | None:
        nonlocal aantal
        aantal += 1
        # the second request on the first connection finds it gone (hung up, no answer)
        return None if aantal == 2 else _json(200, {"n": aantal})

    async with draaiend(antwoord) as (server, client):
        assert (await client.stuur(HttpVerzoek("GET", "/"))).body == {"n": 1}
        assert (await client.stuur(HttpVerzoek("GET", "/"))).body == {"n": 3}
    assert server.verbindingen == 2


async def test_a_new_connection_that_ends_without_an_answer_is_onbereikbaar():
    async def antwoord(_: bytes) -> None:
        return None

    async with draaiend(antwoord) as (_, client):
        with pytest.raises(BackofficeOnbereikbaar):
            await client.stuur(HttpVerzoek("GET", "/"))


async def test_no_answer_in_time_is_onbereikbaar():
    async def antwoord(_: bytes) -> bytes:
        await asyncio.sleep(30)
        return b""

    async with draaiend(antwoord) as (_, client):
        client._http.timeout = client._http.timeout.__class__(0.2)
        with pytest.raises(BackofficeOnbereikbaar, match="timeout"):
            await client.stuur(HttpVerzoek("GET", "/"))


async def test_nobody_listening_is_onbereikbaar():
    tcp = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    port = tcp.sockets[0].getsockname()[1]
    tcp.close()
    await tcp.wait_closed()
    async with BackofficeClient(base_url=f"http://127.0.0.1:{port}") as client:
        with pytest.raises(BackofficeOnbereikbaar):
            await client.stuur(HttpVerzoek("GET", "/"))


@pytest.mark.parametrize(
    "kapot",
    [
        b"HTTP/1.1 200 OK\r\ncontent-length: -5\r\n\r\n",
        b"HTTP/1.1 200 OK\r\ncontent-length: vijf\r\n\r\nvijf!",
        b"SMTP ready\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nno colon here\r\n\r\n",
        b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n",
    ],
    ids=["negative-length", "length-not-a-number", "not-http", "header-without-colon", "bad-chunk"],
)
async def test_a_malformed_answer_is_a_transport_fault_not_a_crash(kapot: bytes):
    async def antwoord(_: bytes) -> bytes:
        return kapot

    async with draaiend(antwoord) as (_, client):
        with pytest.raises(BackofficeOnbereikbaar, match="RemoteProtocolError"):
            await client.stuur(HttpVerzoek("GET", "/"))
