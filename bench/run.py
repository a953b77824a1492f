"""One benchmark run: raw Kafka first, then the hub's stack, then the figures side by side."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Sequence
from dataclasses import dataclass

from bench import raw
from bench.chain import Loket, Run
from bench.memory import Sampler, Usage, children_named
from bench.report import Figure, pct, ratio_at_least, ratio_at_most, under
from tests.support.stack import Stack


@dataclass(frozen=True)
class Plan:
    """How much of each load."""

    raw_records: int = 20_000
    round_trips: int = 200
    orders: int = 200
    """P1: orders, ``concurrency`` in flight."""
    concurrency: int = 20
    one_at_a_time: int = 100
    """P2: orders, one at a time."""
    soak_seconds: float = 60.0
    """P2 at 70% of P1 and P3's growth: orders at that rate for this long."""
    informatie: bool = True
    """The information request too: P1 and P2 one at a time, the same sizes."""
    catch_up: int = 2000
    """P5: time-out instructions queued while one back-office is away (0: no P5)."""
    growth_rows: int = 100_000
    """P4: time-out orders seeded in the store before P1 and P2 again (0: no P4)."""
    growth_requests: int = 200
    """P4: calls of the loket's list and checks before collecting, each."""
    scale_out: int = 100
    """P6: orders in flight through 1 hub + 1 connector per agency, then 2 + 2 (0: no P6)."""


SMOKE = Plan(
    raw_records=300,
    round_trips=10,
    orders=4,
    concurrency=2,
    one_at_a_time=2,
    soak_seconds=1.5,
    catch_up=20,
    growth_rows=30,
    growth_requests=5,
    scale_out=4,
)
"""A handful of everything, seconds: ``--smoke``, and the suite's run of it."""


@dataclass(frozen=True)
class HubFigures:
    in_flight: Run
    one_at_a_time: Run
    at_rate: Run
    rate: float
    """Orders/s of the run at 70% of P1."""
    memory: dict[str, Usage]
    informatie: tuple[Run, Run] | None = None
    """The information request: in flight, one at a time."""


async def measure_hub(stack: Stack, agencies: Sequence[str], plan: Plan) -> HubFigures:
    """The three loads on a running stack; memory of the hub and every connector throughout."""
    connectors = children_named("maatwerk-connector", "run")
    pids = {"hub": stack.hub.pid, **{f"connector {a}": connectors[a] for a in agencies}}
    with Sampler(pids) as sampler:
        async with stack.client(timeout=60) as client:
            loket = Loket(client, agencies)
            await loket.order(poll=0.2)  # warm-up: every consumer in its group, connections up
            in_flight = await loket.in_flight(plan.orders, plan.concurrency)
            one_at_a_time = await loket.one_at_a_time(plan.one_at_a_time)
            rate = 0.7 * in_flight.orders_per_s
            sampler.mark()
            at_rate = await loket.at_rate(rate, plan.soak_seconds)
            sampler.close()
            informatie = None
            if plan.informatie:
                vraag = Loket(client, agencies, informatie=True)
                await vraag.order(poll=0.2)  # warm-up
                informatie = (
                    await vraag.in_flight(plan.orders, plan.concurrency),
                    await vraag.one_at_a_time(plan.one_at_a_time),
                )
    return HubFigures(in_flight, one_at_a_time, at_rate, rate, sampler.usage, informatie)


def figures(ref: raw.RawFigures, hub: HubFigures) -> list[Figure]:
    """P1 and P2 for the time-out (and the information request), then P3."""
    result = _chain_figures(ref, hub.in_flight, hub.one_at_a_time, "")
    at_rate = [o.seconds * 1000 for o in hub.at_rate.orders]
    rt99 = pct(ref.round_trips, 99) * 1000
    result.append(Figure("P2 at 70% of P1 p99", pct(at_rate, 99), "ms", rt99, under(500, "ms")))
    if hub.informatie is not None:
        result += _chain_figures(ref, *hub.informatie, " informatieverzoek")
    return result + _memory_figures(hub.memory)


def _chain_figures(ref: raw.RawFigures, in_flight: Run, one: Run, what: str) -> list[Figure]:
    rt50, rt99 = pct(ref.round_trips, 50) * 1000, pct(ref.round_trips, 99) * 1000
    seq = [o.seconds * 1000 for o in one.orders]
    raw_rate = ref.pass_through_per_s
    return [
        Figure(
            f"P1{what} throughput",
            in_flight.records_per_s,
            "records/s",
            raw_rate,
            ratio_at_least(0.25),
        ),
        Figure(f"P2{what} one at a time p50", pct(seq, 50), "ms", rt50, ratio_at_most(3)),
        Figure(f"P2{what} one at a time p99", pct(seq, 99), "ms", rt99, ratio_at_most(10)),
    ]


def _memory_figures(memory: dict[str, Usage]) -> list[Figure]:
    result = [
        Figure(
            f"P3 {name} peak RSS", u.peak, "MiB", None, under(150 if name == "hub" else 80, "MiB")
        )
        for name, u in memory.items()
        if u.peak is not None
    ]
    growth = {n: u.growth for n, u in memory.items() if u.growth is not None}
    connectors = {n: g for n, g in growth.items() if n != "hub"}
    if "hub" in growth:
        result.append(Figure("P3 hub growth at 70%", growth["hub"] * 100, "%", None, under(5, "%")))
    if connectors:
        most = max(connectors, key=lambda n: connectors[n])
        name = f"P3 {most} growth at 70% (the most)"
        result.append(Figure(name, connectors[most] * 100, "%", None, under(5, "%")))
    return result


def details(
    ref: raw.RawFigures,
    hub: HubFigures,
    agencies: Sequence[str],
    plan: Plan,
    load_before: float | None = None,
) -> list[str]:
    """What the figures were measured on, and the figures with no target."""
    p1 = hub.in_flight
    post = [o.post_seconds * 1000 for o in p1.orders]
    runs = {"P1": p1, "P2": hub.one_at_a_time, "P2 at 70%": hub.at_rate}
    if hub.informatie is not None:
        runs["P1 informatieverzoek"], runs["P2 informatieverzoek"] = hub.informatie
    return [
        f"raw: {ref.records} records of {raw.RECORD_BYTES} B through one hop; "
        f"{len(ref.round_trips)} round trips one at a time",
        f"chain: time-outs to {len(agencies)} agencies ({', '.join(agencies)}); "
        f"{p1.records_per_order} records per order counted "
        "(an instruction and an answer per agency)",
        *(
            f"{name}: {len(run.orders)} done, {run.confirmed} confirmed by every agency, "
            f"{run.orders_per_s:.2f} orders/s over {run.wall:.1f} s"
            for name, run in runs.items()
        ),
        f"P1: {p1.orders_per_s:.2f} orders/s with {plan.concurrency} in flight; "
        f"order -> all confirmed p50 {pct([o.seconds for o in p1.orders], 50) * 1000:.0f} ms; "
        f"POST order p50 {pct(post, 50):.0f} ms",
        f"P2 at 70%: {hub.rate:.2f} orders/s offered",
        f"load average (1 min): {'-' if load_before is None else f'{load_before:.1f}'} "
        f"before, {os.getloadavg()[0]:.1f} at the end, on {os.cpu_count()} cores "
        "(broker, hub, connectors, back-offices and this load on the same machine)",
    ]


def measure_raw(bootstrap: str, plan: Plan) -> raw.RawFigures:
    return asyncio.run(
        raw.measure(bootstrap, records=plan.raw_records, round_trips=plan.round_trips)
    )
