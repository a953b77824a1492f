"""Topic configs by replication: a replicated topic refuses an ``acks=all`` write that fewer than
two replicas have; a single broker's topics keep the broker's default."""

from __future__ import annotations

from hub.adapters.topic_admin import min_insync_replicas, topic_configs
from schemas.topics import catalogue


def test_min_insync_replicas_is_two_of_three_and_one_below() -> None:
    assert [min_insync_replicas(n) for n in (1, 2, 3, 5)] == [1, 1, 2, 2]


def test_a_replicated_topic_gets_min_insync_replicas_besides_the_catalogue_configs() -> None:
    topic = catalogue()[0]
    assert topic_configs(topic, 3) == {**topic.kafka_configs(), "min.insync.replicas": "2"}


def test_a_topic_on_one_broker_gets_only_the_catalogue_configs() -> None:
    topic = catalogue()[0]
    assert topic_configs(topic, 1) == topic.kafka_configs()
