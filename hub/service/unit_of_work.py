"""One unit of work = one database transaction, with the repositories bound to it."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.adapters.ops_repository import DeadLetterRepository, OverviewQueries
from hub.adapters.outbox import add_to_outbox
from hub.adapters.repository import (
    AuditTrail,
    CasusRepository,
    OpschortingRepository,
    ProcessedEvents,
)
from schemas import CloudEvent


class UnitOfWork:
    casussen: CasusRepository
    opschortingen: OpschortingRepository
    processed: ProcessedEvents
    audit: AuditTrail
    dead_letters: DeadLetterRepository
    overview: OverviewQueries

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        on_outbox_commit: Callable[[], None] | None = None,
    ) -> None:
        self._sessions = sessions
        self._on_outbox_commit = on_outbox_commit
        self._outbox_written = False

    async def __aenter__(self) -> UnitOfWork:
        self.session = self._sessions()
        self.casussen = CasusRepository(self.session)
        self.opschortingen = OpschortingRepository(self.session)
        self.processed = ProcessedEvents(self.session)
        self.audit = AuditTrail(self.session)
        self.dead_letters = DeadLetterRepository(self.session)
        self.overview = OverviewQueries(self.session)
        self._outbox_written = False
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            await self.session.rollback()
        finally:
            await self.session.close()

    def publish(self, event: CloudEvent, topic: str) -> None:  # type: ignore[type-arg]
        """Queue an event in the outbox; it is published only if the transaction commits."""
        add_to_outbox(self.session, event, topic)
        self._outbox_written = True

    async def commit(self) -> None:
        await self.session.commit()
        if self._outbox_written and self._on_outbox_commit is not None:
            self._on_outbox_commit()
        self._outbox_written = False
