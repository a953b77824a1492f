"""Repositories: every query of the hub lives here. They never commit; the unit of work does."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import structlog
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from hub.adapters.orm import AuditChainHeadRow, AuditRow, ProcessedEventRow
from hub.domain.auditketen import GENESIS, Schakel, canonieke_details, entry_hash

log = structlog.get_logger(__name__)

HEAD_ID = 1
"""The one row of ``audit_chain_head``."""


class AuditNietGeschreven(Exception):
    """The audit entries of a transaction could not be written (the database refused them)."""


class ProcessedEvents:
    """Idempotency keys: event ids already handled."""

    def __init__(self, session: AsyncSession, clock: Callable[[], dt.datetime]) -> None:
        self._session = session
        self._clock = clock

    async def seen(self, event_id: str) -> bool:
        return await self._session.get(ProcessedEventRow, event_id) is not None

    def mark(self, event_id: str, event_type: str) -> None:
        self._session.add(
            ProcessedEventRow(event_id=event_id, event_type=event_type, processed_at=self._clock())
        )


class AuditTrail:
    """The audit trail of one unit of work: entries are kept until :meth:`seal`, which chains
    them onto the trail (``hub.domain.auditketen``) just before the transaction commits.

    Chaining at the end keeps :meth:`record` synchronous for its many callers and holds the lock
    on the chain head only for the last moment of a transaction. The head is locked with an
    ``UPDATE`` before it is read: on PostgreSQL that is a row lock that the next appender waits
    for; on SQLite it starts the write transaction (the driver sends ``BEGIN`` before the first
    write, not before a read), so the head is read inside it and no other writer can come in
    between.
    """

    def __init__(self, session: AsyncSession, clock: Callable[[], dt.datetime]) -> None:
        self._session = session
        self._clock = clock
        self._pending: list[AuditRow] = []

    def record(
        self, *, actor: str, actie: str, casus_id: str | None, details: dict[str, Any]
    ) -> None:
        self._pending.append(
            AuditRow(
                at=self._clock(),
                actor=actor,
                actie=actie,
                casus_id=casus_id,
                details=canonieke_details(details),
            )
        )

    def take(self) -> list[AuditRow]:
        """The entries recorded and not yet sealed, handed over (this trail keeps none)."""
        pending, self._pending = self._pending, []
        return pending

    def add(self, entries: list[AuditRow]) -> None:
        """Entries another trail recorded, to seal with this one's."""
        self._pending.extend(entries)

    async def seal(self) -> None:
        """Chain the recorded entries onto the trail and write them, in this transaction.

        Raises :class:`AuditNietGeschreven` when they cannot be written: the caller's
        transaction must then not commit (an action that cannot be logged is refused; the unit of
        work turns it into ``hub.service.errors.LogNietGeschreven``).
        """
        if not self._pending:
            return
        pending, self._pending = self._pending, []
        try:
            await self._append(pending)
        except SQLAlchemyError as exc:
            # The operator's one clue: the client gets only FSC's error code. The first line of
            # the driver's message names the constraint; PostgreSQL's DETAIL line with the
            # values is left out.
            cause = str(getattr(exc, "orig", exc)).splitlines()[:1]
            log.error("audit entry not written", error=type(exc).__name__, cause=cause)
            raise AuditNietGeschreven(
                "the audit entry of this action could not be written"
            ) from exc

    async def _append(self, pending: list[AuditRow]) -> None:
        head = AuditChainHeadRow
        locked = await self._session.execute(
            update(head)
            .where(head.id == HEAD_ID)
            .values(sequence=head.sequence)
            .returning(head.sequence, head.hash)
            .execution_options(synchronize_session=False)
        )
        row = locked.one_or_none()
        if row is None:
            raise LookupError("the audit chain head is missing: run the migrations")
        sequence, previous = row
        for entry in pending:
            sequence += 1
            entry.sequence = sequence
            entry.previous_hash = previous
            entry.hash = previous = entry_hash(
                sequence=sequence,
                at=entry.at,
                actor=entry.actor,
                actie=entry.actie,
                casus_id=entry.casus_id,
                details=entry.details,
                previous_hash=previous,
            )
        # One statement for all of them (executemany): as ORM objects each went in an INSERT of
        # its own, the ORM fetching every generated ``id`` back.
        await self._session.execute(
            insert(AuditRow),
            [
                {
                    "sequence": e.sequence,
                    "at": e.at,
                    "actor": e.actor,
                    "actie": e.actie,
                    "casus_id": e.casus_id,
                    "details": e.details,
                    "previous_hash": e.previous_hash,
                    "hash": e.hash,
                }
                for e in pending
            ],
        )
        await self._session.execute(
            update(head)
            .where(head.id == HEAD_ID)
            .values(sequence=sequence, hash=previous)
            .execution_options(synchronize_session=False)
        )
        await self._session.flush()

    async def for_casus(self, casus_id: str) -> list[AuditRow]:
        rows = await self._session.scalars(
            select(AuditRow).where(AuditRow.casus_id == casus_id).order_by(AuditRow.sequence)
        )
        return list(rows)

    async def page(self, after_sequence: int | None, limit: int) -> list[Schakel]:
        """Entries after ``after_sequence`` (from the very first when ``None``: a forged entry
        numbered 0 or below is read too), in order, at most ``limit``. Keyset paging, so a
        verification of a large trail reads it in slices without an open cursor."""
        query = select(AuditRow).order_by(AuditRow.sequence, AuditRow.id).limit(limit)
        if after_sequence is not None:
            query = query.where(AuditRow.sequence > after_sequence)
        rows = await self._session.scalars(query)
        return [
            Schakel(
                id=r.id,
                sequence=r.sequence,
                at=r.at,
                actor=r.actor,
                actie=r.actie,
                casus_id=r.casus_id,
                details=r.details,
                previous_hash=r.previous_hash,
                hash=r.hash,
            )
            for r in rows
        ]

    async def head(self) -> tuple[int, str]:
        """The chain head: the last entry's sequence and hash (0 and the genesis hash when the
        trail is empty)."""
        row = await self._session.get(AuditChainHeadRow, HEAD_ID)
        return (row.sequence, row.hash) if row is not None else (0, GENESIS)


__all__ = [
    "AuditTrail",
    "IntegrityError",
    "ProcessedEvents",
]
