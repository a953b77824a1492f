"""Ask a Kafka broker for its cluster metadata: exit 0 once it answers with at least one broker
(``--brokers N``: N brokers, a whole cluster).

Standard library only, so ``local-kafka.sh`` can poll a starting broker with any ``python3``:

    python3 deploy/kafka/probe.py 127.0.0.1:19092
    python3 deploy/kafka/probe.py --cafile ca.pem --certfile me.pem --keyfile me.key 127.0.0.1:19092

With ``--cafile`` it speaks TLS, presenting ``--certfile``/``--keyfile`` as client certificate (the
local broker takes no connection without one).

It sends one real Kafka request (Metadata v4: no topics, no auto-creation) and reads the broker list
and cluster id from the answer. Kafka 4.x still serves Metadata v4 (it dropped v0 to v3, KIP-896).
"""

from __future__ import annotations

import argparse
import socket
import ssl
import struct
import sys

METADATA_API_KEY = 3
METADATA_VERSION = 4
CORRELATION_ID = 0x6D77  # "mw"
CLIENT_ID = b"maatwerk-probe"


def _metadata_request() -> bytes:
    header = struct.pack(
        ">hhih", METADATA_API_KEY, METADATA_VERSION, CORRELATION_ID, len(CLIENT_ID)
    )
    body = struct.pack(">ib", 0, 0)  # topics: empty array; allow_auto_topic_creation: false
    message = header + CLIENT_ID + body
    return struct.pack(">i", len(message)) + message


def _read_exactly(sock: socket.socket, size: int) -> bytes:
    chunks = bytearray()
    while len(chunks) < size:
        chunk = sock.recv(size - len(chunks))
        if not chunk:
            raise ConnectionError("broker closed the connection")
        chunks.extend(chunk)
    return bytes(chunks)


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def unpack(self, fmt: str) -> int:
        (value,) = struct.unpack_from(fmt, self.data, self.pos)
        self.pos += struct.calcsize(fmt)
        return int(value)

    def string(self) -> str | None:
        length = self.unpack(">h")
        if length < 0:
            return None
        value = self.data[self.pos : self.pos + length].decode()
        self.pos += length
        return value


def probe(
    host: str, port: int, timeout: float, tls: ssl.SSLContext | None = None
) -> tuple[str | None, list[str]]:
    """Return the cluster id and the brokers (``id@host:port``) the broker reports."""
    with socket.create_connection((host, port), timeout=timeout) as raw:
        sock = raw if tls is None else tls.wrap_socket(raw, server_hostname=host)
        sock.settimeout(timeout)
        sock.sendall(_metadata_request())
        (size,) = struct.unpack(">i", _read_exactly(sock, 4))
        reader = _Reader(_read_exactly(sock, size))
    if reader.unpack(">i") != CORRELATION_ID:
        raise ConnectionError("answer does not match the request")
    reader.unpack(">i")  # throttle_time_ms
    brokers = []
    for _ in range(reader.unpack(">i")):
        node_id = reader.unpack(">i")
        broker_host = reader.string()
        broker_port = reader.unpack(">i")
        reader.string()  # rack
        brokers.append(f"{node_id}@{broker_host}:{broker_port}")
    cluster_id = reader.string()
    return cluster_id, brokers


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bootstrap", help="host:port of one broker")
    parser.add_argument("--timeout", type=float, default=2.0, help="socket timeout in seconds")
    parser.add_argument("--quiet", "-q", action="store_true")
    parser.add_argument("--cafile", help="trust anchor (PEM): speak TLS")
    parser.add_argument("--certfile", help="client certificate (PEM)")
    parser.add_argument("--keyfile", help="its private key (PEM)")
    parser.add_argument(
        "--brokers", type=int, default=1, help="answer only once it reports this many brokers"
    )
    args = parser.parse_args()
    host, _, port = args.bootstrap.rpartition(":")
    try:
        tls = None
        if args.cafile:
            tls = ssl.create_default_context(cafile=args.cafile)
            if args.certfile:
                tls.load_cert_chain(args.certfile, args.keyfile)
        cluster_id, brokers = probe(host or "127.0.0.1", int(port), args.timeout, tls)
    except (OSError, struct.error, ValueError) as exc:
        if not args.quiet:
            print(f"no answer from {args.bootstrap}: {exc}", file=sys.stderr)
        return 1
    if len(brokers) < args.brokers:
        if not args.quiet:
            print(
                f"{args.bootstrap} answered but reports {len(brokers)} of {args.brokers} brokers",
                file=sys.stderr,
            )
        return 1
    if not args.quiet:
        print(f"cluster {cluster_id}: brokers {', '.join(brokers)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
