"""The SQL unit of work: one database transaction, with the SQL repositories bound to it.

It lives in the service layer, beside the abstract unit of work it completes (as cosmicpython's
``SqlAlchemyUnitOfWork``): it is where the service layer's repository protocols meet the adapters
that implement them, so the adapters need not import the service layer, and mypy checks every SQL
repository against its protocol here.

Inside a :class:`RequestTransaction` (an HTTP request made with an ``Idempotency-Key``, a batch
of answers) every unit of work is a savepoint of the request's one transaction instead: the
effect, the answer stored under the key and anything else the request writes commit together, or
not at all (``hub.entrypoints.idempotentie``).

A batch of answers (``batch=True``, ``hub.entrypoints.antwoord_stream``) goes further, because
it records many answers, often several to one order, in one transaction:

- its units of work hand what every answer writes and nothing in the batch reads back to the
  transaction, which writes it all just before it commits (:class:`_Later`): the audit entries,
  the processing-log entries, the event ids marked processed, and the chain status of each order
  or information request answered (read after every answer of the batch was written). The chain
  head stays the last lock the transaction takes: a batch that locked the head at its first
  answer's savepoint and then the time-out of its next answer deadlocked on PostgreSQL with an
  API request that held that time-out and waited for the head (the request got a 500). What a
  unit of work whose savepoint rolls back (a rejected answer) queued is dropped with it;
- the aggregates its units of work load for update are handed from one savepoint to the next
  (``hub.adapters.batch_cache``), and the households it reads are read once;
- a unit of work of a batch commits once: its savepoint is released and no other opened.

An HTTP request's units of work still seal their own audit entries (a refused entry is its
request's answer, ``TRANSACTION_LOG_WRITE_ERROR``).
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
from hub.adapters.batch_cache import BatchCache, Checkout
from hub.adapters.casus_repository import CasusRepository
from hub.adapters.escalatie_repository import EscalatieRepository
from hub.adapters.idempotency_repository import IdempotencyKeys
from hub.adapters.informatie_repository import InformatieRepository
from hub.adapters.ops_repository import DeadLetterRepository, OverviewQueries
from hub.adapters.opschorting_repository import OpschortingRepository
from hub.adapters.orm import AuditRow
from hub.adapters.outbox import outbox_row, write_outbox
from hub.adapters.outbox_queries import OutboxQueries
from hub.adapters.overbrugging_repository import OverbruggingRepository
from hub.adapters.register_repository import RegisterRepository
from hub.adapters.repository import AuditNietGeschreven, AuditTrail, ProcessedEvents
from hub.adapters.retention import RetentionQueries
from hub.adapters.verwerking_repository import VerwerkingRepository
from hub.adapters.verzoek_repository import VerzoekRepository
from hub.domain.casus import Lid
from hub.domain.model import Aggregaat
from hub.domain.verwerking import Verwerking
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

    def __init__(self, sessions: async_sessionmaker[AsyncSession], *, batch: bool = False) -> None:
        self._sessions = sessions
        self.batch = batch
        """A batch of answers (see the module's docstring)."""
        self._session: AsyncSession | None = None
        self._after_commit: list[Callable[[], None]] = []
        self._token: Any = None
        self._later: _Later | None = None
        """What its committed units of work left to :meth:`commit` (a batch only)."""
        self.cache = BatchCache()
        """What this transaction's units of work hand on to each other (a batch only)."""

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

    def later(self, session: AsyncSession, clock: Clock) -> _Later:
        """Where a unit of work whose savepoint committed leaves what :meth:`commit` writes."""
        if self._later is None:
            self._later = _Later(session, clock)
        return self._later

    async def commit(self) -> None:
        """Write everything; a unit of work opened after this starts a new transaction."""
        session, self._session = self._session, None
        later, self._later = self._later, None
        self.cache = BatchCache()
        if session is not None:
            try:
                if later is not None:
                    await later.write()
                await session.commit()
            finally:
                await session.close()
        callbacks, self._after_commit = self._after_commit, []
        for callback in callbacks:
            callback()

    async def rollback(self) -> None:
        """Undo everything; a unit of work opened after this starts a new transaction."""
        self._after_commit = []
        self._later = None
        self.cache = BatchCache()
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
        self._later = None
        self.cache = BatchCache()
        if self._session is not None:
            try:
                await self._session.rollback()
            finally:
                await self._session.close()
                self._session = None


def _niemand(_aggregaat: Aggregaat) -> None:
    """Nobody to tell: :class:`_Later` loads no aggregate."""


class _Later:
    """What the committed units of work of a batch of answers leave to its commit."""

    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self._session = session
        self._clock = clock
        self._marks: list[dict[str, Any]] = []
        self._verwerkingen: list[Verwerking] = []
        self._opschortingen: set[str] = set()
        self._informatie: set[str] = set()
        self._audit: list[AuditRow] = []

    def take_from(self, uow: SqlUnitOfWork) -> None:
        self._marks.extend(uow._processed.take())
        self._verwerkingen.extend(uow._verwerkingen.take())
        self._opschortingen |= uow._opschortingen.take()
        self._informatie |= uow._informatie.take()
        self._audit.extend(uow._audit.take())

    async def write(self) -> None:
        """Each kind in one or two statements; the audit entries last (the module's docstring)."""
        session, clock = self._session, self._clock
        await ProcessedEvents(session, clock).write(self._marks)
        await OpschortingRepository(session, _niemand).write(self._opschortingen)
        await InformatieRepository(session, _niemand).write(self._informatie)
        await VerwerkingRepository(session).write(self._verwerkingen)
        audit = AuditTrail(session, clock)
        audit.add(self._audit)
        await _seal(audit)


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
        self._checkout: Checkout | None = None
        """In a batch of answers: the aggregates this unit of work holds (``batch_cache``)."""

    async def _begin(self) -> None:
        self._request = _current.get()
        self._checkout = None
        leden: dict[str, list[Lid]] | None = None
        if self._request is not None:
            self.session = await self._request.session()
            self._savepoint = await self.session.begin_nested()
            if self._request.batch:
                self._checkout = self._request.cache.checkout()
                leden = self._request.cache.leden
        else:
            self.session = self._sessions()
        checkout = self._checkout
        self.casussen = CasusRepository(self.session, self.zie, leden=leden)
        self.opschortingen = self._opschortingen = OpschortingRepository(
            self.session, self.zie, checkout=checkout
        )
        self.verzoeken = VerzoekRepository(
            self.session,
            bij_opslaan=None if checkout is None else lambda v: checkout.forget(v.instrument_id),
        )
        self.processed = self._processed = ProcessedEvents(self.session, self.clock)
        self.audit = self._audit = AuditTrail(self.session, self.clock)
        self.dead_letters = DeadLetterRepository(self.session)
        self.overview = OverviewQueries(self.session)
        self.outbox = OutboxQueries(self.session, on_change=self._outbox_changed)
        self.retention = RetentionQueries(self.session)
        self.idempotency = IdempotencyKeys(self.session)
        self.verwerkingen = self._verwerkingen = VerwerkingRepository(self.session)
        self.informatieverzoeken = self._informatie = InformatieRepository(
            self.session, self.zie, checkout=checkout
        )
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
                if self._checkout is not None:
                    self._checkout.drop()
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
        batch = self._request is not None and self._request.batch
        if batch and self._savepoint is None:
            raise RuntimeError("a unit of work of a batch of answers commits once")
        # Flush first: a constraint that the action's own rows break is that error, not a
        # failure to write the audit entry (which the seal reports as TRANSACTION_LOG_WRITE_ERROR).
        berichten, self._berichten = self._berichten, []
        rijen, self._outbox_rijen = self._outbox_rijen, []
        await self.session.flush()
        await write_outbox(self.session, rijen)
        if not batch:  # a batch writes these at its commit (the module's docstring)
            await self._processed.write()
            await self._opschortingen.write()
            await self._informatie.write()
            await self._verwerkingen.write()
        if berichten and self._feed is not None:
            await self._feed(self.session, berichten, self.clock())
        await self.session.flush()
        wake = self._on_outbox_commit if self._outbox_written else None
        self._outbox_written = False
        if not batch:
            await _seal(self._audit)
        if self._request is not None:
            assert self._savepoint is not None
            await self._savepoint.commit()
            if batch:
                self._request.later(self.session, self.clock).take_from(self)
                if self._checkout is not None:
                    self._checkout.give_back()
                self._savepoint = None
            else:
                self._savepoint = await self.session.begin_nested()  # it may commit again
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
