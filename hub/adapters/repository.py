"""Repositories: every query of the hub lives here. They never commit; the unit of work does."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

import structlog
from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from hub.adapters.orm import AuditChainHeadRow, AuditRow, ProcessedEventRow
from hub.domain.auditketen import GENESIS, Schakel, canonieke_details, entry_hash

log = structlog.get_logger(__name__)

HEAD_ID = 1
"""The one row of ``audit_chain_head``."""


class AuditNietGeschreven(Exception):
    """The audit entries of a transaction could not be written (the database refused them)."""


_GEZIEN = select(ProcessedEventRow.event_id).where(
    ProcessedEventRow.event_id.in_(bindparam("ids", expanding=True))
)
_NIEUW = insert(ProcessedEventRow)


class ProcessedEvents:
    """Idempotency keys: event ids already handled. A mark is written when the unit of work
    commits (:meth:`write`), all of a commit (or of a batch of answers) in one statement."""

    def __init__(self, session: AsyncSession, clock: Callable[[], dt.datetime]) -> None:
        self._session = session
        self._clock = clock
        self._pending: dict[str, dict[str, Any]] = {}

    async def seen(self, event_id: str) -> bool:
        return event_id in await self.seen_of([event_id])

    async def seen_of(self, event_ids: Iterable[str]) -> set[str]:
        """Which of ``event_ids`` were handled (marked in this unit of work included): one
        statement for any number."""
        ids = set(event_ids)
        if not ids:
            return set()
        gezien = ids & self._pending.keys()
        if ids - gezien:
            gezien.update(await self._session.scalars(_GEZIEN, {"ids": sorted(ids - gezien)}))
        return gezien

    def mark(self, event_id: str, event_type: str) -> None:
        self._pending[event_id] = {
            "event_id": event_id,
            "event_type": event_type,
            "processed_at": self._clock(),
        }

    def take(self) -> list[dict[str, Any]]:
        """The marks not written yet, handed over (a batch of answers writes them at its commit)."""
        pending, self._pending = self._pending, {}
        return list(pending.values())

    async def write(self, marks: Iterable[dict[str, Any]] = ()) -> None:
        """Write the marks of this unit of work (and ``marks``) in one statement (executemany)."""
        rows = [*self.take(), *marks]
        if rows:
            await self._session.execute(_NIEUW, rows)


# Built once: every audited action (each API request that changes something, each batch of
# answers) runs the three, and building a statement took longer than running it.
_LOCK_HEAD = (
    update(AuditChainHeadRow)
    .where(AuditChainHeadRow.id == HEAD_ID)
    .values(sequence=AuditChainHeadRow.sequence)
    .returning(AuditChainHeadRow.sequence, AuditChainHeadRow.hash)
    .execution_options(synchronize_session=False)
)
_NEW_ENTRIES = insert(AuditRow)
_MOVE_HEAD = (
    update(AuditChainHeadRow)
    .where(AuditChainHeadRow.id == HEAD_ID)
    .values(sequence=bindparam("new_sequence"), hash=bindparam("new_hash"))
    .execution_options(synchronize_session=False)
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
        locked = await self._session.execute(_LOCK_HEAD)
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
            _NEW_ENTRIES,
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
        await self._session.execute(_MOVE_HEAD, {"new_sequence": sequence, "new_hash": previous})
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
