"""``make bench --smoke`` on the session broker and the e2e stack: the benchmark's every part runs
(raw aiokafka, the three loads through every agency, the memory of each process, the report), so
it never rots. Behaviour only: every figure is there and plausible, every order confirmed; no
timing thresholds (the report marks those, it never fails on them)."""

from __future__ import annotations

import json
import math

import pytest

from bench import raw
from bench.__main__ import parse_args
from bench.report import as_json, table
from bench.run import SMOKE, details, figures, measure_hub
from simulators import AGENCIES

pytestmark = pytest.mark.e2e


def test_smoke_is_the_small_plan_and_sizes_can_be_chosen():
    args, plan = parse_args(["--smoke", "--orders", "4", "--json"])
    assert args.json
    assert plan.orders == 4
    assert plan.concurrency == SMOKE.concurrency


async def test_smoke_run_reports_every_figure_beside_raw_kafka(kafka_bootstrap, stack):
    reference = await raw.measure(
        kafka_bootstrap, records=SMOKE.raw_records, round_trips=SMOKE.round_trips
    )
    assert reference.pass_through_per_s > 0
    assert len(reference.round_trips) == SMOKE.round_trips
    assert all(0 < t < 30 for t in reference.round_trips)

    hub = await measure_hub(stack, AGENCIES, SMOKE)
    assert hub.informatie is not None
    for run in (hub.in_flight, hub.one_at_a_time, hub.at_rate, *hub.informatie):
        assert run.confirmed == len(run.orders) > 0, [o.status for o in run.orders]
        assert all(o.seconds > 0 for o in run.orders)
    assert len(hub.in_flight.orders) == SMOKE.orders
    assert hub.in_flight.records_per_order == 2 * len(AGENCIES)

    result = {f.name: f for f in figures(reference, hub)}
    for what in ("", " informatieverzoek"):
        p1 = result[f"P1{what} throughput"]
        assert p1.value > 0 and p1.reference == reference.pass_through_per_s
        assert p1.ratio is not None and p1.met in (True, False)
        for name in (f"P2{what} one at a time p50", f"P2{what} one at a time p99"):
            assert 0 < result[name].value < 120_000, result[name]
    assert 0 < result["P2 at 70% of P1 p99"].value < 120_000
    for process in ("hub", *(f"connector {a}" for a in AGENCIES)):
        peak = result[f"P3 {process} peak RSS"]
        assert 10 < peak.value < 4096, peak  # MiB: a real process's, not a unit mistake
    assert math.isfinite(result["P3 hub growth at 70%"].value)

    text = table(list(result.values()))
    assert all(name in text for name in result)
    printed = json.loads(json.dumps(as_json(list(result.values()))))
    assert {f["name"] for f in printed["figures"]} == set(result)
    assert any("14 records per order" in line for line in details(reference, hub, AGENCIES, SMOKE))
