"""The whole stack as real processes: a simulator per agency, the hub and a connector per agency.

The hub serves HTTPS with mutual TLS; the stack makes a local CA in its directory
(``deploy/pki/local_ca.py``) and :meth:`Stack.client` gives a client with an organisation's
certificate (the loket's by default).

Used by the end-to-end tests and by the benchmarks under ``bench/``.
"""

from __future__ import annotations

import contextlib
import ssl
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from simulators import AGENCIES
from tests.support.kafka import connector_group_at_end, hub_group_at_end, kafka_tls
from tests.support.pki import Pki, make_pki
from tests.support.processes import (
    ManagedProcess,
    console_script,
    free_port,
    free_ports,
    running_process,
    start_process,
    terminate_all,
)
from tests.support.store import migrated_sqlite

SHORT_CHAIN: tuple[str, ...] = ("belastingdienst", "cjib", "duo")
"""The agencies of a stack whose test is of something other than the chain's breadth (a hub or a
broker killed): every connector is the same code on its own translation, and the shared stack
(``tests/e2e/stack``) runs all eight. Three start on less than half the CPU of eight and carry a
third of the instructions per order (a test run is CPU-bound)."""


def hub_tls_env(pki: Pki) -> dict[str, str]:
    """The hub's settings for mutual TLS with the local CA: its own certificate, the CA."""
    cert, key = pki.cert("hub")
    return {"HUB_TLS_CERT": cert, "HUB_TLS_KEY": key, "HUB_TLS_CA": str(pki.ca)}


def tls_context(pki: Pki, org: str | None = "loket") -> ssl.SSLContext:
    """A client's TLS: trusts the local CA; presents ``org``'s certificate (``None``: none)."""
    context = ssl.create_default_context(cafile=str(pki.ca))
    if org is not None:
        context.load_cert_chain(*pki.cert(org))
    return context


def hub_client(
    hub_url: str, pki: Pki, org: str | None = "loket", **kwargs: Any
) -> httpx.AsyncClient:
    """An HTTP client for the hub as organisation ``org`` (its certificate from ``pki``)."""
    return httpx.AsyncClient(base_url=hub_url, verify=tls_context(pki, org), **kwargs)


@dataclass
class Stack:
    hub_url: str
    simulator_urls: dict[str, str]
    logs: Path
    hub: ManagedProcess
    restart_hub: Callable[[], ManagedProcess]
    """Start the hub again, same port, store and consumer group (after it stopped or was killed)."""
    pki: Pki = field(default_factory=lambda: Pki(Path(".")))

    def client(self, org: str | None = "loket", **kwargs: Any) -> httpx.AsyncClient:
        """A client for the hub's API as ``org`` (default: the loket)."""
        return hub_client(self.hub_url, self.pki, org, **kwargs)


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
def running_hub(
    kafka_bootstrap: str, root: Path, pki: Pki, env: dict[str, str] | None = None
) -> Iterator[tuple[str, ManagedProcess]]:
    """The hub alone as a process: HTTPS with mutual TLS (callers' certificates from ``pki``), on
    the session's secured broker with its own certificate, its store and keys under ``root``;
    its consumer group starts at the broker's current end unless ``env`` names one.
    Yields its base URL and the process."""
    port = free_port()
    env = env or {}
    if "HUB_CONSUMER_GROUP" not in env:  # a broker of its own has no history to skip
        env = {**env, "HUB_CONSUMER_GROUP": hub_group_at_end(kafka_bootstrap)}
    if "HUB_DATABASE_URL" not in env:
        env = {**env, "HUB_DATABASE_URL": hub_store(root / "hub.sqlite3")}
    with running_process(
        "hub",
        [console_script("maatwerk-hub"), "serve", "--port", str(port)],
        env={
            "HUB_KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
            "HUB_KEYS_DIR": str(root / "keys"),
            **tls_env("HUB_", "hub"),
            **hub_tls_env(pki),
            **env,
        },
        log_dir=root / "logs",
        health_url=f"https://127.0.0.1:{port}/health",
        timeout=60,
        ca=pki.ca,
    ) as process:
        yield f"https://127.0.0.1:{port}", process


def make_agency_keys(agencies: Sequence[str], keys: Path) -> None:
    """Each agency's key pair, which the hub and the connectors read at start: what
    ``maatwerk-connector keygen`` makes (an existing pair is kept), made in this process. A
    keygen process per agency took about 0.5 s of CPU each, nearly all of it imports: 4 s for a
    stack of eight agencies."""
    from connectors.base.sleutels import maak_sleutelpaar

    for agency in agencies:
        maak_sleutelpaar(keys, agency)


def hub_store(path: Path) -> str:
    """The URL of a test hub's SQLite store at ``path``; when there is none yet, a copy of the
    store migrated once per test run (``tests.support.store``), an existing one (a bench seeds
    it first) is kept. A hub on a new store first migrates it in a child process
    (``hub.adapters.upgrade_apart``), about 1.2 s of CPU per hub; ``make run`` and
    ``tests/unit/hub/test_start_imports.py`` still start on a new one."""
    if not path.exists():
        return migrated_sqlite(path)
    return f"sqlite+aiosqlite:///{path}"


def start_simulators(
    agencies: Sequence[str], ports: Sequence[int], logs: Path
) -> list[ManagedProcess]:
    """A simulated back-office per agency on its port (not waited for)."""
    simulator = console_script("maatwerk-simulator")
    return [
        start_process(
            f"simulator-{agency}",
            [simulator, "run", "--agency", agency, "--port", str(port)],
            log_dir=logs,
        )
        for agency, port in zip(agencies, ports, strict=True)
    ]


def connector_env(
    bootstrap: str, agency: str, backoffice_url: str, keys: Path, group: str
) -> dict[str, str]:
    """A connector's environment: its broker, back-office, keys, consumer group and its own
    agency's certificate."""
    return {
        "CONNECTOR_KAFKA_BOOTSTRAP_SERVERS": bootstrap,
        "CONNECTOR_BACKOFFICE_URL": backoffice_url,
        "CONNECTOR_KEYS_DIR": str(keys),
        "CONNECTOR_GROUP_ID": group,
        **tls_env("CONNECTOR_", agency),
    }


@contextlib.contextmanager
def running_stack(
    kafka_bootstrap: str, root: Path, agencies: Sequence[str] = AGENCIES
) -> Iterator[Stack]:
    """Every process of the stack started at once, then each waited for: one after the other
    (each Python process a second or two of imports) the start took 20-35 s on two busy cores.
    The key pairs and the hub's store are made before the hub and the connectors start (they
    read them at start), while the simulators start; the connectors need neither the hub nor
    their back-office to start (they retry both)."""
    keys, logs = root / "keys", root / "logs"
    pki = make_pki(root / "pki")
    hub_port, *sim_ports = free_ports(1 + len(agencies))
    simulator_urls = {a: f"http://127.0.0.1:{p}" for a, p in zip(agencies, sim_ports, strict=True)}
    connector = console_script("maatwerk-connector")
    started: list[ManagedProcess] = []
    with contextlib.ExitStack() as stack:
        stack.callback(lambda: terminate_all(started))
        started.extend(start_simulators(agencies, sim_ports, logs))
        make_agency_keys(agencies, keys)
        hub_env = {
            "HUB_KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
            "HUB_DATABASE_URL": hub_store(root / "hub.sqlite3"),
            "HUB_KEYS_DIR": str(keys),
            "HUB_CONSUMER_GROUP": hub_group_at_end(kafka_bootstrap),
            **tls_env("HUB_", "hub"),
            **hub_tls_env(pki),
        }
        hub_health = f"https://127.0.0.1:{hub_port}/health"

        def start_hub(wait: bool = True) -> ManagedProcess:
            process = start_process(
                "hub",
                [console_script("maatwerk-hub"), "serve", "--port", str(hub_port)],
                env=hub_env,
                log_dir=logs,
                health_url=hub_health if wait else None,
                timeout=60,
                ca=pki.ca,
            )
            started.append(process)
            return process

        hub = start_hub(wait=False)
        for agency in agencies:
            started.append(
                start_process(
                    f"connector-{agency}",
                    [connector, "run", "--agency", agency],
                    env=connector_env(
                        kafka_bootstrap,
                        agency,
                        simulator_urls[agency],
                        keys,
                        connector_group_at_end(kafka_bootstrap, agency),
                    ),
                    log_dir=logs,
                )
            )
        for agency, process in zip(agencies, started, strict=False):
            process.wait_for_http(f"{simulator_urls[agency]}/health", 60)
        hub.wait_for_http(hub_health, 60, ca=pki.ca)
        running = Stack(f"https://127.0.0.1:{hub_port}", simulator_urls, logs, hub, start_hub, pki)

        def restart_hub() -> ManagedProcess:
            running.hub.terminate()
            running.hub = start_hub()
            return running.hub

        running.restart_hub = restart_hub
        yield running
