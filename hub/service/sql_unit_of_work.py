"""The SQL unit of work: one database transaction, with the SQL repositories bound to it.

It lives in the service layer, beside the abstract unit of work it completes (as cosmicpython's
``SqlAlchemyUnitOfWork``): it is where the service layer's repository protocols meet the adapters
that implement them, so the adapters need not import the service layer, and mypy checks every SQL
repository against its protocol here.

Inside a :class:`RequestTransaction` (an HTTP request made with an ``Idempotency-Key``, a batch
of answers) every unit of work is a savepoint of the request's one transaction instead: the
effect, the answer stored under the key and anything else the request writes commit together, or
not at all (``hub.entrypoints.idempotentie``). In a batch of answers (``audit_at_commit``) its
units of work hand their audit entries to the request transaction, which chains them all just
before it commits: the chain head stays the last lock the transaction takes. A batch that locked
the head at its first answer's savepoint and then the time-out of its next answer deadlocked on
PostgreSQL with an API request that held that time-out and waited for the head (the request got a
500). An HTTP request's units of work still seal their own (a refused entry is its request's
answer, ``TRANSACTION_LOG_WRITE_ERROR``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Sequence
from contextvars import ContextVar
from types import TracebackType
from typing import Any, Self

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, AsyncSessionTransaction, async_sessionmaker

from hub.adapters.aflevering import AbonnementRepository
from hub.adapters.afwijking_repository import AfwijkingRepository
from hub.adapters.casus_repository import CasusRepository
from hub.adapters.escalatie_repository import EscalatieRepository
from hub.adapters.idempotency_repository import IdempotencyKeys
from hub.adapters.informatie_repository import InformatieRepository
from hub.adapters.ops_repository import DeadLetterRepository, OverviewQueries
from hub.adapters.opschorting_repository import OpschortingRepository
from hub.adapters.outbox import outbox_row, write_outbox
from hub.adapters.outbox_queries import OutboxQueries
from hub.adapters.overbrugging_repository import OverbruggingRepository
from hub.adapters.register_repository import RegisterRepository
from hub.adapters.repository import AuditNietGeschreven, AuditTrail, ProcessedEvents
from hub.adapters.retention import RetentionQueries
from hub.adapters.verwerking_repository import VerwerkingRepository
from hub.adapters.verzoek_repository import VerzoekRepository
from hub.service.errors import LogNietGeschreven
from hub.service.unit_of_work import Bus, UnitOfWork
from schemas import CloudEvent

Clock = Callable[[], dt.datetime]

Feed = Callable[
    [AsyncSession, Sequence[tuple[CloudEvent[Any], str]], dt.datetime], Awaitable[object]
]
"""Writes the HTTPS delivery feed of the messages a commit publishes (``hub.adapters.aflevering.
schrijf_feed``), in the same transaction."""


class RequestTransaction:
    """One database transaction around a whole HTTP request: the units of work opened while it
    is current join it as savepoints, and nothing is written until :meth:`commit`. Used as
    ``async with``: it is current inside the block (a context variable, so it follows the
    request's task and nothing else) and rolled back on leaving it unless committed.

    On SQLite the transaction is opened with ``BEGIN IMMEDIATE``: Python's driver otherwise
    starts it at the first write, after the first ``SAVEPOINT``, whose release would then commit
    (SQLAlchemy's "pysqlite savepoint" caveat); and holding the write lock from the start means
    no read of this request is overtaken by another writer before its own write.
    """

    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], *, audit_at_commit: bool = False
    ) -> None:
        self._sessions = sessions
        self.audit_at_commit = audit_at_commit
        """Whether its units of work leave their audit entries to :meth:`commit`."""
        self._session: AsyncSession | None = None
        self._after_commit: list[Callable[[], None]] = []
        self._token: Any = None
        self._audit: AuditTrail | None = None
        """The audit entries of its committed units of work, chained at :meth:`commit`."""

    async def session(self) -> AsyncSession:
        if self._session is None:
            session = self._sessions()
            if session.get_bind().dialect.name == "sqlite":
                await session.execute(text("BEGIN IMMEDIATE"))
            self._session = session
        return self._session

    def after_commit(self, callback: Callable[[], None]) -> None:
        if callback not in self._after_commit:
            self._after_commit.append(callback)

    def audit_later(self, session: AsyncSession, trail: AuditTrail, clock: Clock) -> None:
        """Take the entries of a unit of work that committed its savepoint, to chain at
        :meth:`commit` (see the module's docstring)."""
        if self._audit is None:
            self._audit = AuditTrail(session, clock)
        self._audit.add(trail.take())

    async def commit(self) -> None:
        """Write everything; a unit of work opened after this starts a new transaction."""
        session, self._session = self._session, None
        audit, self._audit = self._audit, None
        if session is not None:
            try:
                if audit is not None:
                    await _seal(audit)
                await session.commit()
            finally:
                await session.close()
        callbacks, self._after_commit = self._after_commit, []
        for callback in callbacks:
            callback()

    async def rollback(self) -> None:
        """Undo everything; a unit of work opened after this starts a new transaction."""
        self._after_commit = []
        self._audit = None
        session, self._session = self._session, None
        if session is not None:
            try:
                await session.rollback()
            finally:
                await session.close()

    async def __aenter__(self) -> Self:
        self._token = _current.set(self)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        _current.reset(self._token)
        self._audit = None
        if self._session is not None:
            try:
                await self._session.rollback()
            finally:
                await self._session.close()
                self._session = None


_current: ContextVar[RequestTransaction | None] = ContextVar("request_transaction", default=None)


class SqlUnitOfWork(UnitOfWork):
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        bus: Bus | None,
        clock: Callable[[], dt.datetime],
        on_outbox_commit: Callable[[], None] | None = None,
        feed: Feed | None = None,
    ) -> None:
        super().__init__(bus=bus, clock=clock)
        self._feed = feed
        self._sessions = sessions
        self._on_outbox_commit = on_outbox_commit
        self._outbox_written = False
        self._request: RequestTransaction | None = None
        self._savepoint: AsyncSessionTransaction | None = None

    async def _begin(self) -> None:
        self._request = _current.get()
        if self._request is not None:
            self.session = await self._request.session()
            self._savepoint = await self.session.begin_nested()
        else:
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
        self.verwerkingen = self._verwerkingen = VerwerkingRepository(self.session)
        self.informatieverzoeken = InformatieRepository(self.session, self.zie)
        self.overbruggingen = OverbruggingRepository(self.session, self.zie, self.clock)
        self.register = RegisterRepository(self.session, self.zie)
        self.escalaties = EscalatieRepository(self.session, self.zie)
        self.afwijkingen = AfwijkingRepository(self.session, self.zie)
        self.abonnementen = AbonnementRepository(self.session)
        self._berichten: list[tuple[CloudEvent[Any], str]] = []
        self._outbox_rijen: list[dict[str, object]] = []
        self._outbox_written = False

    async def _end(self) -> None:
        if self._request is not None:
            if self._savepoint is not None and self._savepoint.is_active:
                await self._savepoint.rollback()
            return
        try:
            await self.session.rollback()
        finally:
            await self.session.close()

    def publish(self, event: CloudEvent[Any], topic: str) -> None:
        """Queue the event's outbox row; the rows of a commit are written together, in the
        order published, when it commits (nothing in a unit of work reads its own new rows)."""
        self._outbox_rijen.append(outbox_row(event, topic, self.clock()))
        self._berichten.append((event, topic))
        self._outbox_written = True

    def _outbox_changed(self) -> None:
        """A row was put back in the queue: the relay is woken on commit, as for a new one."""
        self._outbox_written = True

    async def _commit(self) -> None:
        # Flush first: a constraint that the action's own rows break is that error, not a
        # failure to write the audit entry (which the seal reports as TRANSACTION_LOG_WRITE_ERROR).
        berichten, self._berichten = self._berichten, []
        rijen, self._outbox_rijen = self._outbox_rijen, []
        await self.session.flush()
        await write_outbox(self.session, rijen)
        await self._verwerkingen.write()
        if berichten and self._feed is not None:
            await self._feed(self.session, berichten, self.clock())
        await self.session.flush()
        wake = self._on_outbox_commit if self._outbox_written else None
        self._outbox_written = False
        if self._request is not None and self._request.audit_at_commit:
            self._request.audit_later(self.session, self._audit, self.clock)
        else:
            await _seal(self._audit)
        if self._request is not None:
            assert self._savepoint is not None
            await self._savepoint.commit()
            self._savepoint = await self.session.begin_nested()  # a unit of work may commit again
            if wake is not None:
                self._request.after_commit(wake)
            return
        await self.session.commit()
        if wake is not None:
            wake()


async def _seal(audit: AuditTrail) -> None:
    try:
        await audit.seal()
    except AuditNietGeschreven as exc:
        # An action that cannot be logged is refused: FSC's error, a 500 with its type.
        raise LogNietGeschreven("the audit entry of this action could not be written") from exc
