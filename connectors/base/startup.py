"""A connector that starts while the broker is away waits for it instead of exiting.

Without this, ``maatwerk-connector run`` started during a broker restart (a crash-looping
deployment, a host reboot, the fault suite's ``kill -9`` of a connector while the broker is down)
exited with aiokafka's ``KafkaConnectionError: Unable to bootstrap``: where no supervisor restarts
it, the agency's instructions then wait for a person. FastStream's ``broker.connect()`` starts the
producer and admin client and can be called again after a failure (it keeps nothing of a failed
attempt), so the connector asks until the broker answers, with the project's one backoff rule,
logging each failed attempt (throttled by the caller's log settings)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

import structlog
from aiokafka.errors import KafkaConnectionError

from schemas.backoff import Backoff

log = structlog.get_logger("connectors")

BROKER_BACKOFF = Backoff(initial=0.5, maximum=10.0)


class Connectable(Protocol):
    async def connect(self) -> Any: ...


async def connect_when_reachable(
    broker: Connectable,
    backoff: Backoff = BROKER_BACKOFF,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> int:
    """Connect ``broker``, waiting out a broker that is not (yet) reachable; the failed attempts
    it took are returned. Anything but an unreachable broker (a refused certificate, a bad
    setting) is raised at once: waiting would not mend it."""
    failures = 0
    while True:
        try:
            await broker.connect()
        except KafkaConnectionError as exc:
            failures += 1
            wait = backoff.delay(failures)
            log.warning(
                "broker unreachable at start, retrying",
                attempt=failures,
                retry_in_seconds=wait,
                error=str(exc),
            )
            await sleep(wait)
        else:
            return failures
