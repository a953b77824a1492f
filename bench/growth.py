"""P4 growth: the hub with many time-outs already stored against the hub with an empty store.

The store is seeded by :mod:`bench.seed` (each order as valid as through the API, the audit chain
intact), then the same stack as the main run is started on it (hub on SQLite, a connector and a
simulated back-office per agency) and measured:

- the loket's list (``GET /api/v1/casussen``, its first page, newest first, with the total):
  ``requests`` calls one after the other, p50 and p99;
- the check before collecting (``POST /api/v1/opschortingen/controle`` as the CJIB, for a seeded
  person, the BSN sealed for the hub as an agency sends it; every check is logged as a processing
  activity): the same;
- P1 and P2 one at a time as in the main run, beside the main run's figures on an empty store.

Issue 15's targets: P1 and P2 within 10% of the empty store's; list and check under 20 ms p50.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.chain import Loket, Run
from bench.report import Figure, Target, pct, under
from bench.seed import bsns, ensure_agency_keys, seed
from hub.bootstrap import build_hub
from hub.settings import Settings
from schemas.versleuteling import load_public_key, seal
from tests.support.stack import Stack, running_stack


@dataclass(frozen=True)
class GrowthFigures:
    rows: int
    seed_seconds: float
    list_ms: list[float]
    check_ms: list[float]
    in_flight: Run
    one_at_a_time: Run


def measure_growth(
    bootstrap: str,
    root: Path,
    agencies: Sequence[str],
    *,
    rows: int,
    requests: int,
    orders: int,
    concurrency: int,
    one_at_a_time: int,
) -> GrowthFigures:
    """Seed a store of ``rows`` orders under ``root``, then measure the stack on it."""
    root.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    asyncio.run(_seed(root, rows))
    seeded = time.perf_counter() - started
    with running_stack(bootstrap, root, agencies) as stack:
        return asyncio.run(
            _measure(
                stack, root, agencies, rows, seeded, requests, orders, concurrency, one_at_a_time
            )
        )


async def _seed(root: Path, rows: int) -> None:
    keys = root / "keys"
    ensure_agency_keys(keys, ("cjib", "duo"))
    url = f"sqlite+aiosqlite:///{root / 'hub.sqlite3'}"  # where running_stack keeps the hub's
    hub = await build_hub(Settings(database_url=url, keys_dir=keys))
    try:
        await seed(hub, rows)
    finally:
        await hub.close()


async def _measure(
    stack: Stack,
    root: Path,
    agencies: Sequence[str],
    rows: int,
    seeded: float,
    requests: int,
    orders: int,
    concurrency: int,
    one_at_a_time: int,
) -> GrowthFigures:
    public = load_public_key((root / "keys" / "hub.pub").read_bytes())
    people = bsns()
    stored = [next(people) for _ in range(min(rows, requests))]
    async with stack.client(timeout=60) as loket, stack.client("cjib", timeout=60) as cjib:
        list_ms = [await _timed(loket.get("/api/v1/casussen")) for _ in range(requests)]
        check_ms = [
            await _timed(
                cjib.post(
                    "/api/v1/opschortingen/controle",
                    json={"bsn_versleuteld": seal(stored[i % len(stored)], public)},
                )
            )
            for i in range(requests)
        ]
        chain = Loket(loket, agencies)
        await chain.order(poll=0.2)  # warm-up, as the main run
        in_flight = await chain.in_flight(orders, concurrency)
        one = await chain.one_at_a_time(one_at_a_time)
    return GrowthFigures(rows, seeded, list_ms, check_ms, in_flight, one)


async def _timed(call: object) -> float:
    started = time.perf_counter()
    response = await call  # type: ignore[misc]
    elapsed = (time.perf_counter() - started) * 1000
    response.raise_for_status()
    return elapsed


def _empty(limit: float, at_least: bool) -> Target:
    if at_least:
        return Target(f">= {limit:g} x empty", lambda _v, r: r is not None and r >= limit)
    return Target(f"<= {limit:g} x empty", lambda _v, r: r is not None and r <= limit)


def figures(growth: GrowthFigures, empty_p1: float, empty_one: Run) -> list[Figure]:
    """P4 beside the empty store's figures of the main run (its reference column)."""
    n = f"{growth.rows:,} stored"
    seq = [o.seconds * 1000 for o in growth.one_at_a_time.orders]
    empty_seq = [o.seconds * 1000 for o in empty_one.orders]
    return [
        Figure(f"P4 loket list p50, {n}", pct(growth.list_ms, 50), "ms", None, under(20, "ms")),
        Figure(f"P4 loket list p99, {n}", pct(growth.list_ms, 99), "ms"),
        Figure(f"P4 check p50, {n}", pct(growth.check_ms, 50), "ms", None, under(20, "ms")),
        Figure(f"P4 check p99, {n}", pct(growth.check_ms, 99), "ms"),
        Figure(
            f"P4 P1 throughput, {n}",
            growth.in_flight.records_per_s,
            "records/s",
            empty_p1,
            _empty(0.9, at_least=True),
        ),
        Figure(
            f"P4 P2 one at a time p50, {n}",
            pct(seq, 50),
            "ms",
            pct(empty_seq, 50),
            _empty(1.1, at_least=False),
        ),
        Figure(
            f"P4 P2 one at a time p99, {n}",
            pct(seq, 99),
            "ms",
            pct(empty_seq, 99),
            _empty(1.1, at_least=False),
        ),
    ]


def details(growth: GrowthFigures) -> list[str]:
    return [
        f"P4: {growth.rows:,} time-out orders seeded in {growth.seed_seconds:.0f} s "
        f"({growth.rows / max(growth.seed_seconds, 1e-3):,.0f}/s, bench/seed.py), hub on SQLite; "
        f"{len(growth.list_ms)} list calls and {len(growth.check_ms)} checks one after the other; "
        f"P1 {len(growth.in_flight.orders)} orders ({growth.in_flight.confirmed} confirmed), "
        f"P2 {len(growth.one_at_a_time.orders)}; the reference column is the main run's "
        "(an empty store)"
    ]
