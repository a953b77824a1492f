"""``make bench``'s report: each figure against its raw reference and target, met or not."""

from __future__ import annotations

import json

from bench.memory import Usage
from bench.report import Figure, as_json, pct, ratio_at_least, ratio_at_most, table, under


def test_a_throughput_below_a_quarter_of_raw_is_not_met_and_says_by_how_much():
    figure = Figure("P1 throughput", 24.0, "records/s", 4800.0, ratio_at_least(0.25))
    assert figure.ratio == 0.005
    assert figure.met is False
    assert Figure("P1", 1300.0, "records/s", 4800.0, ratio_at_least(0.25)).met is True


def test_latency_targets_are_ratios_to_the_round_trip_or_absolute():
    assert Figure("P2 p50", 45.0, "ms", 15.0, ratio_at_most(3)).met is True
    assert Figure("P2 p50", 46.0, "ms", 15.0, ratio_at_most(3)).met is False
    assert Figure("P2 70% p99", 499.0, "ms", 45.0, under(500, "ms")).met is True
    assert Figure("P3 hub", 188.0, "MiB", None, under(150, "MiB")).met is False
    assert Figure("no reference", 10.0, "ms", None, ratio_at_most(3)).met is False
    assert Figure("no target", 10.0, "ms").met is None


def test_the_table_and_the_json_carry_every_figure_and_its_verdict():
    figures = [
        Figure("P1 throughput", 24.0, "records/s", 4846.0, ratio_at_least(0.25)),
        Figure("P3 hub peak RSS", 120.0, "MiB", None, under(150, "MiB")),
    ]
    text = table(figures)
    assert "4,846 records/s" in text and "0.00495 x" in text
    lines = text.splitlines()
    assert lines[2].endswith("NOT MET") and lines[3].endswith("met")
    printed = json.loads(json.dumps(as_json(figures)))["figures"]
    assert [(f["name"], f["met"], f["target"]) for f in printed] == [
        ("P1 throughput", False, ">= 0.25 x raw"),
        ("P3 hub peak RSS", True, "< 150 MiB"),
    ]


def test_percentiles_never_beyond_what_was_measured():
    values = [float(v) for v in range(1, 101)]
    assert pct(values, 50) == 50.5
    assert 99 <= pct(values, 99) <= 100
    assert pct([7.0], 99) == 7.0


def test_growth_is_the_last_sample_against_the_first():
    growth = Usage(first=100.0, last=104.0, peak=110.0).growth
    assert growth is not None and abs(growth - 0.04) < 1e-9
    assert Usage(last=104.0).growth is None
