"""Create or update the catalogue's topics and their ACLs on a broker, idempotently.

Missing topics are created with the catalogue's partitions and configs (and waited for until every
partition has a leader); existing ones get their configs set again. On a cluster every partition
has three replicas (fewer brokers: one per broker) and ``min.insync.replicas`` one less than its
replicas, at most 2: with ``acks=all`` a write is acknowledged once two of three brokers have it,
so one broker may die without losing an acknowledged record or refusing writes. A single broker
keeps replication 1 and the broker's default. Topics are never created by
the broker itself (``auto.create.topics.enable=false``).

ACLs: the broker allows only what an ACL allows (``allow.everyone.if.no.acl.found=false``), and
the ACLs are exactly :func:`schemas.topics.acl_entries`: missing ones are created, ALLOW ACLs for
``User:`` principals that the catalogue no longer implies are deleted, so running the command again
changes nothing and a producer struck from the matrix loses its access. Both need the rights of a
super user (the operators' certificate, ``beheer``, locally): the hub itself has only its ACLs.

aiokafka 0.14's admin client has no ACL methods, but it has the protocol requests (CreateAcls v1,
DescribeAcls v1, DeleteAcls v1, which Kafka 4 still serves): they are sent through it as they are.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from aiokafka.errors import for_code
from aiokafka.protocol.admin import CreateAclsRequest, DeleteAclsRequest, DescribeAclsRequest

from schemas.identiteit import KafkaTls
from schemas.topics import AclEntry, Topic

TOPIC_ALREADY_EXISTS = 36
MAX_REPLICATION_FACTOR = 3

# Kafka's enum codes (org.apache.kafka.common.resource / acl).
RESOURCE_TYPES = {"ANY": 1, "TOPIC": 2, "GROUP": 3, "CLUSTER": 4, "TRANSACTIONAL_ID": 5}
PATTERN_TYPES = {"ANY": 1, "LITERAL": 3, "PREFIXED": 4}
OPERATIONS = {
    "ANY": 1,
    "ALL": 2,
    "READ": 3,
    "WRITE": 4,
    "CREATE": 5,
    "DELETE": 6,
    "ALTER": 7,
    "DESCRIBE": 8,
    "CLUSTER_ACTION": 9,
    "DESCRIBE_CONFIGS": 10,
    "ALTER_CONFIGS": 11,
    "IDEMPOTENT_WRITE": 12,
}
PERMISSION_ANY, PERMISSION_ALLOW = 1, 3
ANY_HOST = "*"


def admin_client(
    bootstrap: str, tls: KafkaTls | None, *, request_timeout_ms: int = 30_000
) -> AIOKafkaAdminClient:
    """An admin client, over TLS as the certificate's owner when ``tls`` is given."""
    return AIOKafkaAdminClient(
        bootstrap_servers=bootstrap,
        client_id="maatwerk-topics",
        request_timeout_ms=request_timeout_ms,
        **({} if tls is None else tls.client_kwargs()),
    )


async def ensure_topics(
    bootstrap: str,
    topics: Iterable[Topic],
    *,
    replication_factor: int | None = None,
    wait_seconds: float = 30.0,
    tls: KafkaTls | None = None,
) -> list[str]:
    """Create missing topics, set the configs of existing ones; returns the names created.

    The replication factor defaults to ``min(3, brokers)``. Raises when the broker refuses a topic
    for another reason than that it exists already.
    """
    topics = list(topics)
    admin = admin_client(bootstrap, tls, request_timeout_ms=int(wait_seconds * 1000))
    await admin.start()
    try:
        if replication_factor is None:
            cluster = await admin.describe_cluster()
            replication_factor = max(1, min(MAX_REPLICATION_FACTOR, len(cluster["brokers"])))
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
                        topic_configs=topic_configs(t, replication_factor),
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
            # AlterConfigs replaces a topic's whole config: min.insync.replicas is set again too,
            # from the replicas the topic has.
            replicas = await _replicas(admin, [t.name for t in present])
            responses = await admin.alter_configs(
                [
                    ConfigResource(
                        ConfigResourceType.TOPIC,
                        t.name,
                        configs=topic_configs(t, replicas.get(t.name, replication_factor)),
                    )
                    for t in present
                ]
            )
            # Refused (not authorised, say) must not pass for done.
            for response in responses:
                for code, message, _type, name in response.resources:
                    _check(code, message, f"set the configs of topic {name}")
        return created
    finally:
        await admin.close()


def min_insync_replicas(replication_factor: int) -> int:
    """Replicas that must have a write before ``acks=all`` acknowledges it: 2 of 3, 1 of 1 or 2."""
    return max(1, min(2, replication_factor - 1))


def topic_configs(topic: Topic, replication_factor: int) -> dict[str, str]:
    """The catalogue's configs of ``topic``, plus ``min.insync.replicas`` when it is replicated."""
    configs = topic.kafka_configs()
    if replication_factor > 1:
        configs["min.insync.replicas"] = str(min_insync_replicas(replication_factor))
    return configs


async def _replicas(admin: AIOKafkaAdminClient, names: list[str]) -> dict[str, int]:
    """The replication factor of each existing topic (its first partition's replicas)."""
    described = await admin.describe_topics(names)
    return {
        topic["topic"]: len(topic["partitions"][0]["replicas"])
        for topic in described
        if topic["error_code"] == 0 and topic["partitions"]
    }


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


def _key(entry: AclEntry) -> tuple[int, str, int, str, int]:
    return (
        RESOURCE_TYPES[entry.resource_type],
        entry.resource,
        PATTERN_TYPES[entry.pattern_type],
        entry.principal,
        OPERATIONS[entry.operation],
    )


async def _send(admin: AIOKafkaAdminClient, request: Any) -> Any:
    """One request to a broker through the admin client's connection (TLS included)."""
    return await admin._send_request(request)


def _check(code: int, message: str | None, what: str) -> None:
    if code != 0:
        raise for_code(code)(f"{what}: {message or ''}")


async def current_acls(admin: AIOKafkaAdminClient) -> set[tuple[int, str, int, str, int]]:
    """Every ALLOW ACL on the broker for any host ``*``, as (resource type, name, pattern type,
    principal, operation)."""
    response = await _send(
        admin,
        # Null name, principal and host: any.
        DescribeAclsRequest(
            RESOURCE_TYPES["ANY"],
            None,
            PATTERN_TYPES["ANY"],
            None,
            None,
            OPERATIONS["ANY"],
            PERMISSION_ANY,
        ),
    )
    _check(response.error_code, response.error_message, "describe ACLs")
    found: set[tuple[int, str, int, str, int]] = set()
    for resource_type, name, pattern_type, acls in response.resources:
        for who, host, operation, permission in acls:
            if permission == PERMISSION_ALLOW and host == ANY_HOST:
                found.add((resource_type, name, pattern_type, who, operation))
    return found


async def ensure_acls(
    bootstrap: str,
    entries: Iterable[AclEntry],
    *,
    tls: KafkaTls | None = None,
    prune: bool = True,
    wait_seconds: float = 30.0,
) -> tuple[int, int]:
    """Make the broker's ALLOW ACLs for ``User:`` principals exactly ``entries``; returns
    (created, deleted). Idempotent: a second run creates and deletes nothing.

    With ``prune=False`` nothing is deleted (a broker shared with ACLs the catalogue does not
    own).
    """
    wanted = {_key(e) for e in entries}
    admin = admin_client(bootstrap, tls, request_timeout_ms=int(wait_seconds * 1000))
    await admin.start()
    try:
        present = await current_acls(admin)
        missing = sorted(wanted - present)
        extra = sorted(a for a in present - wanted if a[3].startswith("User:")) if prune else []
        for resource_type, name, pattern_type, who, operation in missing:
            response = await _send(
                admin,
                CreateAclsRequest(
                    resource_type, name, pattern_type, who, ANY_HOST, operation, PERMISSION_ALLOW
                ),
            )
            for code, message in response.creation_responses:
                _check(code, message, f"create ACL {who} {operation} {name}")
        for resource_type, name, pattern_type, who, operation in extra:
            response = await _send(
                admin,
                DeleteAclsRequest(
                    resource_type, name, pattern_type, who, ANY_HOST, operation, PERMISSION_ALLOW
                ),
            )
            for code, message, _matching in response.filter_responses:
                _check(code, message, f"delete ACL {who} {operation} {name}")
        return len(missing), len(extra)
    finally:
        await admin.close()
