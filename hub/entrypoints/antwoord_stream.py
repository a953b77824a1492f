"""The answer consumer: agencies' answers read in batches, a batch recorded in one transaction.

Why batches: one transaction per answer made the hub's answer consumer the slowest link of the
chain (profiled under load, ``bench/PROFILE.md``): an order to seven agencies waited for seven
commits one after the other. Now the consumer takes what the broker has (up to
:data:`BATCH_RECORDS` records), records every answer of it in one database transaction (each
answer a savepoint of it, so one that is rejected undoes only its own writes) and commits once;
then the offsets are committed. Every guarantee of the one-record consumer holds
(``hub.entrypoints.stream``):

- at-least-once: offsets are committed only after the transaction (NACK_ON_ERROR: a crash or a
  failed commit means the batch is read again) and idempotency on the event id makes a second
  reading change nothing;
- per-casus order: the records of a partition are recorded in their order;
- no record stalls a partition: when anything in the batch fails other than a rejection (the
  database away, a bug), the transaction is rolled back and the batch is taken one record at a
  time, each with the one-record consumer's bounded attempts and dead letter;
- a rejected answer (unreadable, or belonging to no request) is dead-lettered after the commit,
  so it is set aside once even when the batch is read again.

Records this consumer has already dealt with while a batch is handed back (``_Handled``) are
skipped when the batch comes again, so a rejected record is not dead-lettered twice.
"""

from __future__ import annotations

import dataclasses
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, NoReturn, TypeAlias

import structlog
from aiokafka import ConsumerRecord
from opentelemetry.trace import Span

from hub.adapters.metrics import HubMetrics
from hub.adapters.telemetry import consumed, within
from hub.adapters.transient import is_transient
from hub.bootstrap import Hub
from hub.entrypoints.redelivery import Place, Redelivery, place_of
from hub.service.antwoorden import (
    AntwoordAfgewezen,
    Antwoordbatch,
    Verwerking,
    verwerk_antwoord,
)
from schemas import CloudEvent, InvalidEvent, parse_event

log = structlog.get_logger(__name__)

BATCH_RECORDS = 200
"""Most answers recorded in one transaction. A batch never waits to fill: the subscriber waits
on the broker and hands over what it has as soon as there is anything, with no pause between
looks (:mod:`schemas.batch_subscriber`)."""

Record: TypeAlias = ConsumerRecord[bytes, bytes]
Reden: TypeAlias = tuple[str, str]
"""Why a record is set aside: reason code, detail."""
DeadLetter = Callable[[Record, str, str], Awaitable[None]]
"""Set a record aside: record, reason code, detail."""
RetryLater = Callable[[Redelivery, Place, int, BaseException], Awaitable[NoReturn]]


@dataclasses.dataclass(frozen=True, slots=True)
class _Gedaan:
    """An answer recorded (or found a duplicate)."""

    event: CloudEvent[Any]
    result: Verwerking
    span: Span
    """The record's own span: its outcome is logged in the trace the record carried."""


def unreadable(exc: Exception) -> str:
    """Why a record could not be parsed: the contract's own explanation, or only the type of an
    unexpected exception (its message might quote the record)."""
    if isinstance(exc, InvalidEvent):
        return str(exc)
    return f"unreadable: {type(exc).__name__}"


class _Handled:
    """Places dealt with (recorded or set aside) in a batch not yet acknowledged."""

    def __init__(self, most: int = 10_000) -> None:
        self._places: OrderedDict[Place, None] = OrderedDict()
        self._most = most

    def __contains__(self, place: Place) -> bool:
        return place in self._places

    def add(self, place: Place) -> None:
        self._places[place] = None
        while len(self._places) > self._most:
            self._places.popitem(last=False)

    def forget(self, places: Sequence[Place]) -> None:
        for place in places:
            self._places.pop(place, None)


@dataclasses.dataclass
class AntwoordConsumer:
    """What the answer subscriber does with a batch of records."""

    get_hub: Callable[[], Hub]
    metrics: HubMetrics
    redelivery: Redelivery
    dead_letter: DeadLetter
    retry_later: RetryLater
    handled: _Handled = dataclasses.field(default_factory=_Handled)

    async def batch(self, records: Sequence[Record]) -> None:
        todo = [r for r in records if place_of(r) not in self.handled]
        if len(todo) > 1 and await self._together(todo):
            self.handled.forget([place_of(r) for r in records])
            return
        for record in todo:
            await self.one(record)  # raises NackMessage to have the batch read again
            self.handled.add(place_of(record))
        self.handled.forget([place_of(r) for r in records])

    async def _together(self, records: Sequence[Record]) -> bool:
        """All of ``records`` in one transaction; False (nothing written) if any failed other
        than by a rejection: then they are taken one at a time."""
        hub = self.get_hub()
        done: list[tuple[Record, _Gedaan]] = []
        rejected: list[tuple[Record, Reden]] = []
        gelezen = [(record, _lees(record)) for record in records]
        try:
            batch = Antwoordbatch(
                (e for _, e in gelezen if isinstance(e, CloudEvent)), hub.deps.antwoorden
            )
            async with hub.request_transaction(batch=True) as transaction:
                for record, event in gelezen:
                    outcome = await self._verwerk(record, hub, event, batch)
                    if isinstance(outcome, _Gedaan):
                        done.append((record, outcome))
                    else:
                        rejected.append((record, outcome))
                await transaction.commit()
        except Exception as exc:
            log.info(
                "answer batch rolled back: one record at a time",
                records=len(records),
                error=type(exc).__name__,
            )
            return False
        for record, gedaan in done:  # committed: never again, even if the batch comes back
            self.handled.add(place_of(record))
            self.redelivery.done(place_of(record))
            self._processed(gedaan)
        for record, (code, detail) in rejected:
            await self._set_aside(record, code, detail)
            self.handled.add(place_of(record))
        return True

    async def _verwerk(
        self,
        record: Record,
        hub: Hub,
        event: CloudEvent[Any] | Reden,
        batch: Antwoordbatch | None = None,
    ) -> _Gedaan | Reden:
        """Record one answer (``event``, read from ``record``), or say why it is rejected; any
        other failure raises."""
        if not isinstance(event, CloudEvent):
            return event
        # The record's own trace: what the answer writes (follow-up records) continues it.
        with consumed(record.headers or (), "hub-antwoorden process") as span:
            try:
                result = await verwerk_antwoord(
                    event, hub.uow(), hub.deps, topic=str(record.topic), batch=batch
                )
            except AntwoordAfgewezen as exc:
                return ("antwoord-afgewezen", str(exc))
        return _Gedaan(event, result, span)

    async def one(self, record: Record) -> None:
        """One record in its own transaction, as the one-record consumer always did: a failure
        of its own is tried a bounded number of times, then it is set aside."""
        hub = self.get_hub()
        place = place_of(record)
        try:
            outcome = await self._verwerk(record, hub, _lees(record))
        except Exception as exc:
            attempts = self.redelivery.failed(place)
            if is_transient(exc) or not self.redelivery.exhausted(attempts):
                await self.retry_later(self.redelivery, place, attempts, exc)
            outcome = ("verwerkingsfout", f"{type(exc).__name__} after {attempts} attempts")
        if isinstance(outcome, _Gedaan):
            self.redelivery.done(place)
            self._processed(outcome)
            return
        await self._set_aside(record, *outcome)

    async def _set_aside(self, record: Record, code: str, detail: str) -> None:
        place = place_of(record)
        try:
            await self.dead_letter(record, code, detail)
        except Exception as exc:  # the broker away: never lose the record, try again later
            attempts = self.redelivery.failed(place)
            await self.retry_later(self.redelivery, place, attempts, exc)
        self.redelivery.done(place)

    def _processed(self, gedaan: _Gedaan) -> None:
        event, result = gedaan.event, gedaan.result
        if result.gewijzigd:
            self.metrics.answers.labels(uitvoerder=result.uitvoerder, status=result.status).inc()
        else:
            self.metrics.duplicate_answers.labels(uitvoerder=result.uitvoerder).inc()
        with within(gedaan.span):
            log.info(
                "answer processed",
                event_id=event.id,
                casus_id=event.subject,
                event_type=event.type,
                uitvoerder=result.uitvoerder,
                status=result.status,
                duplicate=not result.gewijzigd,
            )


def _lees(record: Record) -> CloudEvent[Any] | Reden:
    """The record's answer, or why it is unreadable."""
    try:
        return parse_event(bytes(record.value or b""))
    except Exception as exc:  # anything at all: InvalidEvent, RecursionError, ...
        return ("ongeldig-bericht", unreadable(exc))


def records_of(message: Any) -> tuple[Record, ...]:
    """A batch subscriber's message holds its records as a tuple."""
    raw = message.raw_message
    return tuple(raw) if isinstance(raw, tuple) else (raw,)
