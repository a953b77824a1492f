"""Benchmark: loket time-outs through the whole chain on a real broker.

Starts the stack as real processes (three simulators, the hub, three connectors; SQLite store),
then submits ``--orders`` casussen, each with a time-out for the three agencies, ``--concurrency``
at a time, and waits until every chain has all three answers. Prints:

- throughput: time-out orders fully confirmed per second (3 agency round trips each), from the
  first order to the last chain complete by the hub's clock (meaningful with concurrency > 1);
- latency from the order to the chain being complete (the hub's ``opgedragen_op`` and
  ``compleet_op``): p50 / p95 / max;
- latency of the order POST itself: p50 / p95;
- the hub process's peak resident memory.

    python bench/bench_time_out_chain.py [--orders 200] [--concurrency 20]

The broker: ``KAFKA_BOOTSTRAP_SERVERS`` when set, else the project's local broker
(``deploy/kafka/local-kafka.sh``) on free ports, stopped afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hub.adapters.topic_admin import ensure_acls, ensure_topics  # noqa: E402
from schemas.topics import acl_entries, catalogue  # noqa: E402
from tests.support.kafka import PKI_ENV, kafka_tls  # noqa: E402
from tests.support.loket import casus_body, opschorting_body  # noqa: E402
from tests.support.processes import free_ports  # noqa: E402
from tests.support.stack import AGENCIES, Stack, running_stack  # noqa: E402

BSN = "999990019"  # seeded at all three simulators, confirmed everywhere
POLL_SECONDS = 1.0


@contextlib.contextmanager
def broker() -> Iterator[str]:
    configured = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    if configured:
        yield configured
        return
    script = str(ROOT / "deploy/kafka/local-kafka.sh")
    port, controller = free_ports(2)
    data = tempfile.mkdtemp(prefix="maatwerk-bench-kafka-")
    pki = str(Path(data) / "pki")  # its own local CA; every client connects with mTLS
    env = {**os.environ, "PYTHON": sys.executable, "PKI_PYTHON": sys.executable}
    subprocess.run([script, "fetch"], check=True, env=env)
    started = subprocess.run(
        [
            script,
            "start",
            "--port",
            str(port),
            "--controller-port",
            str(controller),
            "--data-dir",
            data,
            "--pki-dir",
            pki,
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
        subprocess.run([script, "stop", "--data-dir", data], check=False)


def peak_rss_mib(pid: int) -> float:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] if len(values) > 1 else values[0]


async def one_order(client: httpx.AsyncClient, results: dict[str, list[float]]) -> None:
    casus = await client.post("/api/v1/casussen", json=casus_body(BSN))
    casus.raise_for_status()
    started = time.perf_counter()
    ordered = await client.post(
        f"/api/v1/casussen/{casus.json()['casus_id']}/opschortingen",
        json=opschorting_body(*AGENCIES),
    )
    ordered.raise_for_status()
    results["post"].append(time.perf_counter() - started)
    url = f"/api/v1/opschortingen/{ordered.json()['opschorting_id']}"
    while True:
        # Gentle polling, as a loket would: the latency comes from the hub's own timestamps.
        await asyncio.sleep(POLL_SECONDS)
        chain = (await client.get(url)).json()
        if chain["status"] != "pending":
            if chain["status"] != "confirmed":
                raise RuntimeError(f"chain ended {chain['status']}: {chain}")
            done = dt.datetime.fromisoformat(chain["compleet_op"])
            ordered_at = dt.datetime.fromisoformat(chain["opgedragen_op"])
            results["chain"].append((done - ordered_at).total_seconds())
            results["ordered_at"].append(ordered_at.timestamp())
            results["done_at"].append(done.timestamp())
            return


async def run(stack: Stack, orders: int, concurrency: int) -> dict[str, list[float]]:
    results: dict[str, list[float]] = {"post": [], "chain": [], "ordered_at": [], "done_at": []}
    limit = asyncio.Semaphore(concurrency)
    async with stack.client(timeout=60) as client:  # the loket's certificate
        await one_order(client, {k: [] for k in results})  # warm-up: consumer groups joined

        async def guarded() -> None:
            async with limit:
                await one_order(client, results)

        await asyncio.gather(*(guarded() for _ in range(orders)))
        # From the first order to the last chain completing, as the hub recorded them: the
        # client's polling interval does not count.
        results["wall"] = [max(results["done_at"]) - min(results["ordered_at"])]
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=20)
    args = parser.parse_args()
    # One client on one address sends far more than an organisation may: the measurement is of
    # the chain, not of the rate limit (the hub inherits this environment).
    os.environ.setdefault("HUB_RATE_LIMIT_PER_SECOND", "0")
    with broker() as bootstrap, tempfile.TemporaryDirectory(prefix="maatwerk-bench-") as root:
        admin = kafka_tls("beheer")
        asyncio.run(ensure_topics(bootstrap, catalogue(), tls=admin))
        if admin is not None:
            asyncio.run(ensure_acls(bootstrap, acl_entries(), tls=admin))
        with running_stack(bootstrap, Path(root)) as stack:
            results = asyncio.run(run(stack, args.orders, args.concurrency))
            rss = peak_rss_mib(stack.hub.pid)
    wall = results["wall"][0]
    chain, post = results["chain"], results["post"]
    print(f"orders: {args.orders} x {len(AGENCIES)} agencies, concurrency {args.concurrency}")
    print(f"throughput: {args.orders / wall:.1f} orders/s fully confirmed ({wall:.1f}s)")
    print(
        f"order -> all confirmed: p50 {pct(chain, 50) * 1000:.0f} ms, "
        f"p95 {pct(chain, 95) * 1000:.0f} ms, max {max(chain) * 1000:.0f} ms"
    )
    print(f"POST order: p50 {pct(post, 50) * 1000:.0f} ms, p95 {pct(post, 95) * 1000:.0f} ms")
    print(f"hub peak RSS: {rss:.0f} MiB")


if __name__ == "__main__":
    main()
