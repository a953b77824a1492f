"""Consumer lag per group and partition: how far each consumer is behind its topics.

For each watched group and each partition of its topics, the lag is the partition's end offset
minus the group's committed offset (without a committed offset: minus the partition's first
offset, as a group reading from the earliest would start there). The hub reads both with its own
certificate: the committed offsets with the admin client (OffsetFetch; the catalogue's ACLs give
the hub DESCRIBE on every consumer group, ``schemas.topics.acl_entries``), the end offsets with a
consumer that joins no group. Each round opens and closes its clients: nothing lingers when the
broker is away, and a round that fails is logged and tried again at the next
(``hub.adapters.periodic``).

Which groups: the hub's answer consumer (its answer topics), its dead-letter reader, and the
connector (``connector-<agency>``, the topics the catalogue lets it read) of each agency that is
configured on this hub (``only``: its public key is in the hub's keys). A connector that is not
configured runs nowhere: its lag would be a row of zeros that says nothing. Checked every round,
so an agency connected later shows from the next round on.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError
from aiokafka.structs import OffsetAndMetadata

from schemas.backoff import Backoff
from schemas.identiteit import KafkaTls
from schemas.topics import AGENCIES, catalogue, consumer_group

CHECK_SECONDS = 15.0
"""How often the hub measures the lag."""

ATTEMPTS = 5
"""Tries per group when the broker says to try again (its group coordinator is still loading)."""
RETRY_BACKOFF = Backoff(initial=0.4, maximum=3.2)
"""The waits between those tries: 0.4, 0.8, 1.6, 3.2 s."""


@dataclass(frozen=True, slots=True)
class Lag:
    group: str
    topic: str
    partition: int
    end: int
    committed: int | None
    """The group's committed offset; ``None`` when it has committed none on this partition."""
    start: int = 0
    """The partition's first offset (records before it were deleted)."""

    @property
    def lag(self) -> int:
        return max(self.end - (self.start if self.committed is None else self.committed), 0)


def agency_of(group: str) -> str | None:
    """The agency whose connector reads with ``group``; None for the hub's own groups."""
    for code in AGENCIES:
        if group == consumer_group(code) and group != code:
            return code
    return None


def configured_connectors(is_connected: Callable[[str], bool]) -> Callable[[str], bool]:
    """Whether to measure a group: the hub's own always, a connector's when its agency is
    configured (``is_connected``, e.g. ``AgencyKeys.is_connected``)."""

    def measured(group: str) -> bool:
        agency = agency_of(group)
        return agency is None or is_connected(agency)

    return measured


def connector_groups() -> dict[str, tuple[str, ...]]:
    """Each agency's connector group and the topics it reads (that the hub may describe too)."""
    groups: dict[str, tuple[str, ...]] = {}
    for code in AGENCIES:
        topics = tuple(
            t.name
            for t in catalogue()
            if code in t.consumers and ("hub" in t.producers or "hub" in t.consumers)
        )
        if topics:
            groups[consumer_group(code)] = topics
    return groups


class ConsumerLagMonitor:
    """Measures the lag of ``groups`` (group -> topics) and hands it to ``on_lags``."""

    def __init__(
        self,
        bootstrap_servers: str,
        groups: Mapping[str, Iterable[str]],
        *,
        tls: KafkaTls | None = None,
        on_lags: Callable[[Sequence[Lag]], None] | None = None,
        only: Callable[[str], bool] | None = None,
    ) -> None:
        self._bootstrap = bootstrap_servers
        self._groups = {group: tuple(topics) for group, topics in groups.items()}
        self._kwargs = {} if tls is None else tls.client_kwargs()
        self._on_lags = on_lags
        self._only = only
        self.latest: list[Lag] = []

    async def refresh(self) -> list[Lag]:
        """Measure once and report it (the periodic job)."""
        self.latest = await self.measure()
        if self._on_lags is not None:
            self._on_lags(self.latest)
        return self.latest

    def watched(self) -> dict[str, tuple[str, ...]]:
        """The groups measured this round (``only`` is asked each time)."""
        return {
            group: topics
            for group, topics in self._groups.items()
            if self._only is None or self._only(group)
        }

    async def measure(self) -> list[Lag]:
        groups = self.watched()
        admin = AIOKafkaAdminClient(
            bootstrap_servers=self._bootstrap, client_id="maatwerk-hub-lag", **self._kwargs
        )
        reader = AIOKafkaConsumer(
            bootstrap_servers=self._bootstrap,
            client_id="maatwerk-hub-lag",
            enable_auto_commit=False,
            **self._kwargs,
        )
        try:
            await admin.start()
            await reader.start()
            watched = sorted({t for topics in groups.values() for t in topics})
            partitions = {
                found["topic"]: [
                    TopicPartition(found["topic"], p["partition"])
                    for p in sorted(found["partitions"], key=lambda p: int(p["partition"]))
                ]
                for found in await admin.describe_topics(watched)
                if found["error_code"] == 0  # a topic missing, or not ours to see: left out
            }
            every = [tp for tps in partitions.values() for tp in tps]
            ends = await reader.end_offsets(every)
            starts = await reader.beginning_offsets(every)
            lags: list[Lag] = []
            for group, topics in sorted(groups.items()):
                wanted = [tp for topic in topics for tp in partitions.get(topic, [])]
                if not wanted:
                    continue
                committed = await _committed(admin, group, wanted)
                for tp in wanted:
                    offset = committed.get(tp)
                    lags.append(
                        Lag(
                            group=group,
                            topic=tp.topic,
                            partition=tp.partition,
                            end=ends[tp],
                            committed=offset.offset if offset and offset.offset >= 0 else None,
                            start=starts[tp],
                        )
                    )
            return lags
        finally:
            await reader.stop()
            await admin.close()


async def _committed(
    admin: AIOKafkaAdminClient, group: str, partitions: list[TopicPartition]
) -> dict[TopicPartition, OffsetAndMetadata]:
    """The group's committed offsets; a retriable refusal (a coordinator that is loading) is
    tried again a few times, briefly, within the round."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            found: dict[
                TopicPartition, OffsetAndMetadata
            ] = await admin.list_consumer_group_offsets(group, partitions=partitions)
            return found
        except KafkaError as exc:
            if not exc.retriable or attempt == ATTEMPTS:
                raise
            await asyncio.sleep(RETRY_BACKOFF.delay(attempt))
    raise AssertionError("unreachable")  # pragma: no cover
