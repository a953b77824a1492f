"""Transactional outbox: rows written with the state change, published by a relay.

The outbox rows are also the delivery queue. The relay takes the due rows (pending, their
``execute_after`` passed) in order (``seq``), hands the whole batch to the producer at once
(idempotent producer, ``acks=all``: order per partition holds), waits for the broker's
acknowledgements and then marks the sent rows in one statement. A crash between publish and mark
means a second publish of the same event id: consumers deduplicate on it.

A failed attempt is counted and the row waits (``execute_after``) by capped exponential backoff
(:class:`RetryPolicy`). After the last attempt, or at once when the message can never be
published (:class:`Undeliverable`: larger than the broker takes), the row is dead: the relay
leaves it alone, operators see it and may put it back in the queue
(``hub.service.outbox.retry``).

Order per key (the casus id, across topics): a row is not taken while an earlier row of the same
key is unsent and either waits for its next attempt or is dead, so a later message of a casus
never overtakes an earlier one (a lifting never reaches an agency before the order it lifts).
The rows behind a dead row are *held* (:func:`held_by`): they wait until an operator retries the
dead row (it goes out first, then they follow) or discards it (an audited decision that names
the rows it releases: ``hub.service.outbox.discard``). Within one batch a record that fails
after it was queued (a broker timeout) can be overtaken by a later one of its key that was
acknowledged; the relay logs that, it cannot undo a publish.

The relay tells ``on_dead`` which messages died (after its commit), so an instruction it gave up
on makes its request undeliverable (``hub.service.aflevering.publicatie_opgegeven``).

Marking in the background: when every row of a round was acknowledged, the relay does not wait
for its ``UPDATE`` to commit before it looks for the next due rows (:meth:`OutboxRelay.run`). On
SQLite that commit queues for the one writer behind the orders and answer batches of the moment:
with 20 orders in flight it took p50 145 ms, p90 520 ms, and the instructions of every order
committed meanwhile waited for it. A marker task writes the marks, one transaction for all
rounds that wait, in order; until a row's mark has committed the relay leaves it out of its next
rounds (the rows it published and the broker acknowledged). Nothing changes for order per key:
a later row of a key goes out only after the earlier one was acknowledged. A round with a
failure is marked at once, as before (the next round's question must see the backoff). If a
mark is lost (the marker's transaction fails, the process stops), its rows are published again:
a duplicate, as after a crash between publish and mark.

Trace context: a row keeps the W3C ``traceparent`` of the span that wrote it (the API request,
or the answer being processed), and the relay hands it on as the record's ``traceparent`` header
(``hub.adapters.telemetry``), so the trace goes on at the connector.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

import structlog
from sqlalchemy import (
    ColumnElement,
    Integer,
    ScalarSelect,
    Select,
    bindparam,
    exists,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import aliased

from hub.adapters.orm import OutboxRow, UtcDateTime
from hub.adapters.telemetry import current_traceparent
from schemas import CONTENT_TYPE, CloudEvent
from schemas.backoff import Backoff
from schemas.tracing import TRACEPARENT

log = structlog.get_logger(__name__)

ERROR_CHARS = 1000
PAUSE_MAX = 10.0
"""Longest pause of the relay after failed rounds (seconds)."""


@dataclass(frozen=True, slots=True)
class Outgoing:
    topic: str
    key: bytes
    value: bytes
    headers: dict[str, str]


OnDead = Callable[[Sequence[tuple[str, str]]], Awaitable[object]]
"""Told ``(event id, error type)`` of the messages that just died."""

PublishBatch = Callable[[Sequence[Outgoing]], Awaitable[Sequence[BaseException | None]]]
"""Publish messages in the given order; per message ``None`` once the broker acknowledged it,
or the error (:class:`Undeliverable` and :class:`NotAttempted` have a meaning of their own)."""


class Undeliverable(Exception):
    """This message can never be published as it is (e.g. larger than the broker takes):
    retrying is pointless, the row is dead at once."""


class NotAttempted(Exception):
    """The publisher did not get to this message (an earlier one of the batch failed before it
    was even queued): no attempt is counted, the row stays due."""


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how far apart a message is tried: capped exponential backoff."""

    max_attempts: int = 30
    base_seconds: float = 5.0
    max_seconds: float = 3600.0

    def delay(self, attempts: int) -> dt.timedelta:
        """The wait after ``attempts`` failed attempts (1 for the first failure)."""
        return dt.timedelta(seconds=Backoff(self.base_seconds, self.max_seconds).delay(attempts))

    def exhausted(self, attempts: int) -> bool:
        return attempts >= self.max_attempts


def outbox_row(event: CloudEvent, topic: str, created_at: dt.datetime) -> dict[str, object]:  # type: ignore[type-arg]
    """The outbox row of one event, as :func:`write_outbox` takes it. Made when the event is
    published: it keeps the trace context of the span that published it."""
    return {
        "event_id": event.id,
        "topic": topic,
        "key": event.subject,
        "value": event.to_bytes(),
        "event_type": event.type,
        "created_at": created_at,
        "execute_after": created_at,
        "attempts": 0,
        "traceparent": current_traceparent(),
    }


async def write_outbox(session: AsyncSession, rows: Sequence[dict[str, object]]) -> None:
    """Insert the rows of one transaction in one statement (executemany), in their order: the
    ``seq`` they get keeps it. As ORM objects they went in one ``INSERT`` each, because the ORM
    fetches each generated ``seq`` back and SQLite cannot say which returned ``seq`` is whose
    row in one multi-row ``INSERT``; nothing reads them back, so Core's insert does it at once."""
    if rows:
        await session.execute(insert(OutboxRow), rows)


def _blocked_by(earlier: type[OutboxRow]) -> list[ColumnElement[bool]]:
    """``earlier`` is a row of the same key before this one that is not out of the way: unsent,
    not discarded."""
    return [
        earlier.key == OutboxRow.key,
        earlier.seq < OutboxRow.seq,
        earlier.sent_at.is_(None),
        earlier.discarded_at.is_(None),
    ]


def held_by() -> ScalarSelect[int | None]:
    """Per outbox row, the first dead row of its key before it (``None``: not held). A
    correlated subquery through the key index; plain SQL on SQLite and PostgreSQL alike."""
    dead = aliased(OutboxRow)
    return (
        select(func.min(dead.seq))
        .where(*_blocked_by(dead), dead.dead_at.is_not(None))
        .scalar_subquery()
    )


@functools.cache
def due_rows() -> Select[OutboxRow]:
    """Pending rows whose time has come (parameter ``now``), in order, at most ``limit``, except
    those behind an earlier row of their key that is dead (held until an operator retries or
    discards it) or waits for its next attempt, and those sent whose mark is still being written
    (parameter ``marking``, their ``seq``: at 20 orders in flight the relay read about 50 of them
    a round, each built into an ORM object and thrown away).

    Built once: building the statement took longer (2-8 ms of Python) than the database took to
    answer it, and the relay asks after every commit that writes outbox rows."""
    now = bindparam("now", type_=UtcDateTime())
    earlier = aliased(OutboxRow)
    blocked = exists().where(
        *_blocked_by(earlier),
        or_(earlier.dead_at.is_not(None), earlier.execute_after > now),
    )
    return (
        select(OutboxRow)
        .where(
            OutboxRow.sent_at.is_(None),
            OutboxRow.dead_at.is_(None),
            OutboxRow.execute_after <= now,
            OutboxRow.seq.not_in(bindparam("marking", expanding=True)),
            ~blocked,
        )
        .order_by(OutboxRow.seq)
        .limit(bindparam("limit", type_=Integer()))
    )


def _outgoing(row: OutboxRow) -> Outgoing:
    # Structured content mode only (CNCF Kafka binding): the CloudEvent is the value, and no
    # ce_* header (that would be binary mode) sits next to it. The trace context is a header of
    # its own (the Kafka binding of the CloudEvents distributed-tracing extension).
    headers = {"content-type": CONTENT_TYPE}
    if row.traceparent:
        headers[TRACEPARENT] = row.traceparent
    return Outgoing(row.topic, row.key.encode(), row.value, headers)


class OutboxRelay:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        publish: PublishBatch,
        *,
        clock: Callable[[], dt.datetime],
        policy: RetryPolicy | None = None,
        poll_seconds: float = 0.5,
        batch_size: int = 500,
        on_dead: OnDead | None = None,
        leader: Callable[[], Awaitable[bool]] | None = None,
    ) -> None:
        self._sessions = sessions
        self._leader = leader
        self._publish = publish
        self._clock = clock
        self._policy = policy or RetryPolicy()
        self._poll = poll_seconds
        self._batch = batch_size
        self._on_dead = on_dead
        self._wake = asyncio.Event()
        self._marking: set[int] = set()
        """Rows published and acknowledged whose mark has not committed yet: left out of rounds."""
        self._to_mark: list[tuple[dt.datetime, list[int]]] = []
        self._marker: asyncio.Task[None] | None = None
        self.failures = 0
        """Consecutive rounds in which not everything went out; the relay backs off meanwhile."""
        self._pause = Backoff(initial=min(2 * poll_seconds, PAUSE_MAX), maximum=PAUSE_MAX)
        """The pause after failed rounds: twice the poll interval, doubling, at most 10 s."""

    def wake(self) -> None:
        """Tell the relay there is new work (called after a commit that wrote outbox rows)."""
        self._wake.set()

    async def relay_once(self, *, mark_later: bool = False) -> int:
        """Publish one batch of due rows; returns how many were sent. ``mark_later``: when all
        were acknowledged, their marks are left to the marker task (the module's docstring)."""
        # The rows being marked as the question starts: a mark that commits while it runs is
        # not in what it reads, and the marker forgets the rows once their mark committed, so
        # those read unsent must be left out by this copy, not by the set as it is after.
        marking = set(self._marking)
        async with self._sessions() as session:
            due = {"now": self._clock(), "limit": self._batch, "marking": sorted(marking)}
            selected = (await session.scalars(due_rows(), due)).all()
            rows = [row for row in selected if row.seq not in marking | self._marking]
            if rows:
                return await self._round(session, rows, mark_later=mark_later)
        self.failures = 0
        if len(selected) >= self._batch:  # a full batch, all being marked: more may be due
            await self.marked()
            return await self.relay_once(mark_later=mark_later)
        return 0

    async def _round(
        self, session: AsyncSession, rows: Sequence[OutboxRow], *, mark_later: bool
    ) -> int:
        outcomes = await self._publish([_outgoing(row) for row in rows])
        now = self._clock()
        sent = [row.seq for row, error in zip(rows, outcomes, strict=True) if error is None]
        if mark_later and len(sent) == len(rows):
            self._mark_later(now, sent)
            self.failures = 0
            return len(sent)
        if sent:
            await session.execute(
                update(OutboxRow)
                .where(OutboxRow.seq.in_(sent))
                .values(sent_at=now, attempts=OutboxRow.attempts + 1)
            )
        dead = await self._record_failures(session, rows, outcomes, now)
        await session.commit()
        if dead and self._on_dead is not None:
            await self._on_dead(dead)
        self.failures = 0 if len(sent) == len(rows) else self.failures + 1
        return len(sent)

    def _mark_later(self, now: dt.datetime, seqs: list[int]) -> None:
        self._marking.update(seqs)
        self._to_mark.append((now, seqs))
        if self._marker is None or self._marker.done():
            self._marker = asyncio.create_task(self._mark(), name="outbox-marker")

    async def _mark(self) -> None:
        """Write the marks that wait, one transaction for all of them, until none is left."""
        while self._to_mark:
            rounds, self._to_mark = self._to_mark, []
            try:
                async with self._sessions() as session:
                    for now, seqs in rounds:
                        await session.execute(
                            update(OutboxRow)
                            .where(OutboxRow.seq.in_(seqs))
                            .values(sent_at=now, attempts=OutboxRow.attempts + 1)
                        )
                    await session.commit()
            except Exception:
                log.exception("outbox marks not written: those rows will be published again")
            finally:
                for _, seqs in rounds:
                    self._marking.difference_update(seqs)

    async def marked(self) -> None:
        """Wait until the marks of the rounds so far have been written (or given up)."""
        while self._marker is not None and not self._marker.done():
            await asyncio.wait([self._marker])

    async def _record_failures(
        self,
        session: AsyncSession,
        rows: Sequence[OutboxRow],
        outcomes: Sequence[BaseException | None],
        now: dt.datetime,
    ) -> list[tuple[str, str]]:
        """Count the attempt of each failed row and set its next one, or make it dead. Rows
        alike (same attempt count, error and fate: an outage) are updated in one statement.
        Returns ``(event id, error type)`` of the rows that died."""
        died: list[tuple[str, str]] = []
        alike: dict[tuple[int, str, bool], list[int]] = defaultdict(list)
        failed_keys: set[str] = set()
        for row, error in zip(rows, outcomes, strict=True):
            if error is None:
                if row.key in failed_keys:
                    log.warning("outbox row overtook an earlier one of its key", seq=row.seq)
                continue
            failed_keys.add(row.key)
            if isinstance(error, NotAttempted):
                continue
            attempts = row.attempts + 1
            dead = isinstance(error, Undeliverable) or self._policy.exhausted(attempts)
            text = (f"{type(error).__name__}: {error}")[:ERROR_CHARS]
            alike[(attempts, text, dead)].append(row.seq)
            if dead:
                died.append((row.event_id, type(error).__name__))
            log.warning(
                "outbox publish failed",
                seq=row.seq,
                event_id=row.event_id,
                topic=row.topic,
                attempts=attempts,
                dead=dead,
                error=text,
            )
        for (attempts, text, dead), seqs in alike.items():
            fate = (
                {"dead_at": now} if dead else {"execute_after": now + self._policy.delay(attempts)}
            )
            await session.execute(
                update(OutboxRow)
                .where(OutboxRow.seq.in_(seqs))
                .values(attempts=attempts, last_error=text, **fate)
            )
            if dead:
                log.error("outbox rows dead: operators must retry them", seqs=seqs, error=text)
        return died

    async def run(self) -> None:
        """Relay until cancelled; the marks under way are written before it ends."""
        try:
            await self._run()
        finally:
            await self.marked()

    async def _run(self) -> None:
        while True:
            self._wake.clear()
            try:
                if self._leader is not None and not await self._leader():
                    await asyncio.sleep(self._poll)  # another replica relays
                    continue
                sent = await self.relay_once(mark_later=True)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("outbox relay error")
                self.failures += 1
                sent = 0
            if self.failures:
                await asyncio.sleep(self._pause.delay(self.failures))
                continue
            if sent >= self._batch:
                continue
            # Not asyncio.wait_for: on Python 3.11 it returns when the wait it was cancelled in
            # has just ended (the relay woken as it is stopped), dropping the cancellation, and
            # the relay ran on while the hub's stop waited for it forever.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self._poll):
                    await self._wake.wait()
