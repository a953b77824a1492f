"""The fault suite's machinery: its own broker and stack, a steady loket load, fault injectors,
hostile records and the tally of what became of every order.

    with own_broker(root) as broker, fault_stack(broker, root) as stack:
        load = Load(stack, orders=40, interval=0.5)
        async with load.running():
            await stack.kill_hub()
            ...
        tally = await settle_and_count(stack, load.orders)

The suite runs its own broker (``deploy/kafka/local-kafka.sh`` on free ports, a data dir and CA
of its own) so that restarting it never touches the session's broker the other tests use; every
process gets that broker's certificates explicitly, the environment is not changed.

The hub's modules and the stack's helpers are imported where they are used: ``tests/faults``'
conftest imports this module in every pytest process, also in ``make check``'s, which runs no
fault test (its xdist controller imported the whole hub for nothing, a second of CPU before the
workers started).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from schemas.deadletter import mask_bsn_like
from schemas.identiteit import KafkaTls
from schemas.topics import acl_entries, catalogue
from tests.support.loket import casus_body, opschorting_body
from tests.support.pki import Pki, make_pki
from tests.support.processes import (
    ManagedProcess,
    console_script,
    free_ports,
    start_process,
    terminate_all,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
LOCAL_KAFKA = REPO_ROOT / "deploy" / "kafka" / "local-kafka.sh"
BSN = "999990019"
"""Seeded at every simulator with claims each suspends: every order confirms."""
STORING = "STORING-500"
"""A claim reference the faulty back-office answers HTTP 500 to (the simulator's fault switch)."""

FAULT_CHAIN: tuple[str, ...] = ("belastingdienst", "cjib", "duo", "svb")
"""The agencies of the fault suite's stack. Its faults are of processes and the broker (a hub or
connector killed, a back-office frozen, the broker restarted, hostile records): every connector
is the same code on its own translation, so four carry them as eight did, on about half the CPU
(a test run is CPU-bound). The Belastingdienst catches up after a freeze, the CJIB's back-office
has the fault switch, the DUO's topics get the hostile records."""


# ------------------------------------------------------------------------------------ broker


def _processes_mentioning(text: str) -> list[int]:
    """Pids of processes whose command line contains ``text`` (to wait for, never to kill)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if text.encode() in (entry / "cmdline").read_bytes():
                    pids.append(int(entry.name))
    return pids


@dataclass
class OwnBroker:
    """The suite's own single-node broker (mTLS, ACLs), which it may stop and start at will."""

    data_dir: Path
    port: int
    controller_port: int

    @property
    def pki_dir(self) -> Path:
        return self.data_dir / "pki"

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    def tls(self, als: str) -> KafkaTls:
        return KafkaTls.uit_pki(self.pki_dir, als)

    def _script(self, *args: str, timeout: float = 300) -> None:
        env = {
            **os.environ,
            "PYTHON": sys.executable,
            "PKI_PYTHON": sys.executable,
            # A broker with clients attached may not finish its controlled shutdown: SIGKILL
            # after 10 s (the default 30 s only makes the suite slower).
            "LOCAL_KAFKA_STOP_TIMEOUT": "10",
        }
        result = subprocess.run(
            [str(LOCAL_KAFKA), *args, "--data-dir", str(self.data_dir)],
            env=env,
            cwd=REPO_ROOT,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"local-kafka.sh {args[0]} failed:\n{result.stderr}")

    def start(self) -> None:
        # The watchdog of a previous start stops "the broker of this data dir" once the broker
        # it watched is gone: wait until it did, or it would stop the new one.
        deadline = time.monotonic() + 15
        while _processes_mentioning(str(self.data_dir)) and time.monotonic() < deadline:
            time.sleep(0.2)
        self._script(
            "start",
            "--port",
            str(self.port),
            "--controller-port",
            str(self.controller_port),
            "--pki-dir",
            str(self.pki_dir),
            "--watch-pid",
            str(os.getpid()),
        )

    def stop(self) -> None:
        self._script("stop", timeout=120)

    def restart(self, down: float = 0) -> tuple[float, float]:
        """Stop (SIGTERM, as an operator would) and start again, at the earliest ``down``
        seconds after the stop began; the seconds the stop (and the wait) and the start took."""
        started = time.monotonic()
        self.stop()
        time.sleep(max(0.0, started + down - time.monotonic()))
        stopped = time.monotonic()
        self.start()
        return stopped - started, time.monotonic() - stopped


@contextlib.contextmanager
def own_broker(root: Path) -> Iterator[OwnBroker]:
    """A broker of the suite's own, with every topic of the catalogue and its ACLs."""
    subprocess.run([str(LOCAL_KAFKA), "fetch"], check=True, capture_output=True, timeout=900)
    port, controller = free_ports(2)
    broker = OwnBroker(root / "kafka", port, controller)
    broker.start()
    try:
        from hub.adapters.topic_admin import ensure_acls, ensure_topics

        admin = broker.tls("beheer")
        asyncio.run(ensure_topics(broker.bootstrap, catalogue(), tls=admin))
        asyncio.run(ensure_acls(broker.bootstrap, acl_entries(), tls=admin))
        yield broker
    finally:
        broker.stop()


# ------------------------------------------------------------------------------------- stack

ANSWERED = ("confirmed", "partially_confirmed", "refused")
"""A request's statuses that are an agency's final answer."""
IN_DOUBT: Any = object()
"""A POST whose outcome the loket cannot know from its answer (see :meth:`Load._post`)."""


@dataclass
class FaultStack:
    """Hub, connectors and simulators as processes on the suite's broker, each one killable."""

    root: Path
    broker: OwnBroker
    pki: Pki
    hub_port: int
    simulator_urls: dict[str, str]
    backoffice_urls: dict[str, str]
    faulty_agency: str
    simulators: dict[str, ManagedProcess] = field(default_factory=dict)
    connectors: dict[str, ManagedProcess] = field(default_factory=dict)
    hub: ManagedProcess | None = None
    hub_group: str = field(default_factory=lambda: f"hub-{uuid.uuid4()}")
    faults: list[tuple[str, float]] = field(default_factory=list)
    """Every fault injected: what, and how many seconds the party was away."""
    orders: list[Order] = field(default_factory=list)
    """Every order placed on this stack (what the back-offices hold must match them all)."""

    @property
    def hub_url(self) -> str:
        return f"https://127.0.0.1:{self.hub_port}"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    def client(self, org: str = "loket", **kwargs: Any) -> httpx.AsyncClient:
        from tests.support.stack import hub_client

        return hub_client(self.hub_url, self.pki, org, **kwargs)

    def _kafka_env(self, prefix: str, als: str) -> dict[str, str]:
        tls = self.broker.tls(als)
        return {
            f"{prefix}KAFKA_BOOTSTRAP_SERVERS": self.broker.bootstrap,
            f"{prefix}KAFKA_SSL_CAFILE": str(tls.cafile),
            f"{prefix}KAFKA_SSL_CERTFILE": str(tls.certfile),
            f"{prefix}KAFKA_SSL_KEYFILE": str(tls.keyfile),
        }

    def start_hub(self) -> None:
        from tests.support.stack import hub_store, hub_tls_env

        self.hub = start_process(
            "hub",
            [console_script("maatwerk-hub"), "serve", "--port", str(self.hub_port)],
            env={
                "HUB_DATABASE_URL": hub_store(self.root / "hub.sqlite3"),
                "HUB_KEYS_DIR": str(self.root / "keys"),
                "HUB_CONSUMER_GROUP": self.hub_group,
                "HUB_RATE_LIMIT_PER_SECOND": "0",  # one loket sends the whole load
                **self._kafka_env("HUB_", "hub"),
                **hub_tls_env(self.pki),
            },
            log_dir=self.logs,
            health_url=f"{self.hub_url}/health",
            timeout=90,
            ca=self.pki.ca,
        )

    def start_connector(self, agency: str) -> None:
        self.connectors[agency] = start_process(
            f"connector-{agency}",
            [console_script("maatwerk-connector"), "run", "--agency", agency],
            env={
                "CONNECTOR_BACKOFFICE_URL": self.backoffice_urls[agency],
                "CONNECTOR_KEYS_DIR": str(self.root / "keys"),
                **self._kafka_env("CONNECTOR_", agency),
            },
            log_dir=self.logs,
        )

    async def kill_hub(self) -> None:
        """kill -9 the hub, start it again on the same port, store and consumer group."""
        assert self.hub is not None
        started = time.monotonic()
        _kill9(self.hub)
        await asyncio.to_thread(self.start_hub)
        self.faults.append(("kill -9 hub", time.monotonic() - started))

    async def kill_connector(self, agency: str) -> None:
        started = time.monotonic()
        _kill9(self.connectors[agency])
        await asyncio.to_thread(self.start_connector, agency)
        self.faults.append((f"kill -9 connector-{agency}", time.monotonic() - started))

    async def freeze(self, agency: str, seconds: float) -> None:
        """SIGSTOP the agency's back-office for ``seconds``, then SIGCONT: it hangs, it does not
        refuse (the connector sees time-outs, not connection errors)."""
        pid = self.simulators[agency].pid
        os.killpg(pid, signal.SIGSTOP)
        try:
            await asyncio.sleep(seconds)
        finally:
            os.killpg(pid, signal.SIGCONT)
        self.faults.append((f"freeze back-office {agency}", seconds))

    async def restart_broker(self, down: float = 0) -> None:
        """Restart the broker, down for at least ``down`` seconds."""
        stop, start = await asyncio.to_thread(self.broker.restart, down)
        self.faults.append((f"restart broker (stop {stop:.0f}s, start {start:.0f}s)", stop + start))

    def log_count(self, text: str) -> int:
        """Lines of the processes' logs that hold ``text`` (what happened inside, for the
        report)."""
        return sum(path.read_text(errors="replace").count(text) for path in self.logs.glob("*.log"))

    def stop(self) -> None:
        processes = [self.hub, *self.connectors.values(), *self.simulators.values()]
        for process in processes:
            if process is not None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGCONT)  # a frozen one must hear SIGTERM
        terminate_all([process for process in processes if process is not None])


def _kill9(process: ManagedProcess) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.popen.wait(10)


def _switch_storing_on(simulator_url: str) -> None:
    """Ask the simulator to answer 500 to every request naming the claim :data:`STORING` (its
    fault switch, ``POST /_simulator/storingen``)."""
    request = urllib.request.Request(
        f"{simulator_url}/_simulator/storingen",
        data=json.dumps({"vordering": STORING}).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        assert answer.status == 201, answer.status


@contextlib.contextmanager
def fault_stack(broker: OwnBroker, root: Path, faulty_agency: str = "cjib") -> Iterator[FaultStack]:
    """A simulator and a connector per agency and the hub on ``broker``. ``faulty_agency``'s
    back-office answers 500 to every request naming the claim :data:`STORING` (its fault switch)."""
    hub_port, *sim_ports = free_ports(1 + len(FAULT_CHAIN))
    simulator_urls = {
        a: f"http://127.0.0.1:{p}" for a, p in zip(FAULT_CHAIN, sim_ports, strict=True)
    }
    stack = FaultStack(
        root=root,
        broker=broker,
        pki=make_pki(root / "pki"),
        hub_port=hub_port,
        simulator_urls=simulator_urls,
        backoffice_urls=dict(simulator_urls),
        faulty_agency=faulty_agency,
    )
    from tests.support.stack import make_agency_keys

    (root / "simulators").mkdir(parents=True, exist_ok=True)
    try:
        # All at once, then waited for (one after the other, the set-up took twice as long).
        for agency, port in zip(FAULT_CHAIN, sim_ports, strict=True):
            stack.simulators[agency] = start_process(
                f"simulator-{agency}",
                [
                    console_script("maatwerk-simulator"),
                    *("run", "--agency", agency, "--port", str(port)),
                ],
                env={"SIMULATOR_STATE_FILE": str(root / "simulators" / f"{agency}.sqlite3")},
                cwd=root,  # whatever a back-office keeps on disk stays in this run
                log_dir=stack.logs,
            )
        make_agency_keys(FAULT_CHAIN, root / "keys")
        for agency, simulator in stack.simulators.items():
            simulator.wait_for_http(f"{simulator_urls[agency]}/health", 60)
        _switch_storing_on(simulator_urls[faulty_agency])
        stack.start_hub()
        for agency in FAULT_CHAIN:
            stack.start_connector(agency)
        yield stack
    finally:
        stack.stop()


# -------------------------------------------------------------------------------------- load


@dataclass
class Order:
    """One loket time-out: what the loket was told."""

    number: int
    casus_id: str | None = None
    opschorting_id: str | None = None
    statuses: list[int | str] = field(default_factory=list)
    """Every HTTP status (or transport error) the loket got, in order."""
    final: dict[str, Any] | None = None
    """The order's last view (GET /api/v1/opschortingen/<id>) after settling."""
    in_doubt: int = 0
    """POSTs whose answer the hub's kill cut off and whose key it then held (409)."""
    storing: str | None = None
    """The agency whose back-office answers this order with HTTP 500 (its claim is
    :data:`STORING`): that link must become ``undeliverable``, the others confirm."""

    @property
    def acknowledged(self) -> bool:
        return self.opschorting_id is not None

    def body(self) -> dict[str, Any]:
        if self.storing is None:
            return opschorting_body(*FAULT_CHAIN)
        return opschorting_body(*FAULT_CHAIN, vorderingen={self.storing: [STORING]})

    def settled(self) -> bool:
        """Every link has its final answer; the faulty one once it is ``undeliverable``. (An
        ``undeliverable`` elsewhere is not final: a frozen back-office reports it, then
        answers.)"""
        if self.final is None:
            return False
        return all(
            link["status"]
            in (("undeliverable",) if link["uitvoerder"] == self.storing else ANSWERED)
            for link in self.final["keten"]
        )

    def outcome_ok(self) -> bool:
        assert self.final is not None
        return all(
            link["status"]
            == ("undeliverable" if link["uitvoerder"] == self.storing else "confirmed")
            for link in self.final["keten"]
        )


class Load:
    """A steady stream of time-out orders for every agency, one every ``interval`` seconds,
    each retried with the same Idempotency-Key while the hub is away (as a loket would)."""

    def __init__(
        self, stack: FaultStack, orders: int, interval: float, give_up: float = 90
    ) -> None:
        self.stack = stack
        self.count = orders
        self.interval = interval
        self.give_up = give_up
        self.orders: list[Order] = []

    async def place(self, order: Order) -> Order:
        """One order outside the steady stream (e.g. for the faulty back-office)."""
        self.stack.orders.append(order)
        async with self.stack.client(timeout=15) as client:
            await self._place(client, order)
        return order

    async def _post(
        self,
        client: httpx.AsyncClient,
        order: Order,
        url: str,
        body: Any,
        key: str | None = None,
    ) -> Any:
        """POST until answered, the same Idempotency-Key every time: the created resource, None
        when refused or given up, or :data:`IN_DOUBT` when a POST that got no answer (the client
        timed out, or the hub was killed) found the key claimed without an answer (409: the first
        request is still being handled, or died and its lease has not passed yet, see
        ``hub.service.idempotentie``)."""
        key = key or str(uuid.uuid4())
        unanswered = False
        deadline = time.monotonic() + self.give_up
        while time.monotonic() < deadline:
            try:
                answer = await client.post(url, json=body, headers={"Idempotency-Key": key})
            except httpx.TransportError as exc:
                order.statuses.append(type(exc).__name__)
                unanswered = True
            else:
                order.statuses.append(answer.status_code)
                if answer.status_code == 201:
                    return answer.json()
                if answer.status_code == 409 and unanswered:
                    return IN_DOUBT
                if answer.status_code < 500 and answer.status_code != 429:
                    return None  # refused: the loket would not try again
            await asyncio.sleep(0.5)
        return None

    async def _place(self, client: httpx.AsyncClient, order: Order) -> None:
        """A casus, then its time-out. A POST left in doubt is resolved as a loket would: a
        casus is submitted anew (the first, if it was made, stays without an order); a time-out
        is asked again with the SAME Idempotency-Key until the hub answers it (the first
        request's stored answer, or a retry that takes the claim over once the hub's lease
        passed), the casus read in between. A new key would be a second order while the first
        may still be committing: two time-outs on one casus."""
        casus = IN_DOUBT
        while casus is IN_DOUBT:
            casus = await self._post(client, order, "/api/v1/casussen", casus_body(BSN))
            order.in_doubt += casus is IN_DOUBT
        if casus is None:
            return
        order.casus_id = casus["casus_id"]
        url = f"/api/v1/casussen/{order.casus_id}/opschortingen"
        key = str(uuid.uuid4())
        ordered = await self._post(client, order, url, order.body(), key)
        if ordered is IN_DOUBT:
            order.in_doubt += 1
            ordered = await self._resolve(client, order, url, key)
        if ordered is not None:
            order.opschorting_id = ordered["opschorting_id"]

    async def _resolve(
        self, client: httpx.AsyncClient, order: Order, url: str, key: str
    ) -> dict[str, Any] | None:
        """A time-out order in doubt: the casus read, and the order asked again with its own
        ``key``, until the hub answers it (the first request's stored answer, or a retry that
        takes the claim over once the hub's lease passed) or refuses it. While the hub is away
        or the first request still runs (409), the loket keeps asking: giving up would leave an
        order the hub may have made without the loket knowing it."""
        from hub.service.idempotentie import LEASE

        deadline = time.monotonic() + LEASE.total_seconds() + self.give_up
        while time.monotonic() < deadline:
            made = await self._made(client, order)
            if made:
                return {"opschorting_id": made[0]}
            await asyncio.sleep(0.5)
            try:
                answer = await client.post(url, json=order.body(), headers={"Idempotency-Key": key})
            except httpx.TransportError as exc:
                order.statuses.append(type(exc).__name__)
                continue
            order.statuses.append(answer.status_code)
            if answer.status_code == 201:
                return dict(answer.json())
            if answer.status_code < 500 and answer.status_code not in (409, 429):
                return None  # refused: the loket would not try again
        return None

    @staticmethod
    async def _made(client: httpx.AsyncClient, order: Order) -> list[str]:
        """The casus's time-outs as far as the hub answers now (none while it is away)."""
        try:
            dossier = await client.get(f"/api/v1/casussen/{order.casus_id}")
        except httpx.TransportError:
            return []
        if dossier.status_code != 200:
            return []
        made: list[str] = dossier.json()["instrumenten"]["opschortingen"]
        return made

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[Load]:
        """Places orders in the background, one every ``interval`` seconds, for as long as the
        body runs and at least ``orders`` of them; on leaving, waits until every one was placed
        (acknowledged or given up)."""
        body_done = asyncio.Event()
        async with self.stack.client(timeout=15) as client:
            tasks = []

            async def feed() -> None:
                while len(self.orders) < self.count or not body_done.is_set():
                    order = Order(len(self.stack.orders))
                    self.orders.append(order)
                    self.stack.orders.append(order)
                    tasks.append(asyncio.create_task(self._place(client, order)))
                    await asyncio.sleep(self.interval)

            feeder = asyncio.create_task(feed())
            try:
                yield self
                body_done.set()
                await feeder
                await asyncio.gather(*tasks)
            finally:
                feeder.cancel()
                for task in tasks:
                    task.cancel()


# ------------------------------------------------------------------------------------ counts


@dataclass
class Tally:
    acknowledged: int = 0
    not_acknowledged: list[str] = field(default_factory=list)
    in_doubt: int = 0
    """POSTs left in doubt by a kill of the hub, resolved by the loket (see Load._place)."""
    confirmed: int = 0
    lost: list[str] = field(default_factory=list)
    """Acknowledged orders the hub forgot, or with a confirmed link no back-office holds."""
    applied_twice: list[str] = field(default_factory=list)
    """Instructions a back-office holds more than once, or holds without any order for it."""
    stuck: list[str] = field(default_factory=list)
    """Acknowledged orders still pending after settling."""
    wrong_outcome: list[str] = field(default_factory=list)
    """Orders that ended other than confirmed (every order's BSN confirms everywhere)."""
    suspensions: dict[str, int] = field(default_factory=dict)
    dead_letters: Counter[str] = field(default_factory=Counter)

    @property
    def ok(self) -> bool:
        return not (
            self.lost
            or self.applied_twice
            or self.stuck
            or self.wrong_outcome
            or self.not_acknowledged
        )

    def table(self, faults: list[tuple[str, float]]) -> str:
        rows = [
            ("orders acknowledged", self.acknowledged),
            ("orders not acknowledged", len(self.not_acknowledged)),
            ("POSTs in doubt after a kill", self.in_doubt),
            ("chains confirmed", self.confirmed),
            ("orders lost", len(self.lost)),
            ("applied twice", len(self.applied_twice)),
            ("stuck (pending)", len(self.stuck)),
            ("other outcome", len(self.wrong_outcome)),
            *((f"suspensions at {a}", n) for a, n in sorted(self.suspensions.items())),
            ("records dead-lettered", self.dead_letters.total()),
            *((f"  of which {c}", n) for c, n in sorted(self.dead_letters.items())),
            *((f"fault: {what}", f"{away:.1f}s") for what, away in faults),
        ]
        width = max(len(name) for name, _ in rows)
        return "\n".join(f"  {name:<{width}}  {value!s:>7}" for name, value in rows)

    def failures(self) -> str:
        parts = [
            f"{name}: {items[:10]}"
            for name, items in (
                ("lost", self.lost),
                ("applied twice", self.applied_twice),
                ("stuck", self.stuck),
                ("other outcome", self.wrong_outcome),
            )
            if items
        ]
        if self.not_acknowledged:
            parts.append(f"never acknowledged: {self.not_acknowledged[:10]}")
        return "; ".join(parts)


SETTLE_CAP = 5
"""However steady the progress, ``settle`` gives up after this many times ``within``."""


async def settle(stack: FaultStack, orders: list[Order], within: float, pause: float = 1.0) -> None:
    """Poll every acknowledged order until none is pending, or until none settled for ``within``
    seconds (the orders still pending then are what the tally counts as stuck).

    What this bounds is a stall, not the machine's speed: after a broker restart the hub works
    through every agency's answers to the backlog, and on a loaded machine that takes longer than
    any fixed budget a quiet one needs. As long as orders keep settling, it waits on, up to
    ``SETTLE_CAP`` times ``within`` in all."""
    open_ = [o for o in orders if o.acknowledged]
    started = time.monotonic()
    deadline = started + within
    cap = started + SETTLE_CAP * within
    async with stack.client(timeout=15) as client:
        while open_ and time.monotonic() < deadline:
            still = []
            for order in open_:
                answer = await client.get(f"/api/v1/opschortingen/{order.opschorting_id}")
                order.final = answer.json() if answer.status_code == 200 else None
                if answer.status_code == 200 and not order.settled():
                    still.append(order)
            if len(still) < len(open_):  # progress: the stall clock starts again
                deadline = min(time.monotonic() + within, cap)
            open_ = still
            if open_:
                await asyncio.sleep(pause)


async def dead_letters(stack: FaultStack) -> list[dict[str, Any]]:
    """Every dead letter the hub recorded, newest first, as the operators see them (page by
    page; a hub without paging gives its newest 500)."""
    listed: list[dict[str, Any]] = []
    async with stack.client("beheer", timeout=15) as client:
        for page in range(1, 100):
            answer = await client.get(
                "/api/v1/ops/dead-letters", params={"per_pagina": 500, "pagina": page}
            )
            answer.raise_for_status()
            if isinstance(answer.json(), list):  # the list before paging came in
                answer = await client.get("/api/v1/ops/dead-letters", params={"limit": 500})
                answer.raise_for_status()
                return list(answer.json())
            items = answer.json()["items"]
            listed.extend(items)
            if not items or len(listed) >= answer.json()["totaal"]:
                break
    return listed


async def count(stack: FaultStack, orders: list[Order]) -> Tally:
    """What became of every order, from the hub's API and the back-offices' own registers."""
    tally = Tally()
    sent: dict[str, set[str]] = {a: set() for a in FAULT_CHAIN}
    """Per agency: every instruction id an acknowledged order sent it."""
    confirmed: dict[str, dict[str, str]] = {a: {} for a in FAULT_CHAIN}
    """Per agency: instruction id -> the reference its link was confirmed with."""
    async with stack.client(timeout=15) as client:
        for order in orders:
            tally.in_doubt += order.in_doubt
            if not order.acknowledged:
                tally.not_acknowledged.append(f"order {order.number}: {order.statuses}")
                continue
            tally.acknowledged += 1
            name = f"order {order.number} ({order.opschorting_id})"
            if order.final is None:
                tally.lost.append(name)
                continue
            casus = (await client.get(f"/api/v1/casussen/{order.casus_id}")).json()
            if len(casus["instrumenten"]["opschortingen"]) != 1:
                tally.applied_twice.append(f"{name}: {casus['instrumenten']['opschortingen']}")
            links = {link["uitvoerder"]: link["status"] for link in order.final["keten"]}
            if not order.settled():
                tally.stuck.append(f"{name}: {links}")
            elif order.final["status"] == "confirmed":
                tally.confirmed += 1
            elif not order.outcome_ok():
                tally.wrong_outcome.append(f"{name}: {links}")
            for link in order.final["keten"]:
                sent[link["uitvoerder"]].add(link["instructie_id"])
                if link["status"] in ("confirmed", "partially_confirmed"):
                    confirmed[link["uitvoerder"]][link["instructie_id"]] = link["referentie"]
    async with httpx.AsyncClient(timeout=15) as client:
        for agency, base in stack.simulator_urls.items():
            listing = (await client.get(f"{base}/_simulator/opschortingen")).json()
            held = Counter(s["sleutel"] for s in listing["opschortingen"])
            tally.suspensions[agency] = listing["aantal"]
            for sleutel, times in held.items():
                if times > 1:
                    tally.applied_twice.append(f"{agency}: {sleutel} held {times} times")
                elif sleutel not in sent[agency]:
                    tally.applied_twice.append(f"{agency}: {sleutel} held without an order")
            references = {s["sleutel"]: s["referentie"] for s in listing["opschortingen"]}
            for instruction, reference in confirmed[agency].items():
                if references.get(instruction) != reference:
                    tally.lost.append(f"{agency}: {instruction} confirmed, not held")
    tally.dead_letters = Counter(d["redencode"] or "(none)" for d in await dead_letters(stack))
    return tally


# ---------------------------------------------------------------------------- hostile records

CLOUDEVENTS = b"application/cloudevents+json; charset=UTF-8"
NEAR_ONE_MIB = 1_000_000


def _event_bytes(topic: str, key: str, pad: int = 0) -> bytes:
    """A CloudEvent-shaped value that no consumer can act on (unknown ids, empty data)."""
    event = {
        "specversion": "1.0",
        "id": str(uuid.uuid4()),
        "source": "urn:nld:oin:00000001999999990004",
        "type": "nl.maatwerk.fout.v1",
        "subject": key,
        "topic": topic,
        "data": {},
        "pad": "x" * pad,
    }
    return json.dumps(event).encode()


HOSTILE_KINDS: dict[str, Any] = {
    # kind -> (value, headers) for a record keyed ``key`` on ``topic``
    "nested-100000": lambda topic, key: (
        b"[" * 100_000 + b"]" * 100_000,
        [("content-type", CLOUDEVENTS)],
    ),
    "json-content-type-not-json": lambda topic, key: (
        b"\xff\x00 this is { not JSON",
        [("content-type", b"application/json")],
    ),
    "near-1-mib": lambda topic, key: (
        _event_bytes(topic, key, NEAR_ONE_MIB),
        [("content-type", CLOUDEVENTS)],
    ),
    "header-not-utf8": lambda topic, key: (
        _event_bytes(topic, key),
        [("content-type", b"\xff\xfe\xfd"), ("x-fault", b"\xc3\x28")],
    ),
    "header-null": lambda topic, key: (
        _event_bytes(topic, key),
        [("content-type", None), ("x-fault", None)],
    ),
}
"""Every kind of record that used to stall a partition (issue 7)."""


@dataclass(frozen=True)
class HostileRecord:
    kind: str
    topic: str
    partition: int
    offset: int
    key: str


async def produce_hostile(broker: OwnBroker, topics: list[str]) -> list[HostileRecord]:
    """Every kind of :data:`HOSTILE_KINDS` on every partition of each topic, as the operators
    (a super user: the broker takes them on any topic); each keyed ``fault-<kind>-<uuid>``."""
    from aiokafka import AIOKafkaProducer

    producer = AIOKafkaProducer(
        bootstrap_servers=broker.bootstrap,
        enable_idempotence=True,
        max_request_size=NEAR_ONE_MIB + 64 * 1024,
        **broker.tls("beheer").client_kwargs(),
    )
    produced = []
    await producer.start()
    try:
        for topic in topics:
            for partition in sorted(await producer.partitions_for(topic)):
                for kind, make in HOSTILE_KINDS.items():
                    key = f"fault-{kind}-{uuid.uuid4()}"
                    value, headers = make(topic, key)
                    sent = await producer.send_and_wait(
                        topic, value, key=key.encode(), partition=partition, headers=headers
                    )
                    produced.append(HostileRecord(kind, topic, partition, sent.offset, key))
    finally:
        await producer.stop()
    return produced


def unaccounted(
    hostile: list[HostileRecord], listed: list[dict[str, Any]], dead_letter_topic: str
) -> list[str]:
    """Hostile records the operators cannot see: not dead-lettered with a reason (records on an
    ordinary topic), or not passed by the operators' list (records on the dead-letter topic
    itself: a dead letter after them on that topic must be listed; a hub from before the
    per-producer dead-letter topics names no ``dlq_topic``)."""
    by_key = {d["key"]: d for d in listed if d.get("key")}
    newest = max(
        (
            d["dlq_offset"]
            for d in listed
            if d.get("dlq_topic", dead_letter_topic) == dead_letter_topic
        ),
        default=-1,
    )
    missing = []
    for record in hostile:
        if record.topic == dead_letter_topic:
            if newest <= record.offset:
                missing.append(f"{record.kind} on {record.topic}: the list stops before it")
        elif not (by_key.get(mask_bsn_like(record.key)) or {}).get("redencode"):
            # the hub masks every nine-digit run in what it keeps: a uuid may hold one
            missing.append(f"{record.kind} on {record.topic}[{record.partition}]: no dead letter")
    return missing
