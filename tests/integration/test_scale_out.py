"""P6 scale-out on the real broker and PostgreSQL: two hub processes on one database (the loket's
calls spread over both, in turn) and two connector processes per agency confirm every order once
and keep each casus's order, seen from outside at the simulated back-offices; and
``make bench``'s P6 (``bench/scaleout.py``) prints every figure beside its reference. Behaviour
only: no timing thresholds (the report marks those, it never fails on them).

Not in ``tests/e2e``: that package keeps one stack running for all its modules, whose connectors
read the same agency topics (they would answer this module's instructions too)."""

from __future__ import annotations

import pytest

from bench.__main__ import parse_args
from bench.report import table
from bench.run import SMOKE
from bench.scaleout import CONNECTORS, HUBS, details, figures, measure_scale_out

pytestmark = pytest.mark.e2e

AGENCIES = ("cjib", "duo")
"""Each time-out goes to both: two agencies, each with its own two connectors."""
ORDERS, CHAINS = 8, 4


def test_scale_out_size_is_chosen_and_zero_leaves_p6_out():
    assert parse_args(["--scale-out", "300"])[1].scale_out == 300
    assert parse_args(["--scale-out", "0"])[1].scale_out == 0
    assert parse_args(["--smoke"])[1].scale_out == SMOKE.scale_out > 0


def test_two_hubs_and_two_connectors_per_agency_apply_every_order_once_in_order(
    kafka_bootstrap, postgres_url, tmp_path
):
    p6 = measure_scale_out(
        kafka_bootstrap,
        tmp_path,
        AGENCIES,
        orders=ORDERS,
        concurrency=4,
        chains=CHAINS,
        postgres_url=postgres_url,
    )

    for side, hubs, connectors in ((p6.reference, 1, 1), (p6.scaled, HUBS, CONNECTORS)):
        assert (side.hubs, side.connectors) == (hubs, connectors)
        assert side.in_flight.confirmed == len(side.in_flight.orders) == ORDERS
        # every hub served the loket (in turn); each (order or change, agency) checked
        assert len(side.calls) == hubs and min(side.calls) > 0
        warm_ups = hubs
        assert side.effects.requests == (warm_ups + ORDERS + 3 * CHAINS) * len(AGENCIES)
        assert side.effects.unconfirmed == 0, side.effects
        assert side.effects.duplicates == 0, side.effects
        assert side.effects.reorderings == 0, side.effects
        assert side.effects.republished == 0, side.effects  # one relay at a time: each once
    assert abs(p6.scaled.calls[0] - p6.scaled.calls[1]) <= 1

    result = {f.name: f for f in figures(p6)}
    throughput = result[f"P6 throughput, {HUBS} hubs, {CONNECTORS} connectors/agency"]
    assert throughput.value > 0 and throughput.reference == p6.reference.in_flight.records_per_s
    assert throughput.met in (True, False)
    for name in ("P6 duplicate effects", "P6 casussen reordered", "P6 requests not confirmed"):
        assert result[name].value == 0 and result[name].met is True
    text = table(list(result.values()))
    assert all(name in text for name in result)
    notes = details(p6)
    assert any("2 hub(s) on one PostgreSQL, 2 connector(s) per agency" in n for n in notes)
    assert all("load average" in n for n in notes)
