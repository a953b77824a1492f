"""An open TLS connection costs a process a 64 KiB read buffer, not asyncio's 256 KiB (the hub holds
one per request a caller has in flight, and a few per Kafka consumer: issue 15's P3), and what is
sent over it still arrives whole."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.support.pki import make_pki

CONNECTIONS = 40

PROBE = """
import asyncio, hashlib, ssl, sys
from pathlib import Path

from schemas.tls_buffer import limit_tls_read_buffer

pki, mode, connections = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
if mode == "limit":
    limit_tls_read_buffer()


def rss() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError


async def echo_digest(reader, writer):
    size = int.from_bytes(await reader.readexactly(8), "big")
    writer.write(hashlib.sha256(await reader.readexactly(size)).digest())
    await writer.drain()
    await reader.read()  # hold the connection open until the client closes it
    writer.close()


async def main():
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_ctx.load_cert_chain(pki / "hub.pem", pki / "hub.key")
    client_ctx = ssl.create_default_context(cafile=str(pki / "ca.pem"))
    client_ctx.check_hostname = False
    server = await asyncio.start_server(echo_digest, "127.0.0.1", 0, ssl=server_ctx)
    port = server.sockets[0].getsockname()[1]

    async def connect():
        return await asyncio.open_connection("127.0.0.1", port, ssl=client_ctx)

    warm = [await connect() for _ in range(4)]  # OpenSSL's and asyncio's one-off costs
    before = rss()
    opened = [await connect() for _ in range(connections)]
    for reader, writer in opened:  # each side's buffers exist once data has flowed
        writer.write((1).to_bytes(8, "big") + b"x")
        await reader.readexactly(32)
    per_connection = (rss() - before) // connections

    message = bytes(range(256)) * 8192  # 2 MiB through one connection
    reader, writer = warm[0]
    writer.write(len(message).to_bytes(8, "big") + message)
    whole = await reader.readexactly(32) == hashlib.sha256(message).digest()
    print(per_connection, whole)


asyncio.run(main())
"""


def per_connection(tmp_path, mode: str) -> tuple[int, bool]:
    """Bytes of resident memory an open TLS connection (both of its ends, in one process) costs,
    and whether 2 MiB sent over one arrived whole."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(tmp_path / "pki"), mode, str(CONNECTIONS)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    size, whole = done.stdout.split()
    return int(size), whole == "True"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/status")
@pytest.mark.subprocess
def test_an_open_tls_connection_holds_a_small_read_buffer_and_carries_everything(tmp_path):
    make_pki(tmp_path / "pki")
    asyncio_default, whole_before = per_connection(tmp_path, "default")
    limited, whole = per_connection(tmp_path, "limit")
    assert whole_before and whole
    # Both ends in one process: 2 x 256 KiB of buffers with asyncio's default, 2 x 64 KiB now.
    assert asyncio_default > 2 * 256 * 1024
    assert limited < 2 * 128 * 1024
