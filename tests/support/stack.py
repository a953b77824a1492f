"""The whole stack as real processes: three simulators, the hub and three connectors.

Used by the end-to-end tests and by the benchmarks under ``bench/``.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from simulators import AGENCIES
from tests.support.kafka import kafka_tls
from tests.support.processes import ManagedProcess, console_script, free_ports, start_process


@dataclass
class Stack:
    hub_url: str
    simulator_urls: dict[str, str]
    logs: Path
    hub: ManagedProcess
    restart_hub: Callable[[], ManagedProcess]
    """Start the hub again, same port, store and consumer group (after it stopped or was killed)."""


def tls_env(prefix: str, als: str) -> dict[str, str]:
    """``<prefix>KAFKA_SSL_*`` for organisation ``als`` on the session's broker (none if
    PLAINTEXT)."""
    tls = kafka_tls(als)
    if tls is None:
        return {}
    return {
        f"{prefix}KAFKA_SSL_CAFILE": str(tls.cafile),
        f"{prefix}KAFKA_SSL_CERTFILE": str(tls.certfile),
        f"{prefix}KAFKA_SSL_KEYFILE": str(tls.keyfile),
    }


@contextlib.contextmanager
def running_stack(
    kafka_bootstrap: str, root: Path, agencies: Sequence[str] = AGENCIES
) -> Iterator[Stack]:
    keys, logs = root / "keys", root / "logs"
    hub_port, *sim_ports = free_ports(1 + len(agencies))
    simulator_urls = {a: f"http://127.0.0.1:{p}" for a, p in zip(agencies, sim_ports, strict=True)}
    connector = console_script("maatwerk-connector")
    simulator = console_script("maatwerk-simulator")
    with contextlib.ExitStack() as stack:
        for agency, port in zip(agencies, sim_ports, strict=True):
            keygen = start_process(
                f"keygen-{agency}",
                [connector, "keygen", "--agency", agency, "--keys-dir", str(keys)],
                log_dir=logs,
            )
            assert keygen.popen.wait(30) == 0, keygen.output()
            sim = start_process(
                f"simulator-{agency}",
                [simulator, "run", "--agency", agency, "--port", str(port)],
                log_dir=logs,
                health_url=f"{simulator_urls[agency]}/health",
            )
            stack.callback(sim.terminate)
        hub_env = {
            "HUB_KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
            "HUB_DATABASE_URL": f"sqlite+aiosqlite:///{root / 'hub.sqlite3'}",
            "HUB_KEYS_DIR": str(keys),
            "HUB_CONSUMER_GROUP": f"hub-{uuid.uuid4()}",
            **tls_env("HUB_", "hub"),
        }

        def start_hub() -> ManagedProcess:
            process = start_process(
                "hub",
                [console_script("maatwerk-hub"), "serve", "--port", str(hub_port)],
                env=hub_env,
                log_dir=logs,
                health_url=f"http://127.0.0.1:{hub_port}/health",
                timeout=60,
            )
            stack.callback(process.terminate)
            return process

        hub = start_hub()
        for agency in agencies:
            proc = start_process(
                f"connector-{agency}",
                [connector, "run", "--agency", agency],
                env={
                    "CONNECTOR_KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
                    "CONNECTOR_BACKOFFICE_URL": simulator_urls[agency],
                    "CONNECTOR_KEYS_DIR": str(keys),
                    **tls_env("CONNECTOR_", agency),  # each with its own agency's certificate
                },
                log_dir=logs,
            )
            stack.callback(proc.terminate)
        running = Stack(f"http://127.0.0.1:{hub_port}", simulator_urls, logs, hub, start_hub)

        def restart_hub() -> ManagedProcess:
            running.hub.terminate()
            running.hub = start_hub()
            return running.hub

        running.restart_hub = restart_hub
        yield running
