"""Create or update the catalogue's topics on a broker, idempotently.

Missing topics are created with the catalogue's partitions and configs (and waited for until every
partition has a leader); existing ones get their configs set again. Topics are never created by
the broker itself (``auto.create.topics.enable=false``).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from aiokafka.errors import for_code

from schemas.topics import Topic

TOPIC_ALREADY_EXISTS = 36


async def ensure_topics(
    bootstrap: str,
    topics: Iterable[Topic],
    *,
    replication_factor: int | None = None,
    wait_seconds: float = 30.0,
) -> list[str]:
    """Create missing topics, set the configs of existing ones; returns the names created.

    The replication factor defaults to ``min(3, brokers)``. Raises when the broker refuses a topic
    for another reason than that it exists already.
    """
    topics = list(topics)
    admin = AIOKafkaAdminClient(
        bootstrap_servers=bootstrap,
        client_id="maatwerk-topics",
        request_timeout_ms=int(wait_seconds * 1000),
    )
    await admin.start()
    try:
        if replication_factor is None:
            cluster = await admin.describe_cluster()
            replication_factor = max(1, min(3, len(cluster["brokers"])))
        existing = set(await admin.list_topics())
        missing = [t for t in topics if t.name not in existing]
        created: list[str] = []
        if missing:
            response = await admin.create_topics(
                [
                    NewTopic(
                        name=t.name,
                        num_partitions=t.partitions,
                        replication_factor=replication_factor,
                        topic_configs=t.kafka_configs(),
                    )
                    for t in missing
                ],
                timeout_ms=int(wait_seconds * 1000),
            )
            for name, code, *rest in response.topic_errors:
                if code == 0:
                    created.append(name)
                elif code != TOPIC_ALREADY_EXISTS:  # created meanwhile by someone else: fine
                    message = rest[0] if rest else ""
                    raise for_code(code)(f"cannot create topic {name}: {message}")
            await _wait_for_leaders(admin, [t.name for t in missing], wait_seconds)
        present = [t for t in topics if t.name in existing]
        if present:
            await admin.alter_configs(
                [
                    ConfigResource(ConfigResourceType.TOPIC, t.name, configs=t.kafka_configs())
                    for t in present
                ]
            )
        return created
    finally:
        await admin.close()


async def _wait_for_leaders(admin: AIOKafkaAdminClient, names: list[str], seconds: float) -> None:
    """New partitions get a leader shortly after CreateTopics answers; wait for that."""
    deadline = time.monotonic() + seconds
    while True:
        described = await admin.describe_topics(names)
        pending = [
            topic["topic"]
            for topic in described
            if topic["error_code"] != 0
            or not topic["partitions"]
            or any(partition["leader"] < 0 for partition in topic["partitions"])
        ]
        if not pending:
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"topics without partition leaders after {seconds}s: {pending}")
        await asyncio.sleep(0.1)
