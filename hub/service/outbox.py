"""Handlers for operators on the outbox: see what waits or is dead, and put a row back in the
queue. The value of a message is never shown (it may hold a sealed BSN); where it goes, what it
is and how its delivery went is enough to act on."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import structlog

from hub.adapters.outbox_queries import OutboxEntry, OutboxStatus
from hub.service.deps import Deps
from hub.service.errors import Conflict, NietGevonden
from hub.service.unit_of_work import UnitOfWork

log = structlog.get_logger(__name__)

CASUS_ID_CHARS = 24
"""The audit trail's casus id column; a key that is longer is no casus id."""


@dataclass(frozen=True, slots=True)
class OutboxPage:
    entries: list[OutboxEntry]
    next_before: int | None
    """The ``before`` of the next (older) page; ``None`` on the last one."""


@dataclass(frozen=True, slots=True)
class DeadRows:
    count: int
    newest: list[OutboxEntry]


async def outbox_page(
    status: OutboxStatus, uow: UnitOfWork, *, limit: int, before: int | None = None
) -> OutboxPage:
    """One page of pending or dead rows, newest first."""
    async with uow:
        entries = await uow.outbox.page(status, limit=limit + 1, before=before)
    more = len(entries) > limit
    entries = entries[:limit]
    return OutboxPage(entries, entries[-1].seq if more else None)


async def dead_rows(uow: UnitOfWork, newest: int) -> DeadRows:
    """How many rows are dead, and the newest few."""
    async with uow:
        return DeadRows(
            count=await uow.outbox.count(OutboxStatus.DEAD),
            newest=await uow.outbox.page(OutboxStatus.DEAD, limit=newest),
        )


async def retry(seq: int, uow: UnitOfWork, deps: Deps, *, door: str) -> OutboxEntry:
    """Put a dead or pending row back in the queue: due now, attempts from zero. Recorded in the
    audit trail with ``door`` (the proven operator) as actor. A dead row that is retried goes out
    after the later rows of its key that were sent while it was dead."""
    now = deps.clock()
    async with uow:
        entry = await uow.outbox.get(seq)
        if entry is None:
            raise NietGevonden(f"no outbox row {seq}", field="seq")
        if entry.status is OutboxStatus.SENT or not await uow.outbox.requeue(seq, now):
            raise Conflict(f"outbox row {seq} was sent already", field="seq")
        uow.audit.record(
            actor=door,
            actie="outbox.retry",
            casus_id=entry.key if len(entry.key) <= CASUS_ID_CHARS else None,
            details={
                "seq": seq,
                "event_id": entry.event_id,
                "event_type": entry.event_type,
                "topic": entry.topic,
                "status": entry.status.value,
                "attempts": entry.attempts,
            },
        )
        await uow.commit()
    log.info("outbox row retried", seq=seq, event_id=entry.event_id, was=entry.status.value)
    return dataclasses.replace(entry, attempts=0, dead_at=None, execute_after=now)
