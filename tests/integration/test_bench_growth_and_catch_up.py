"""`make bench ARGS=--smoke`'s P4 and P5 on the session broker: each part runs (the bulk loader,
a stack on the seeded store, the loket's list and the check before collecting, a back-office away
while instructions queue and its connector draining them), so it never rots. Behaviour only:
every figure there and plausible; no timing thresholds (the report marks those).

Not beside the other figures' smoke run in ``tests/e2e/stack/test_time_out_chain.py``: that package
keeps one stack running for all its modules, and its connectors read the same agency topics. Its
CJIB connector would answer the instructions queued for the away back-office at once, and P4's
stack of its own would answer the package hub's instructions (and its hub reject theirs)."""

from __future__ import annotations

import math

import pytest

from bench import catchup, growth
from bench.chain import Run
from bench.report import table
from bench.run import SMOKE

pytestmark = pytest.mark.e2e

AGENCIES = ("cjib", "duo")
"""P4's stack: two agencies are enough to run every part (each time-out goes to both)."""


def test_p5_catch_up_drains_every_queued_instruction(kafka_bootstrap, tmp_path):
    run = catchup.measure_catch_up(kafka_bootstrap, tmp_path, SMOKE.catch_up)

    assert len(run.answered) == run.instructions == SMOKE.catch_up
    assert run.answered == sorted(run.answered)
    assert 0 <= run.first_answer_seconds <= run.drain_seconds  # none before it was back
    assert run.simulator_alone_per_s > 0
    assert run.connector_cpu >= 0 and run.backoffice_cpu >= 0
    assert "CPU per instruction: connector" in catchup.details(run)[0]
    [figure] = catchup.figures(run)
    assert figure.value > 0 and figure.reference == run.simulator_alone_per_s
    assert figure.met in (True, False)
    assert "P5 catch-up drain" in table([figure])


def test_p4_growth_on_a_seeded_store(kafka_bootstrap, tmp_path):
    result = growth.measure_growth(
        kafka_bootstrap,
        tmp_path / "growth",
        AGENCIES,
        rows=SMOKE.growth_rows,
        requests=SMOKE.growth_requests,
        orders=SMOKE.orders,
        concurrency=SMOKE.concurrency,
        one_at_a_time=SMOKE.one_at_a_time,
    )

    assert len(result.list_ms) == len(result.check_ms) == SMOKE.growth_requests
    for run in (result.in_flight, result.one_at_a_time):
        assert run.confirmed == len(run.orders) > 0
    empty = Run(result.one_at_a_time.orders, result.one_at_a_time.records_per_order)
    figures = {f.name: f for f in growth.figures(result, 1.0, empty)}
    stored = f"{SMOKE.growth_rows:,} stored"
    for name in ("P4 loket list p50", "P4 check p50", "P4 P2 one at a time p99"):
        assert 0 < figures[f"{name}, {stored}"].value < 120_000
    assert math.isfinite(figures[f"P4 P1 throughput, {stored}"].value)
    assert all(f.met in (True, False, None) for f in figures.values())
    assert f"{SMOKE.growth_rows:,} time-out orders seeded" in growth.details(result)[0]
