"""P6's check at the back-offices (``bench/scaleout.py: compare``): what it counts as a duplicate
effect, a reordering or a missing one, on registers as the simulators show them."""

from __future__ import annotations

from typing import Any

from bench.report import NONE, Figure, ratio_above
from bench.scaleout import compare

ORDERED = {"t1": ["v1", "o1"], "t2": ["v2", "o2"]}
"""Two time-outs, each extended then lifted (request keys: the hub's instruction ids)."""


def suspension(key: str, *changes: str) -> dict[str, Any]:
    return {"sleutel": key, "wijzigingen": [{"sleutel": c} for c in changes]}


def test_each_time_out_once_with_its_changes_in_order_is_clean():
    seen = [suspension("t1", "v1", "o1"), suspension("t2", "v2", "o2")]
    assert compare(ORDERED, seen) == (0, 0, 0)


def test_a_suspension_registered_twice_or_under_a_key_never_ordered_is_a_duplicate():
    twice = [
        suspension("t1", "v1", "o1"),
        suspension("t1", "v1", "o1"),
        suspension("t2", "v2", "o2"),
    ]
    assert compare(ORDERED, twice)[0] >= 1
    stray = [suspension("t1", "v1", "o1"), suspension("t2", "v2", "o2"), suspension("t9")]
    assert compare(ORDERED, stray) == (1, 0, 0)
    change_twice = [suspension("t1", "v1", "v1", "o1"), suspension("t2", "v2", "o2")]
    assert compare(ORDERED, change_twice) == (1, 0, 0)


def test_a_lifting_before_its_extension_or_a_change_refused_for_coming_first_is_a_reordering():
    swapped = [suspension("t1", "o1", "v1"), suspension("t2", "v2", "o2")]
    assert compare(ORDERED, swapped) == (0, 1, 0)
    refused = [suspension("t1", "o1"), suspension("t2", "o2")]  # the extension came too late
    assert compare(ORDERED, refused) == (0, 2, 0)


def test_a_time_out_the_back_office_never_registered_is_missing():
    assert compare(ORDERED, [suspension("t1", "v1", "o1")]) == (0, 0, 1)


def test_p6_throughput_must_rise_and_its_counts_be_nothing():
    assert Figure("P6", 110.0, "records/s", 100.0, ratio_above(1, "one of each")).met is True
    assert Figure("P6", 100.0, "records/s", 100.0, ratio_above(1, "one of each")).met is False
    assert Figure("P6 duplicates", 0, "", 0, NONE).met is True
    assert Figure("P6 duplicates", 1, "", 0, NONE).met is False
