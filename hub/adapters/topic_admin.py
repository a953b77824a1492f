"""Create or update the catalogue's topics on a broker, idempotently."""

from __future__ import annotations

from collections.abc import Iterable

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from schemas.topics import Topic


async def ensure_topics(
    bootstrap: str, topics: Iterable[Topic], *, replication_factor: int = 1
) -> list[str]:
    """Create missing topics and set the configs of existing ones. Returns the created names."""
    topics = list(topics)
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, client_id="maatwerk-topics")
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [t for t in topics if t.name not in existing]
        if missing:
            await admin.create_topics(
                [
                    NewTopic(
                        name=t.name,
                        num_partitions=t.partitions,
                        replication_factor=replication_factor,
                        topic_configs=t.kafka_configs(),
                    )
                    for t in missing
                ]
            )
        present = [t for t in topics if t.name in existing]
        if present:
            await admin.alter_configs(
                [
                    ConfigResource(ConfigResourceType.TOPIC, t.name, configs=t.kafka_configs())
                    for t in present
                ]
            )
        return [t.name for t in missing]
    finally:
        await admin.close()
