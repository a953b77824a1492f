"""The broker the benchmark runs on, with the project's mutual TLS and ACLs.

``KAFKA_BOOTSTRAP_SERVERS`` when set (its certificates in ``MAATWERK_TEST_KAFKA_PKI``, as the
test suite's session broker has them), else the project's local broker
(``deploy/kafka/local-kafka.sh``) on free ports with its own local CA, stopped afterwards.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from hub.adapters.topic_admin import ensure_acls, ensure_topics
from schemas.topics import acl_entries, catalogue
from tests.support.kafka import PKI_ENV, kafka_tls
from tests.support.processes import free_ports

ROOT = Path(__file__).resolve().parents[1]
LOCAL_KAFKA = ROOT / "deploy" / "kafka" / "local-kafka.sh"


@contextlib.contextmanager
def broker() -> Iterator[str]:
    """Bootstrap servers of a broker with every topic of the catalogue and its ACLs."""
    with _broker() as bootstrap:
        admin = kafka_tls("beheer")
        asyncio.run(ensure_topics(bootstrap, catalogue(), tls=admin))
        if admin is not None:
            asyncio.run(ensure_acls(bootstrap, acl_entries(), tls=admin))
        yield bootstrap


@contextlib.contextmanager
def _broker() -> Iterator[str]:
    configured = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    if configured:
        yield configured
        return
    port, controller = free_ports(2)
    data = tempfile.mkdtemp(prefix="maatwerk-bench-kafka-")
    pki = str(Path(data) / "pki")  # its own local CA; every client connects with mTLS
    env = {**os.environ, "PYTHON": sys.executable, "PKI_PYTHON": sys.executable}
    subprocess.run([str(LOCAL_KAFKA), "fetch"], check=True, env=env)
    started = subprocess.run(
        [
            str(LOCAL_KAFKA),
            "start",
            "--port",
            str(port),
            "--controller-port",
            str(controller),
            "--data-dir",
            data,
            "--pki-dir",
            pki,
            "--watch-pid",  # stopped with the bench, however it ends
            str(os.getpid()),
        ],
        check=True,
        env=env,
        capture_output=True,
        text=True,
    )
    os.environ[PKI_ENV] = pki  # tests.support: the stack's processes get their certificates
    try:
        yield started.stdout.strip().splitlines()[-1]
    finally:
        subprocess.run([str(LOCAL_KAFKA), "stop", "--data-dir", data], check=False)
