"""The read buffer of each TLS connection asyncio holds: 64 KiB instead of 256 KiB.

asyncio's TLS layer (``asyncio.sslproto.SSLProtocol``) gives every connection a read buffer of
``SSLProtocol.max_size`` bytes, 256 KiB, allocated and zero-filled when the connection opens and
kept until it closes, and asks OpenSSL for up to as much plain text at each read. The hub serves
the loket's API over TLS (a connection per request a caller has in flight, kept alive after it) and
the hub and the connectors reach Kafka over TLS (a few connections per consumer). Under the
benchmark's load the hub held about 28 such connections: 7 MiB of read buffers, a third of what
its resident memory grew by under load (bench/PROFILE.md, round 10).

A TLS record carries at most 16 KiB of plain text, so 64 KiB (asyncio's own default limit of a
stream's buffer) still takes up to four records per read; what arrives beyond it is read on the
next turn of the loop, as with any socket. Nothing else changes: the limit is how much is read at
once, not how much may arrive.
"""

from __future__ import annotations

import asyncio.sslproto

READ_BUFFER = 64 * 1024


def limit_tls_read_buffer(size: int = READ_BUFFER) -> None:
    """Make every TLS connection asyncio opens from now on read into ``size`` bytes.

    Call it at a process's start, before its first connection (connections already open keep the
    buffer they have). Process-wide: every asyncio TLS connection, served or made."""
    asyncio.sslproto.SSLProtocol.max_size = size
