"""Transactional outbox: rows written with the state change, published by a relay.

The relay publishes unsent rows in order (``seq``), with the producer's idempotence on and
``acks=all``, and marks each sent only after the broker acknowledged it. A crash between publish
and mark means a second publish of the same event id: consumers deduplicate on it.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from collections.abc import Awaitable, Callable

import structlog
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.adapters.orm import OutboxRow
from schemas import CONTENT_TYPE, CloudEvent

log = structlog.get_logger(__name__)

Publish = Callable[[str, bytes, bytes, dict[str, str]], Awaitable[None]]
"""publish(topic, key, value, headers): returns once the broker acknowledged."""


def add_to_outbox(session: AsyncSession, event: CloudEvent, topic: str) -> None:  # type: ignore[type-arg]
    session.add(
        OutboxRow(
            event_id=event.id,
            topic=topic,
            key=event.subject,
            value=event.to_bytes(),
            event_type=event.type,
            created_at=dt.datetime.now(dt.UTC),
            attempts=0,
        )
    )


class OutboxRelay:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        publish: Publish,
        *,
        poll_seconds: float = 0.5,
        batch_size: int = 200,
    ) -> None:
        self._sessions = sessions
        self._publish = publish
        self._poll = poll_seconds
        self._batch = batch_size
        self._wake = asyncio.Event()
        self.failures = 0
        """Consecutive failed publishes; the relay backs off while the broker is unreachable."""

    def wake(self) -> None:
        """Tell the relay there is new work (called after a commit that wrote outbox rows)."""
        self._wake.set()

    async def relay_once(self) -> int:
        """Publish one batch of unsent rows; returns how many were sent."""
        async with self._sessions() as session:
            rows = (
                await session.scalars(
                    select(OutboxRow)
                    .where(OutboxRow.sent_at.is_(None))
                    .order_by(OutboxRow.seq)
                    .limit(self._batch)
                )
            ).all()
            sent = 0
            for row in rows:
                try:
                    await self._publish(
                        row.topic,
                        row.key.encode(),
                        row.value,
                        {"content-type": CONTENT_TYPE, "ce_id": row.event_id},
                    )
                except Exception as exc:  # keep order: stop at the first failure, retry later
                    self.failures += 1
                    await session.execute(
                        update(OutboxRow)
                        .where(OutboxRow.seq == row.seq)
                        .values(attempts=row.attempts + 1, last_error=str(exc)[:1000])
                    )
                    await session.commit()
                    log.warning("outbox publish failed", event_id=row.event_id, error=str(exc))
                    break
                await session.execute(
                    update(OutboxRow)
                    .where(OutboxRow.seq == row.seq)
                    .values(sent_at=dt.datetime.now(dt.UTC), attempts=row.attempts + 1)
                )
                await session.commit()
                self.failures = 0
                sent += 1
            return sent

    async def run(self) -> None:
        """Relay until cancelled."""
        while True:
            self._wake.clear()
            try:
                sent = await self.relay_once()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("outbox relay error")
                sent = 0
            if sent >= self._batch:
                continue
            if self.failures:
                await asyncio.sleep(min(self._poll * 2**self.failures, 10.0))
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self._poll)
