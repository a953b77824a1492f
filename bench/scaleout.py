"""P6 scale-out: two hub processes on one PostgreSQL and two connector processes per agency share
the load. Issue 15's target: throughput rises (ratio > 1 against one hub and one connector per
agency on the same PostgreSQL, in the same run), no effect applied twice, no order of one casus
reordered.

Each side gets a fresh database on the same PostgreSQL server (the hub migrates it and makes its
secrets once, before its processes start, so two replicas never race to make them), fresh
simulated back-offices and new consumer groups; the hubs share one consumer group, the
connectors of an agency theirs (a second one takes partitions). The load starts when every group
has all its members (a rebalance in the middle of the run would measure the rebalance).

The loket's calls go to the hubs in turn (round robin, every call: a casus made on one hub gets
its time-out on the other): P1 as :mod:`bench.chain` measures it (records/s fully confirmed,
``concurrency`` orders in flight), then ``chains`` casussen each with a time-out, its extension
and its lifting, posted one after the other without waiting for an answer. The guarantees are
then checked from outside, at the simulated back-offices (``GET /_simulator/opschortingen``: each
suspension under its request key, the instruction's event id, with its changes in the order they
were made) against what the hub says it ordered (each request's ``instructie_id``):

- every order of the run (P1's, the chains', the warm-ups) confirmed by every agency, each its
  suspension registered once: a suspension or change under a key the hub never gave, or twice,
  is a duplicate effect; one the hub gave that is missing counts as not confirmed;
- per casus and agency the back-office saw the time-out, then the extension, then the lifting: a
  change that came first is refused there (no suspension to extend, a lifted one extended) and
  shows as a different sequence: a reordering.

Nothing is killed: this is about sharing load, not about failover (``tests/e2e``).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
import itertools
import os
import shutil
import subprocess
import tempfile
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from bench.chain import BSN, Loket, Run
from bench.report import NONE, Figure, ratio_above
from connectors.base.koppeling import laad_koppeling
from hub.bootstrap import build_hub
from hub.settings import Settings
from tests.support.kafka import (
    client_kwargs,
    connector_group_at_end,
    decode_event,
    hub_group_at_end,
)
from tests.support.kafka import random_letters as letters
from tests.support.loket import casus_body, opschorting_body
from tests.support.pki import Pki, make_pki
from tests.support.processes import (
    ManagedProcess,
    console_script,
    free_ports,
    start_process,
    terminate_all,
)
from tests.support.stack import (
    connector_env,
    hub_tls_env,
    make_agency_keys,
    start_simulators,
    tls_context,
    tls_env,
)

ROOT = Path(__file__).resolve().parents[1]
LOCAL_POSTGRES = ROOT / "deploy" / "postgres" / "local-postgres.sh"
POSTGRES_ENV = "MAATWERK_BENCH_POSTGRES_URL"
"""A PostgreSQL server to use (an SQLAlchemy asyncpg URL whose role may create databases);
unset: ``deploy/postgres/local-postgres.sh`` on a free port, stopped afterwards."""
HUBS, CONNECTORS = 2, 2
"""P6's side: hub processes, connector processes per agency."""
GROUP_WAIT = 300.0
"""Seconds for every consumer group to have all its members (26 processes start on 2 cores)."""


@dataclass(frozen=True)
class Effects:
    """What the back-offices registered, against what the hub ordered."""

    requests: int
    """(order or change, agency) pairs the hub ordered."""
    unconfirmed: int
    """Of those, not confirmed by the hub or not registered at the back-office."""
    duplicates: int
    reorderings: int
    republished: int = 0
    keys: frozenset[str] = frozenset()
    """The event ids of every instruction the hub ordered (to find them on the topics)."""
    """Instructions on the agencies' topics more than once (same event id): harmless to the
    effect (the back-office is idempotent on it) but, with nothing killed, a sign that two
    relays published the same outbox rows."""


@dataclass(frozen=True)
class ScaleRun:
    hubs: int
    connectors: int
    """Connector processes per agency."""
    in_flight: Run
    chains: int
    effects: Effects
    calls: list[int]
    """The loket's calls per hub."""
    load: tuple[float, float]
    """1-minute load average before and after."""


@dataclass(frozen=True)
class ScaleFigures:
    reference: ScaleRun
    scaled: ScaleRun
    agencies: tuple[str, ...]


# ------------------------------------------------------------------------------- PostgreSQL


@contextlib.contextmanager
def postgres(url: str | None = None) -> Iterator[str]:
    """``url``, else ``$MAATWERK_BENCH_POSTGRES_URL``, else a local server of its own."""
    given = url or os.environ.get(POSTGRES_ENV)
    if given:
        yield given
        return
    (port,) = free_ports(1)
    data = tempfile.mkdtemp(prefix="maatwerk-bench-pg-")  # the server runs as 'postgres'
    try:
        started = subprocess.run(
            [str(LOCAL_POSTGRES), "start", "--port", str(port), "--data-dir", data],
            check=True,
            capture_output=True,
            text=True,
            timeout=900,
        )
        yield started.stdout.strip().splitlines()[-1]
    finally:
        subprocess.run(
            [str(LOCAL_POSTGRES), "stop", "--data-dir", data],
            capture_output=True,
            timeout=120,
            check=False,
        )
        shutil.rmtree(data, ignore_errors=True)  # as the tests' server: no data left in /tmp


async def _execute(server: str, sql: str) -> None:
    """CREATE and DROP DATABASE run outside a transaction, on another database."""
    import asyncpg
    from sqlalchemy.engine import make_url

    u = make_url(server)
    connection = await asyncpg.connect(
        user=u.username, password=u.password, host=u.host, port=u.port, database=u.database
    )
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


@contextlib.contextmanager
def fresh_database(server: str) -> Iterator[str]:
    from sqlalchemy.engine import make_url

    name = f"maatwerk_bench_{letters(12)}"
    asyncio.run(_execute(server, f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        asyncio.run(_execute(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _prepare_store(database_url: str, keys: Path) -> None:
    """Migrate the store and make the hub's secrets and key pair, once, before any replica."""
    hub = await build_hub(Settings(database_url=database_url, keys_dir=keys))
    await hub.close()


# ------------------------------------------------------------------------------------ stack


class RoundRobin(httpx.AsyncBaseTransport):
    """Sends each request to the next hub in turn (same host, another port)."""

    def __init__(self, urls: Sequence[str], pki: Pki) -> None:
        self._ports = [httpx.URL(u).port for u in urls]
        self._turn = itertools.cycle(range(len(urls)))
        self._transport = httpx.AsyncHTTPTransport(verify=tls_context(pki))
        self.calls = [0] * len(urls)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        i = next(self._turn)
        self.calls[i] += 1
        request.url = request.url.copy_with(port=self._ports[i])
        request.headers["Host"] = request.url.netloc.decode()
        return await self._transport.handle_async_request(request)

    async def aclose(self) -> None:
        await self._transport.aclose()


@dataclass
class ScaledStack:
    hub_urls: list[str]
    simulator_urls: dict[str, str]
    pki: Pki
    processes: list[ManagedProcess] = field(default_factory=list)

    def client(self, **kwargs: Any) -> tuple[httpx.AsyncClient, RoundRobin]:
        """The loket's client, its calls spread over the hubs in turn."""
        spread = RoundRobin(self.hub_urls, self.pki)
        return httpx.AsyncClient(base_url=self.hub_urls[0], transport=spread, **kwargs), spread


@contextlib.contextmanager
def running_scaled_stack(
    bootstrap: str,
    root: Path,
    agencies: Sequence[str],
    database_url: str,
    *,
    hubs: int,
    connectors: int,
) -> Iterator[ScaledStack]:
    """``hubs`` hub processes on ``database_url`` in one consumer group, ``connectors`` connector
    processes per agency in the agency's group, a simulated back-office per agency; yielded once
    every group has all its members."""
    keys, logs = root / "keys", root / "logs"
    pki = make_pki(root / "pki")
    hub_ports = free_ports(hubs)
    sim_ports = free_ports(len(agencies))
    sims = {a: f"http://127.0.0.1:{p}" for a, p in zip(agencies, sim_ports, strict=True)}
    connector = console_script("maatwerk-connector")
    started: list[ManagedProcess] = []
    with contextlib.ExitStack() as exits:
        exits.callback(lambda: terminate_all(started))
        make_agency_keys(agencies, keys)
        asyncio.run(_prepare_store(database_url, keys))
        started.extend(start_simulators(agencies, sim_ports, logs))
        hub_group = hub_group_at_end(bootstrap)
        hub_env = {
            "HUB_KAFKA_BOOTSTRAP_SERVERS": bootstrap,
            "HUB_DATABASE_URL": database_url,
            "HUB_KEYS_DIR": str(keys),
            "HUB_CONSUMER_GROUP": hub_group,
            "HUB_RATE_LIMIT_PER_SECOND": "0",  # one loket sends what a whole country would
            **tls_env("HUB_", "hub"),
            **hub_tls_env(pki),
        }
        for i, port in enumerate(hub_ports):
            started.append(
                start_process(
                    f"hub-{i}",
                    [console_script("maatwerk-hub"), "serve", "--port", str(port)],
                    env=hub_env,
                    log_dir=logs,
                )
            )
        groups = {hub_group: hubs}
        for agency in agencies:
            group = connector_group_at_end(bootstrap, agency)
            groups[group] = connectors
            for i in range(connectors):
                started.append(
                    start_process(
                        f"connector-{agency}-{i}",
                        [connector, "run", "--agency", agency],
                        env=connector_env(bootstrap, agency, sims[agency], keys, group),
                        log_dir=logs,
                    )
                )
        by_name = {p.name: p for p in started}
        for agency, url in sims.items():
            by_name[f"simulator-{agency}"].wait_for_http(f"{url}/health", 60)
        urls = [f"https://127.0.0.1:{port}" for port in hub_ports]
        for i, url in enumerate(urls):
            by_name[f"hub-{i}"].wait_for_http(f"{url}/health", 90, ca=pki.ca)
        asyncio.run(wait_for_groups(bootstrap, groups, started))
        yield ScaledStack(urls, sims, pki, started)


async def wait_for_groups(
    bootstrap: str, members: dict[str, int], processes: Sequence[ManagedProcess]
) -> None:
    """Until each consumer group is stable with its number of members (one per process)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, **client_kwargs("beheer"))
    await admin.start()
    try:
        async with asyncio.timeout(GROUP_WAIT):
            while True:
                for process in processes:
                    if process.returncode is not None:
                        raise RuntimeError(f"{process.name} stopped:\n{process.tail()}")
                seen = await _group_members(admin, list(members))
                if all(seen.get(g) == n for g, n in members.items()):
                    return
                await asyncio.sleep(0.5)
    finally:
        await admin.close()


async def _group_members(admin: AIOKafkaAdminClient, groups: list[str]) -> dict[str, int]:
    """Members of each group that is stable (not rebalancing). One group a call: aiokafka 0.14
    reads the broker's DescribeGroups v3 answer with the v2 layout, which only a single group
    survives (two misalign it and the connection is closed)."""
    found: dict[str, int] = {}
    for group_id in groups:
        [response] = await admin.describe_consumer_groups([group_id])
        for group in response.groups:
            _error, name, state, _kind, _protocol, group_members = group[:6]
            if state == "Stable":
                found[name] = len(group_members)
    return found


# ------------------------------------------------------------------------------------- load


class SpreadLoket(Loket):
    """The loket, remembering every time-out it ordered (to check at the back-offices)."""

    def __init__(self, client: httpx.AsyncClient, agencies: Sequence[str]) -> None:
        super().__init__(client, agencies)
        self.ordered: list[str] = []

    async def call(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        response = await super().call(method, url, **kwargs)
        if method == "POST" and url.endswith("/opschortingen"):
            self.ordered.append(response.json()["opschorting_id"])
        return response

    async def chain(self) -> None:
        """A casus, its time-out, an extension and a lifting, one after the other (each on the
        next hub), then waits until the hub has every answer."""
        casus = (await self.call("POST", "/api/v1/casussen", json=casus_body(BSN))).json()
        body = opschorting_body(*self.agencies)
        ordered = await self.call(
            "POST", f"/api/v1/casussen/{casus['casus_id']}/opschortingen", json=body
        )
        url = f"/api/v1/opschortingen/{ordered.json()['opschorting_id']}"
        later = dt.date.fromisoformat(body["einddatum"]) + dt.timedelta(days=30)
        extension = {"einddatum": later.isoformat(), "reden": "Meer tijd voor de regeling"}
        await self.call("POST", f"{url}/verlengingen", json=extension)
        await self.call("POST", f"{url}/opheffing", json={"reden": "Regeling getroffen"})
        async with asyncio.timeout(2 * 120.0):
            while True:
                await asyncio.sleep(0.5)
                if _answered(await self.call("GET", url)):
                    return

    async def chains(self, count: int, concurrency: int) -> None:
        limit = asyncio.Semaphore(concurrency)

        async def one() -> None:
            async with limit:
                await self.chain()

        await asyncio.gather(*(one() for _ in range(count)))


def _answered(response: httpx.Response) -> bool:
    view = response.json()
    return all(c["status"] != "pending" for c in [view, *view["wijzigingen"]])


async def measure_side(
    bootstrap: str,
    stack: ScaledStack,
    agencies: Sequence[str],
    *,
    orders: int,
    concurrency: int,
    chains: int,
) -> ScaleRun:
    """Warm-up (an order through each hub), P1, the chains, then the back-offices' check."""
    load_before = os.getloadavg()[0]
    client, spread = stack.client(timeout=60)
    async with client:
        loket = SpreadLoket(client, agencies)
        for _ in stack.hub_urls:
            await loket.order(poll=0.2)
        in_flight = await loket.in_flight(orders, concurrency)
        await loket.chains(chains, concurrency)
        effects = await check_effects(loket, stack.simulator_urls)
    sent = await published(bootstrap, agencies, effects.keys)
    effects = dataclasses.replace(effects, republished=sum(n - 1 for n in sent.values() if n > 1))
    return ScaleRun(
        hubs=len(stack.hub_urls),
        connectors=0,
        in_flight=in_flight,
        chains=chains,
        effects=effects,
        calls=list(spread.calls),
        load=(load_before, os.getloadavg()[0]),
    )


# ------------------------------------------------------------------------------ guarantees


async def check_effects(loket: SpreadLoket, simulators: dict[str, str]) -> Effects:
    """Every order the loket made, as the hub recorded it, against each back-office's register."""
    expected: dict[str, dict[str, list[str]]] = {a: {} for a in simulators}
    requests = unconfirmed = 0
    for opschorting_id in loket.ordered:
        view = (await loket.call("GET", f"/api/v1/opschortingen/{opschorting_id}")).json()
        for link in view["keten"]:
            changes = [
                c["instructie_id"]
                for w in view["wijzigingen"]
                for c in w["keten"]
                if c["uitvoerder"] == link["uitvoerder"]
            ]
            expected[link["uitvoerder"]][link["instructie_id"]] = changes
            parts = [link] + [
                c
                for w in view["wijzigingen"]
                for c in w["keten"]
                if c["uitvoerder"] == link["uitvoerder"]
            ]
            requests += len(parts)
            unconfirmed += sum(p["status"] != "confirmed" for p in parts)
    duplicates = reorderings = 0
    async with httpx.AsyncClient(timeout=60) as client:
        for agency, url in simulators.items():
            seen = (await client.get(f"{url}/_simulator/opschortingen")).json()["opschortingen"]
            d, r, m = compare(expected[agency], seen)
            duplicates, reorderings, unconfirmed = duplicates + d, reorderings + r, unconfirmed + m
    keys = frozenset(
        k
        for orders in expected.values()
        for key, changes in orders.items()
        for k in (key, *changes)
    )
    return Effects(requests, unconfirmed, duplicates, reorderings, keys=keys)


async def published(bootstrap: str, agencies: Sequence[str], keys: frozenset[str]) -> Counter[str]:
    """How often each instruction in ``keys`` is on its agency's topics (read from the beginning
    to the current end, as the operator: nothing committed)."""
    partitions = [
        TopicPartition(t.name, p)
        for a in agencies
        for t in laad_koppeling(a).topics
        for p in range(t.partitions)
    ]
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, enable_auto_commit=False, **client_kwargs("beheer")
    )
    await consumer.start()
    seen: Counter[str] = Counter()
    try:
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        async with asyncio.timeout(120):
            while [tp for tp, end in ends.items() if await consumer.position(tp) < end]:
                for records in (await consumer.getmany(timeout_ms=500)).values():
                    for record in records:
                        event = decode_event(record.value)
                        if event is not None and event.get("id") in keys:
                            seen[str(event["id"])] += 1
    finally:
        await consumer.stop()
    return seen


def compare(expected: dict[str, list[str]], seen: list[dict[str, Any]]) -> tuple[int, int, int]:
    """(duplicates, reorderings, missing) of one back-office: ``expected`` maps each time-out's
    request key to its changes' keys in the loket's order; ``seen`` is the register."""
    keys = Counter(o["sleutel"] for o in seen)
    duplicates = sum(n - 1 for n in keys.values()) + sum(k not in expected for k in keys)
    missing = sum(k not in keys for k in expected)
    reorderings = 0
    for suspension in seen:
        order = expected.get(suspension["sleutel"])
        if order is None:
            continue
        changes = [w["sleutel"] for w in suspension["wijzigingen"]]
        counted = Counter(changes)
        duplicates += sum(n - 1 for n in counted.values()) + sum(c not in order for c in counted)
        if [c for c in dict.fromkeys(changes) if c in order] != order:
            reorderings += 1  # a change before its time-out, or after one it should precede
    return duplicates, reorderings, missing


# ---------------------------------------------------------------------------------- figures


def measure_scale_out(
    bootstrap: str,
    root: Path,
    agencies: Sequence[str],
    *,
    orders: int,
    concurrency: int,
    chains: int | None = None,
    postgres_url: str | None = None,
) -> ScaleFigures:
    """The reference (1 hub, 1 connector per agency), then P6 (2 and 2), each on a fresh
    database of the same PostgreSQL server and on the same broker."""
    chains = max(2, orders // 10) if chains is None else chains
    sides: list[ScaleRun] = []
    with postgres(postgres_url) as server:
        for hubs, connectors in ((1, 1), (HUBS, CONNECTORS)):
            with (
                fresh_database(server) as url,
                running_scaled_stack(
                    bootstrap,
                    root / f"scale-{hubs}x{connectors}",
                    agencies,
                    url,
                    hubs=hubs,
                    connectors=connectors,
                ) as stack,
            ):
                side = asyncio.run(
                    measure_side(
                        bootstrap,
                        stack,
                        agencies,
                        orders=orders,
                        concurrency=concurrency,
                        chains=chains,
                    )
                )
            sides.append(dataclasses.replace(side, connectors=connectors))
    return ScaleFigures(sides[0], sides[1], tuple(agencies))


def figures(p6: ScaleFigures) -> list[Figure]:
    """P6 beside one hub and one connector per agency (the reference column)."""
    ref, run = p6.reference, p6.scaled
    side = f"{run.hubs} hubs, {run.connectors} connectors/agency"
    return [
        Figure(
            f"P6 throughput, {side}",
            run.in_flight.records_per_s,
            "records/s",
            ref.in_flight.records_per_s,
            ratio_above(1, "one of each"),
        ),
        Figure(
            "P6 duplicate effects",
            run.effects.duplicates,
            "",
            ref.effects.duplicates,
            NONE,
        ),
        Figure(
            "P6 casussen reordered",
            run.effects.reorderings,
            "",
            ref.effects.reorderings,
            NONE,
        ),
        Figure(
            "P6 requests not confirmed",
            run.effects.unconfirmed,
            "",
            ref.effects.unconfirmed,
            NONE,
        ),
    ]


def details(p6: ScaleFigures) -> list[str]:
    lines = []
    for name, run in (("P6 reference", p6.reference), ("P6", p6.scaled)):
        p1 = run.in_flight
        lines.append(
            f"{name}: {run.hubs} hub(s) on one PostgreSQL, {run.connectors} connector(s) per "
            f"agency ({len(p6.agencies)} agencies); P1 {len(p1.orders)} orders "
            f"({p1.confirmed} confirmed), {p1.orders_per_s:.2f} orders/s over {p1.wall:.1f} s; "
            f"{run.chains} casussen with time-out, extension and lifting; "
            f"{run.effects.requests} requests checked at the back-offices; loket calls per hub "
            f"{run.calls}; load average {run.load[0]:.1f} before, {run.load[1]:.1f} after"
        )
    return lines
