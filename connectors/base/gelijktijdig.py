"""Instructions of different casussen at the same time, those of one casus in their order.

Why: one instruction after the other made a connector wait for each back-office call, each
answer's publish and each offset commit in turn (profiled under load, ``bench/PROFILE.md``: the
connector was idle 93% of the time while instructions queued on its topic). Now the connector
takes what the broker has as a batch and works on it per casus:

- the records of one casus (the record key: the hub keys every instruction by its casus id) are
  handled one after the other, in the order of their partition;
- records of different casussen run concurrently, at most :data:`MAX_GELIJKTIJDIG` at a time;
- offsets are committed only after the work (never ACK_FIRST): the whole batch when everything
  is done; when a record fails (back-office or broker away: it must be redelivered), its casus
  stops there and the offset of each partition is committed up to its lowest unfinished record,
  to which the consumer seeks back. Records of other casussen after it that were done are read
  again and done again without a second effect (the back-office call carries the instruction's
  event id as idempotency key, the answer's id derives from it and the hub ignores a duplicate).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Iterator, Sequence
from typing import Any, TypeAlias, cast

import structlog
from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from faststream.message import AckStatus
from opentelemetry import propagate, trace

from connectors.base.backoffice import BackofficeOnbereikbaar
from schemas.tracing import TRACEPARENT, TRACESTATE

log = structlog.get_logger("connectors")

Record: TypeAlias = ConsumerRecord[Any, Any]

MAX_GELIJKTIJDIG = 32
"""Most casussen worked on at the same time (back-office calls in flight)."""
BATCH_RECORDS = 200
"""Most records taken from the broker at once. A batch never waits to fill: the subscriber waits
on the broker and hands over what it has as soon as there is anything, with no pause between
looks (:mod:`schemas.batch_subscriber`)."""


def per_casus(records: Sequence[Record]) -> list[list[Record]]:
    """The records grouped by key (the casus), each group in the batch's order; the groups in
    the order of their first record. Records without a key form one group of their own."""
    groepen: dict[Any, list[Record]] = {}
    for record in records:
        groepen.setdefault(record.key, []).append(record)
    return list(groepen.values())


async def verwerk_gelijktijdig(
    records: Sequence[Record],
    verwerk: Callable[[Record], Awaitable[None]],
    *,
    gelijktijdig: int = MAX_GELIJKTIJDIG,
) -> list[Record]:
    """Run ``verwerk`` on every record, per casus in order, casussen concurrently. Returns the
    records not finished: of each casus whose record failed, that record and the ones after it
    (never run: they must not overtake it). A failure is logged here by its type only (its
    message might quote a BSN); a back-office away was logged by the runtime already."""
    ruimte = asyncio.Semaphore(gelijktijdig)
    onaf: list[Record] = []

    async def casus(groep: list[Record]) -> None:
        async with ruimte:
            for i, record in enumerate(groep):
                try:
                    await verwerk(record)
                except Exception as exc:
                    if not isinstance(exc, BackofficeOnbereikbaar):
                        log.warning(
                            "instruction handed back for redelivery",
                            topic=record.topic,
                            partition=record.partition,
                            offset=record.offset,
                            error=type(exc).__name__,
                        )
                    onaf.extend(groep[i:])
                    return

    async with asyncio.TaskGroup() as groep_taken:
        for groep in per_casus(records):
            groep_taken.create_task(casus(groep))
    return onaf


async def terug_naar_onaf(message: Any, records: Sequence[Record], onaf: Sequence[Record]) -> None:
    """Commit each partition of the batch up to its lowest unfinished record (past its last
    record when all of it is done) and seek back to that record, so it is read again; the
    message is then settled (FastStream commits nothing more)."""
    volgende: dict[TopicPartition, int] = {}
    for record in records:
        tp = TopicPartition(record.topic, record.partition)
        volgende[tp] = max(volgende.get(tp, 0), record.offset + 1)
    laagste: dict[TopicPartition, int] = {}
    for record in onaf:
        tp = TopicPartition(record.topic, record.partition)
        laagste[tp] = min(laagste.get(tp, record.offset), record.offset)
    consumer = message.consumer
    for tp, offset in laagste.items():
        consumer.seek(tp, offset)
    message.committed = AckStatus.NACKED
    if isinstance(consumer, AIOKafkaConsumer):  # FastStream's test broker has a fake one
        await consumer.commit({tp: laagste.get(tp, offset) for tp, offset in volgende.items()})


@contextlib.contextmanager
def verwerkt(record: Record, name: str) -> Iterator[trace.Span]:
    """A consumer span for one record of a batch, continuing the trace its ``traceparent``
    header carries: the back-office call and the answer published meanwhile go on in it.
    FastStream's middleware continues one trace per batch, so a record needs its own."""
    carrier = {
        str(key): value.decode("latin-1")
        for key, value in cast("Sequence[tuple[str, Any]]", record.headers or ())
        if key in (TRACEPARENT, TRACESTATE) and isinstance(value, bytes)
    }
    span = trace.get_tracer("connectors").start_span(
        name, context=propagate.extract(carrier), kind=trace.SpanKind.CONSUMER
    )
    with trace.use_span(span, end_on_exit=True):
        yield span


def records_of(message: Any) -> tuple[Record, ...]:
    """A batch subscriber's message holds its records as a tuple."""
    raw = message.raw_message
    return tuple(raw) if isinstance(raw, tuple | list) else (raw,)
