"""The lag of a partition, and which groups the hub watches."""

from __future__ import annotations

from hub.adapters.consumer_lag import (
    ConsumerLagMonitor,
    Lag,
    agency_of,
    configured_connectors,
    connector_groups,
)
from hub.adapters.metrics import HubMetrics
from schemas.topics import instructie_topic


def test_lag_is_end_minus_committed_or_minus_the_first_offset_without_a_commit():
    assert Lag("g", "t", 0, end=10, committed=4).lag == 6
    assert Lag("g", "t", 0, end=10, committed=None, start=3).lag == 7
    assert Lag("g", "t", 0, end=10, committed=10).lag == 0


def test_every_connector_group_is_watched_on_its_instruction_topic():
    groups = connector_groups()
    assert instructie_topic("cjib").name in groups["connector-cjib"]
    assert all(group.startswith("connector-") for group in groups)


def test_the_gauge_holds_the_latest_measurement_only():
    metrics = HubMetrics()
    metrics.record_lag(
        [Lag("hub", "t", 0, end=5, committed=2), Lag("hub", "t", 1, end=1, committed=1)]
    )
    sample = metrics.registry.get_sample_value
    assert sample("hub_consumer_lag", {"group": "hub", "topic": "t", "partition": "0"}) == 3
    assert sample("hub_consumer_lag", {"group": "hub", "topic": "t", "partition": "1"}) == 0
    metrics.record_lag([Lag("hub", "t", 1, end=2, committed=1)])
    assert sample("hub_consumer_lag", {"group": "hub", "topic": "t", "partition": "0"}) is None


def test_only_the_connectors_of_configured_agencies_are_measured():
    """A connector that runs nowhere (its agency has no key on this hub) is not measured: its
    lag would be a row of zeros on the dashboard. The hub's own groups always are, and an agency
    configured later is measured from the next round on."""
    configured = {"cjib"}
    monitor = ConsumerLagMonitor(
        "localhost:9092",
        {"hub": ["a"], "hub-deadletters": ["d"], **connector_groups()},
        only=configured_connectors(lambda agency: agency in configured),
    )
    assert sorted(monitor.watched()) == ["connector-cjib", "hub", "hub-deadletters"]
    configured.add("uwv")
    assert sorted(monitor.watched()) == [
        "connector-cjib",
        "connector-uwv",
        "hub",
        "hub-deadletters",
    ]
    assert agency_of("connector-cak") == "cak" and agency_of("hub") is None
