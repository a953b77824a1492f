"""The unit of work as the service layer sees it: one transaction, its repositories, the outbox.

Handlers take a :class:`UnitOfWork` and never know what stores it: ``hub.service.sql_unit_of_work``
has the SQL one, the unit tests a fake in memory (``tests/unit/hub/fakes.py``). Its repositories
are the protocols of ``hub.service.repositories``: the service layer owns them, the adapters
implement them. Both commit the same way:
first every domain event that the aggregates seen in this unit of work recorded goes through the
message bus (contract messages into the outbox, an audit entry each), then the transaction
commits, all or nothing.
"""

from __future__ import annotations

import abc
import datetime as dt
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any, Self

from hub.domain.model import Aggregaat, Gebeurtenis
from hub.service.repositories import (
    AbonnementRepository,
    AfwijkingRepository,
    AuditTrail,
    CasusRepository,
    DeadLetterRepository,
    EscalatieRepository,
    IdempotencyKeys,
    InformatieRepository,
    OpschortingRepository,
    OutboxQueries,
    OverbruggingRepository,
    OverviewQueries,
    ProcessedEvents,
    RegisterRepository,
    RetentionQueries,
    VerwerkingRepository,
    VerzoekRepository,
)
from schemas import CloudEvent

Bus = Callable[[Gebeurtenis, "UnitOfWork"], Awaitable[None]]
"""Handles one domain event inside the unit of work (``hub.service.berichten.verwerk``)."""


class UnitOfWork(abc.ABC):
    casussen: CasusRepository
    opschortingen: OpschortingRepository
    verzoeken: VerzoekRepository
    processed: ProcessedEvents
    audit: AuditTrail
    dead_letters: DeadLetterRepository
    overview: OverviewQueries
    outbox: OutboxQueries
    retention: RetentionQueries
    idempotency: IdempotencyKeys
    verwerkingen: VerwerkingRepository
    informatieverzoeken: InformatieRepository
    overbruggingen: OverbruggingRepository
    register: RegisterRepository
    escalaties: EscalatieRepository
    afwijkingen: AfwijkingRepository
    abonnementen: AbonnementRepository

    def __init__(self, *, bus: Bus | None, clock: Callable[[], dt.datetime]) -> None:
        self._bus = bus
        self.clock = clock
        self._gezien: list[Aggregaat] = []

    async def __aenter__(self) -> Self:
        self._gezien = []
        await self._begin()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self._end()

    def zie(self, aggregaat: Aggregaat) -> None:
        """Track an aggregate added or loaded in this unit of work: its events are handled on
        commit. Repositories call this."""
        if not any(seen is aggregaat for seen in self._gezien):
            self._gezien.append(aggregaat)

    async def commit(self) -> None:
        await self._handle_events()
        await self._commit()

    async def _handle_events(self) -> None:
        # A handler of one event may record more (on the same or another aggregate): loop until
        # nothing is left.
        while True:
            pending = [(agg, agg.neem_gebeurtenissen()) for agg in self._gezien]
            events = [event for _, taken in pending for event in taken]
            if not events:
                return
            if self._bus is None:
                raise RuntimeError("domain events recorded, but this unit of work has no bus")
            for event in events:
                await self._bus(event, self)

    @abc.abstractmethod
    def publish(self, event: CloudEvent[Any], topic: str) -> None:
        """Queue an event in the outbox; it is published only if the transaction commits."""

    @abc.abstractmethod
    async def _begin(self) -> None: ...

    @abc.abstractmethod
    async def _end(self) -> None:
        """Roll back whatever was not committed, and release the transaction."""

    @abc.abstractmethod
    async def _commit(self) -> None: ...
