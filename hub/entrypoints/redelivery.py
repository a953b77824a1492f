"""What a hub consumer does with a record that fails: count, wait, log once in a while.

A record is counted by its place (topic, partition, offset) in memory: a redelivered record is the
same place. A failure of the record itself is tried :attr:`RedeliveryPolicy.max_attempts` times,
then the consumer sets the record aside; a transient failure (database or broker away) is retried
for as long as it lasts. Before a record is handed back the consumer waits (capped exponential
backoff), so a failing record is redelivered a few times a second at most, not hundreds; and it
logs one line per record per interval (:class:`~schemas.logs.LogThrottle`).
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import structlog
from aiokafka import ConsumerRecord

from schemas.backoff import Backoff
from schemas.logs import LogThrottle

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class RedeliveryPolicy:
    max_attempts: int = 5
    """Attempts at a record that fails by its own fault before it is set aside."""
    backoff_initial: float = 0.2
    """Wait (seconds) before the first redelivery; doubled after each failure."""
    backoff_max: float = 5.0
    log_interval: float = 10.0
    """One log line per failing record per this many seconds."""

    def delay(self, attempts: int) -> float:
        return Backoff(self.backoff_initial, self.backoff_max).delay(attempts)


Place = tuple[str, int, int]
"""Where a record is: topic, partition, offset."""


def place_of(record: ConsumerRecord[Any, Any]) -> Place:
    return (str(record.topic), int(record.partition), int(record.offset))


class Redelivery:
    """Per consumer: attempts per record, the wait before handing one back, the throttled log."""

    def __init__(
        self,
        policy: RedeliveryPolicy | None = None,
        *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        max_records: int = 10_000,
    ) -> None:
        self.policy = policy or RedeliveryPolicy()
        self._sleep = sleep
        self._max = max_records
        self._attempts: OrderedDict[Place, int] = OrderedDict()
        self._throttle = LogThrottle(self.policy.log_interval)

    def failed(self, place: Place) -> int:
        """Count one more failed attempt at the record; returns the attempts so far."""
        attempts = self._attempts.pop(place, 0) + 1
        self._attempts[place] = attempts
        while len(self._attempts) > self._max:
            self._attempts.popitem(last=False)
        return attempts

    def exhausted(self, attempts: int) -> bool:
        return attempts >= self.policy.max_attempts

    def done(self, place: Place) -> None:
        """The record was processed or set aside: forget it."""
        self._attempts.pop(place, None)
        self._throttle.forget(place)

    async def wait(self, attempts: int) -> None:
        await self._sleep(self.policy.delay(attempts))

    def log(self, place: Place, event: str, *, level: str = "warning", **fields: Any) -> None:
        """Log ``event`` about the record, at most once per interval."""
        suppressed = self._throttle.allow(place)
        if suppressed is None:
            return
        topic, partition, offset = place
        getattr(log, level)(
            event,
            topic=topic,
            partition=partition,
            offset=offset,
            suppressed=suppressed,
            **fields,
        )
