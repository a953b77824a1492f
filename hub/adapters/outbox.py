"""Transactional outbox: rows written with the state change, published by a relay.

The relay takes unsent rows in order (``seq``), hands the whole batch to the producer at once
(idempotent producer, ``acks=all``: order per partition holds), waits for the broker's
acknowledgements and only then marks the rows sent. A crash between publish and mark means a
second publish of the same event id: consumers deduplicate on it.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

import structlog
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.adapters.orm import OutboxRow
from schemas import CONTENT_TYPE, CloudEvent

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class Outgoing:
    topic: str
    key: bytes
    value: bytes
    headers: dict[str, str]


PublishBatch = Callable[[Sequence[Outgoing]], Awaitable[Sequence[BaseException | None]]]
"""Publish messages in the given order; per message ``None`` once the broker acknowledged it,
or the error."""


def add_to_outbox(
    session: AsyncSession,
    event: CloudEvent,  # type: ignore[type-arg]
    topic: str,
    created_at: dt.datetime,
) -> None:
    session.add(
        OutboxRow(
            event_id=event.id,
            topic=topic,
            key=event.subject,
            value=event.to_bytes(),
            event_type=event.type,
            created_at=created_at,
            attempts=0,
        )
    )


class OutboxRelay:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        publish: PublishBatch,
        *,
        poll_seconds: float = 0.5,
        batch_size: int = 500,
    ) -> None:
        self._sessions = sessions
        self._publish = publish
        self._poll = poll_seconds
        self._batch = batch_size
        self._wake = asyncio.Event()
        self.failures = 0
        """Consecutive failed rounds; the relay backs off while the broker is unreachable."""

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
            if not rows:
                return 0
            outcomes = await self._publish(
                [
                    Outgoing(
                        row.topic,
                        row.key.encode(),
                        row.value,
                        {"content-type": CONTENT_TYPE, "ce_id": row.event_id},
                    )
                    for row in rows
                ]
            )
            now = dt.datetime.now(dt.UTC)
            sent = [row.seq for row, error in zip(rows, outcomes, strict=True) if error is None]
            if sent:
                await session.execute(
                    update(OutboxRow)
                    .where(OutboxRow.seq.in_(sent))
                    .values(sent_at=now, attempts=OutboxRow.attempts + 1)
                )
            for row, error in zip(rows, outcomes, strict=True):
                if error is not None:
                    await session.execute(
                        update(OutboxRow)
                        .where(OutboxRow.seq == row.seq)
                        .values(attempts=OutboxRow.attempts + 1, last_error=str(error)[:1000])
                    )
                    log.warning("outbox publish failed", event_id=row.event_id, error=str(error))
            await session.commit()
            self.failures = 0 if len(sent) == len(rows) else self.failures + 1
            return len(sent)

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
                self.failures += 1
                sent = 0
            if self.failures:
                await asyncio.sleep(min(self._poll * 2**self.failures, 10.0))
                continue
            if sent >= self._batch:
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self._poll)
