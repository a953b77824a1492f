"""The SQL unit of work: one database transaction, with the SQL repositories bound to it.

It lives in the service layer, beside the abstract unit of work it completes (as cosmicpython's
``SqlAlchemyUnitOfWork``): it is where the service layer's repository protocols meet the adapters
that implement them, so the adapters need not import the service layer, and mypy checks every SQL
repository against its protocol here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.adapters.casus_repository import CasusRepository
from hub.adapters.idempotency_repository import IdempotencyKeys
from hub.adapters.informatie_repository import InformatieRepository
from hub.adapters.ops_repository import DeadLetterRepository, OverviewQueries
from hub.adapters.opschorting_repository import OpschortingRepository
from hub.adapters.outbox import add_to_outbox
from hub.adapters.outbox_queries import OutboxQueries
from hub.adapters.repository import AuditNietGeschreven, AuditTrail, ProcessedEvents
from hub.adapters.retention import RetentionQueries
from hub.adapters.verwerking_repository import VerwerkingRepository
from hub.adapters.verzoek_repository import VerzoekRepository
from hub.service.errors import LogNietGeschreven
from hub.service.unit_of_work import Bus, UnitOfWork
from schemas import CloudEvent


class SqlUnitOfWork(UnitOfWork):
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        bus: Bus | None,
        clock: Callable[[], dt.datetime],
        on_outbox_commit: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(bus=bus, clock=clock)
        self._sessions = sessions
        self._on_outbox_commit = on_outbox_commit
        self._outbox_written = False

    async def _begin(self) -> None:
        self.session = self._sessions()
        self.casussen = CasusRepository(self.session, self.zie)
        self.opschortingen = OpschortingRepository(self.session, self.zie)
        self.verzoeken = VerzoekRepository(self.session)
        self.processed = ProcessedEvents(self.session, self.clock)
        self.audit = self._audit = AuditTrail(self.session, self.clock)
        self.dead_letters = DeadLetterRepository(self.session)
        self.overview = OverviewQueries(self.session)
        self.outbox = OutboxQueries(self.session, on_change=self._outbox_changed)
        self.retention = RetentionQueries(self.session)
        self.idempotency = IdempotencyKeys(self.session)
        self.verwerkingen = VerwerkingRepository(self.session)
        self.informatieverzoeken = InformatieRepository(self.session, self.zie)
        self._outbox_written = False

    async def _end(self) -> None:
        try:
            await self.session.rollback()
        finally:
            await self.session.close()

    def publish(self, event: CloudEvent[Any], topic: str) -> None:
        add_to_outbox(self.session, event, topic, self.clock())
        self._outbox_written = True

    def _outbox_changed(self) -> None:
        """A row was put back in the queue: the relay is woken on commit, as for a new one."""
        self._outbox_written = True

    async def _commit(self) -> None:
        try:
            await self._audit.seal()
        except AuditNietGeschreven as exc:
            # An action that cannot be logged is refused: FSC's error, a 500 with its type.
            raise LogNietGeschreven("the audit entry of this action could not be written") from exc
        await self.session.commit()
        if self._outbox_written and self._on_outbox_commit is not None:
            self._on_outbox_commit()
        self._outbox_written = False
