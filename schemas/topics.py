"""The topic catalogue: every topic, its key, partitions, retention, and who may use it.

The access matrix (``producers`` / ``consumers``, by organisation code) is data, to be turned into
Kafka ACLs. Topics are created from this catalogue by ``maatwerk-hub topics``; the broker never
auto-creates them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from schemas.organisaties import Uitvoerder

DAY_MS = 24 * 60 * 60 * 1000


@dataclass(frozen=True, slots=True)
class Topic:
    name: str
    description: str
    message_types: tuple[str, ...]
    producers: tuple[str, ...]
    consumers: tuple[str, ...]
    key: str = "casus id"
    partitions: int = 3
    retention_ms: int = 30 * DAY_MS
    compacted: bool = False
    configs: dict[str, str] = field(default_factory=dict)

    def kafka_configs(self) -> dict[str, str]:
        configs = {
            "cleanup.policy": "compact" if self.compacted else "delete",
            "retention.ms": str(-1 if self.compacted else self.retention_ms),
        }
        configs.update(self.configs)
        return configs


CASUS = Topic(
    name="maatwerk.casus.v1",
    description="Casus lifecycle events, published by the hub.",
    message_types=("nl.maatwerk.casus.ingediend.v1",),
    producers=("hub",),
    consumers=("hub", "loket"),
    retention_ms=365 * DAY_MS,
)

OPSCHORTING = Topic(
    name="maatwerk.opschorting.v1",
    description="Time-out orders as recorded by the hub.",
    message_types=("nl.maatwerk.opschorting.opgedragen.v1",),
    producers=("hub",),
    consumers=("hub", "loket"),
    retention_ms=365 * DAY_MS,
)

OPSCHORTING_ANTWOORD = Topic(
    name="maatwerk.opschorting.antwoord.v1",
    description="Agencies' answers to time-out instructions: confirmed, partly confirmed, refused.",
    message_types=(
        "nl.maatwerk.opschorting.bevestigd.v1",
        "nl.maatwerk.opschorting.deels-bevestigd.v1",
        "nl.maatwerk.opschorting.geweigerd.v1",
    ),
    producers=tuple(u.value for u in Uitvoerder),
    consumers=("hub",),
)

DEAD_LETTER = Topic(
    name="maatwerk.deadletter.v1",
    description="Messages that could not be processed, with the reason and their origin in headers.",
    message_types=(),
    producers=("hub", *(u.value for u in Uitvoerder)),
    consumers=("hub",),
    key="original key",
    partitions=1,
    retention_ms=90 * DAY_MS,
)


def instructie_topic(uitvoerder: Uitvoerder | str) -> Topic:
    """The instruction topic of one agency: only that agency's connector may read it."""
    code = Uitvoerder(uitvoerder).value
    return Topic(
        name=f"maatwerk.opschorting.instructie.{code}.v1",
        description=f"Time-out instructions for {code} only.",
        message_types=("nl.maatwerk.opschorting.instructie.v1",),
        producers=("hub",),
        consumers=(code,),
    )


def catalogue() -> tuple[Topic, ...]:
    """All topics, in a stable order."""
    return (
        CASUS,
        OPSCHORTING,
        *(instructie_topic(u) for u in Uitvoerder),
        OPSCHORTING_ANTWOORD,
        DEAD_LETTER,
    )
