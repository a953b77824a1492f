"""A connector's probes (``CONNECTOR_HEALTH_PORT``): ``/health`` (liveness) and ``/ready``
(readiness), and the supervision they report on.

The connector's long-running loops are FastStream's consume loops (one per subscriber) and the
summary of the Kafka client's errors (:class:`schemas.logs.KafkaClientLogLimiter`). FastStream
starts a consume loop that raised again at once; :func:`supervise` puts each under a
:class:`schemas.supervision.Supervisor`, which logs and counts the crash and makes the next start
wait its backoff.

- ``/health``: ``204`` while the broker answers a ping (5 s) and no loop has kept crashing for
  five minutes; else ``500`` with the tasks' state (JSON). Kubernetes restarts the process.
- ``/ready``: ``204`` while the broker answers, every loop runs and the consumer is in its group
  with its partitions assigned (:class:`GroupMembership`); else ``503`` with the tasks' state (a
  loop down, crashes so far, its last error) and ``group``. ``make run`` waits for it, so "the
  stack is up" means an instruction published now is read.
"""

from __future__ import annotations

import json
from typing import Any

from aiokafka import ConsumerRebalanceListener, TopicPartition
from faststream.asgi import AsgiResponse, get
from faststream.asgi.handlers import GetHandler
from faststream.kafka import KafkaBroker

from schemas.logs import KAFKA_CLIENT_LOGS
from schemas.supervision import Supervisor

PING_SECONDS = 5.0
LIVENESS_FAILING_SECONDS = 300.0
"""How long a loop may keep crashing (with restarts in between) before ``/health`` fails."""


class GroupMembership(ConsumerRebalanceListener):  # type: ignore[misc]
    """Whether the consumer has joined its group: set when the coordinator hands it its
    partitions (aiokafka calls this after every join, also with none), cleared while a rebalance
    takes them back. Until the first join an instruction on the topic waits unread, so the
    connector is not ready."""

    def __init__(self) -> None:
        self.joined = False

    async def on_partitions_revoked(self, revoked: set[TopicPartition]) -> None:
        self.joined = False

    async def on_partitions_assigned(self, assigned: set[TopicPartition]) -> None:
        self.joined = True


def supervise(broker: KafkaBroker) -> Supervisor:
    """A supervisor with the broker's consume loops guarded; call before the broker starts.
    :meth:`start_tasks` starts the connector's own background tasks once the loop runs."""
    supervisor = Supervisor()
    supervisor.guard_consumers(broker.subscribers)
    return supervisor


def start_tasks(supervisor: Supervisor) -> None:
    supervisor.start("kafka-log-summary", KAFKA_CLIENT_LOGS.watch)


def _answer(
    status: int, broker_answers: bool, supervisor: Supervisor, group: GroupMembership | None = None
) -> AsgiResponse:
    body: dict[str, Any] = {
        "broker": "ok" if broker_answers else "unreachable",
        "tasks": supervisor.report(),
    }
    if group is not None:
        body["group"] = "joined" if group.joined else "not joined"
    return AsgiResponse(
        json.dumps(body).encode(), status, headers={"content-type": "application/json"}
    )


def routes(
    broker: KafkaBroker, supervisor: Supervisor, group: GroupMembership
) -> list[tuple[str, GetHandler]]:
    """``/health`` and ``/ready`` for :class:`faststream.asgi.AsgiFastStream`."""

    @get(include_in_schema=False)
    async def health(scope: Any) -> AsgiResponse:
        answers = bool(await broker.ping(PING_SECONDS))
        if answers and not supervisor.failing_longer_than(LIVENESS_FAILING_SECONDS):
            return AsgiResponse(b"", 204)
        return _answer(500, answers, supervisor)

    @get(include_in_schema=False)
    async def ready(scope: Any) -> AsgiResponse:
        answers = bool(await broker.ping(PING_SECONDS))
        if answers and not supervisor.down() and group.joined:
            return AsgiResponse(b"", 204)
        return _answer(503, answers, supervisor, group)

    return [("/health", health), ("/ready", ready)]
