"""Handlers for operators on the outbox: see what waits, is held or is dead, put a row back in the
queue, or discard a dead one. The value of a message is never shown (it may hold a sealed BSN);
where it goes, what it is and how its delivery went is enough to act on.

A dead row holds the later rows of its casus (``hub.adapters.outbox``): order per casus is kept
until an operator decides. Retrying it sends it first and the held rows after it; discarding it
gives up on that message for good and lets the held rows go: both are audited with the proven
operator, and a discard names the rows it releases and the operator's reason."""

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


def _casus_id(key: str) -> str | None:
    return key if len(key) <= CASUS_ID_CHARS else None


def _named(entry: OutboxEntry) -> dict[str, object]:
    return {
        "seq": entry.seq,
        "event_id": entry.event_id,
        "event_type": entry.event_type,
        "topic": entry.topic,
    }


async def retry(seq: int, uow: UnitOfWork, deps: Deps, *, door: str) -> OutboxEntry:
    """Put a dead or pending row back in the queue: due now, attempts from zero. Recorded in the
    audit trail with ``door`` (the proven operator) as actor. A retried dead row goes out before
    the later rows of its key it held, and they follow it. A discarded row cannot come back."""
    now = deps.clock()
    async with uow:
        entry = await uow.outbox.get(seq)
        if entry is None:
            raise NietGevonden(f"no outbox row {seq}", field="seq")
        if entry.status in (OutboxStatus.SENT, OutboxStatus.DISCARDED) or not (
            await uow.outbox.requeue(seq, now)
        ):
            raise Conflict(f"outbox row {seq} was sent or discarded already", field="seq")
        uow.audit.record(
            actor=door,
            actie="outbox.retry",
            casus_id=_casus_id(entry.key),
            details={**_named(entry), "status": entry.status.value, "attempts": entry.attempts},
        )
        await uow.commit()
    log.info("outbox row retried", seq=seq, event_id=entry.event_id, was=entry.status.value)
    return dataclasses.replace(entry, attempts=0, dead_at=None, execute_after=now)


@dataclass(frozen=True, slots=True)
class Discarded:
    entry: OutboxEntry
    released: list[OutboxEntry]
    """The rows of its casus it held that are now free to go (a later dead row still holds
    those behind it)."""


async def discard(seq: int, reden: str, uow: UnitOfWork, deps: Deps, *, door: str) -> Discarded:
    """Give up on a dead row for good: it is never published, and the later rows of its casus it
    held go out. Only a dead row can be discarded (a pending one is still being tried: wait, or
    retry it). Audited with ``door`` (the proven operator), ``reden`` and the rows it releases,
    in the same transaction."""
    now = deps.clock()
    async with uow:
        entry = await uow.outbox.get(seq)
        if entry is None:
            raise NietGevonden(f"no outbox row {seq}", field="seq")
        if entry.status is not OutboxStatus.DEAD:
            raise Conflict(
                f"outbox row {seq} is {entry.status.value}: only a dead row can be discarded",
                field="seq",
            )
        held_before = await uow.outbox.held(entry.key)
        if not await uow.outbox.discard(seq, now):
            raise Conflict(f"outbox row {seq} changed meanwhile", field="seq")
        still_held = {e.seq for e in await uow.outbox.held(entry.key)}
        released = [e for e in held_before if e.seq not in still_held]
        uow.audit.record(
            actor=door,
            actie="outbox.discard",
            casus_id=_casus_id(entry.key),
            details={
                **_named(entry),
                "reden": reden,
                "attempts": entry.attempts,
                "last_error": entry.last_error,
                "released": [_named(e) for e in released],
            },
        )
        await uow.commit()
    log.warning(
        "outbox row discarded",
        seq=seq,
        event_id=entry.event_id,
        released=[e.seq for e in released],
    )
    discarded = dataclasses.replace(entry, discarded_at=now)
    return Discarded(discarded, [dataclasses.replace(e, held_by=None) for e in released])
