"""A connector works on instructions of different casussen at the same time, on those of one
casus in their order, and hands back (for redelivery) only what it did not finish."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from typing import Any

import httpx
from aiokafka import ConsumerRecord, TopicPartition
from faststream.kafka import TestKafkaBroker
from faststream.message.message import AckStatus

from connectors.base.backoffice import BackofficeOnbereikbaar
from connectors.base.gelijktijdig import (
    MAX_GELIJKTIJDIG,
    per_casus,
    terug_naar_onaf,
    verwerk_gelijktijdig,
)
from connectors.base.telemetry import configure_tracing
from schemas import parse_event
from schemas.opschorting import OpschortingBevestigd
from schemas.tracing import TRACEPARENT, trace_id_of
from tests.unit.connectors.berichten import casus_id
from tests.unit.connectors.test_runtime import TOPIC, Backoffice, Opstelling

DEADLINE = 10.0
"""Generous: a wait that is met at once when the connector works concurrently."""


def _record(offset: int, key: bytes | None, partition: int = 0, value: bytes = b"") -> Any:
    return ConsumerRecord(
        topic=TOPIC,
        partition=partition,
        offset=offset,
        timestamp=0,
        timestamp_type=0,
        key=key,
        value=value,
        checksum=None,
        serialized_key_size=0,
        serialized_value_size=0,
        headers=(),
    )


class _Wachtende(Backoffice):
    """A back-office that holds the first request until a second one has come in: it answers
    only a connector that works on two instructions at once. Logs when each request began and
    ended, by the instruction's event id."""

    def __init__(self) -> None:
        super().__init__()
        self.verloop: list[tuple[str, str]] = []
        self._tweede = asyncio.Event()

    async def __call__(self, request: httpx.Request) -> httpx.Response:  # type: ignore[override]
        sleutel = json.loads(request.content)["referentieKetenpartner"]
        self.verloop.append(("begin", sleutel))
        if len(self.verloop) == 1:
            await asyncio.wait_for(self._tweede.wait(), DEADLINE)
        else:
            self._tweede.set()
        for _ in range(3):  # let anything that might overtake it run
            await asyncio.sleep(0)
        self.verloop.append(("eind", sleutel))
        return super().__call__(request)


async def test_instructions_of_different_casussen_are_worked_on_at_the_same_time():
    backoffice = _Wachtende()
    opstelling = Opstelling(backoffice)
    casus_a, casus_b = casus_id(), casus_id()
    a1 = opstelling.instructie(casus=casus_a)
    a2 = opstelling.instructie(casus=casus_a)
    b1 = opstelling.instructie(casus=casus_b)
    batch = tuple(
        _record(i, event.subject.encode(), value=event.to_bytes())
        for i, event in enumerate((a1, a2, b1))
    )
    async with TestKafkaBroker(opstelling.broker) as broker:
        subscriber = next(s for s in broker.subscribers if TOPIC in getattr(s, "topic_names", []))
        await asyncio.wait_for(subscriber.process_message(batch), DEADLINE)
    # a1 was held until b1 came in: they ran at the same time; a2 only after a1 was done.
    assert backoffice.verloop[:2] == [("begin", a1.id), ("begin", b1.id)]
    assert backoffice.verloop.index(("eind", a1.id)) < backoffice.verloop.index(("begin", a2.id))
    answered = [parse_event(a.value).data for a in opstelling.antwoorden]
    assert {a.instructie_id for a in answered} == {a1.id, a2.id, b1.id}
    assert all(isinstance(a, OpschortingBevestigd) for a in answered)


async def test_records_of_one_casus_run_in_order_and_casussen_concurrently():
    gestart: list[int] = []
    actief = 0
    meeste = 0

    async def verwerk(record: Any) -> None:
        nonlocal actief, meeste
        gestart.append(record.offset)
        actief += 1
        meeste = max(meeste, actief)
        await asyncio.sleep(0.01 * (3 - record.offset % 3))  # earlier ones take longer
        actief -= 1

    records = [_record(i, f"casus-{i % 3}".encode()) for i in range(9)]
    assert await verwerk_gelijktijdig(records, verwerk, gelijktijdig=3) == []
    assert meeste == 3
    for casus in range(3):
        assert [o for o in gestart if o % 3 == casus] == [casus, casus + 3, casus + 6]


async def test_a_failed_record_stops_its_casus_and_others_go_on():
    gedaan: list[int] = []

    async def verwerk(record: Any) -> None:
        if record.offset == 1:
            raise BackofficeOnbereikbaar("down")
        gedaan.append(record.offset)

    # casus a: 0, 1 (fails), 3; casus b: 2, 4; no key: 5
    keys = [b"a", b"a", b"b", b"a", b"b", None]
    records = [_record(i, key) for i, key in enumerate(keys)]
    onaf = await verwerk_gelijktijdig(records, verwerk)
    assert sorted(r.offset for r in onaf) == [1, 3]  # the failed one and the one behind it
    assert sorted(gedaan) == [0, 2, 4, 5]


def test_records_are_grouped_by_casus_in_their_order():
    records = [_record(i, key) for i, key in enumerate([b"a", b"b", None, b"a", None])]
    groepen = [[r.offset for r in groep] for groep in per_casus(records)]
    assert groepen == [[0, 3], [1], [2, 4]]


class _Consumer:
    def __init__(self) -> None:
        self.seeks: dict[TopicPartition, int] = {}

    def seek(self, tp: TopicPartition, offset: int) -> None:
        self.seeks[tp] = offset


class _Message:
    def __init__(self) -> None:
        self.consumer = _Consumer()
        self.committed: AckStatus | None = None


async def test_unfinished_records_are_read_again_from_the_lowest_of_each_partition():
    records = [_record(10, b"a"), _record(11, b"b"), _record(12, b"a"), _record(5, b"c", 1)]
    message = _Message()
    await terug_naar_onaf(message, records, [records[1], records[2]])
    assert message.consumer.seeks == {TopicPartition(TOPIC, 0): 11}  # partition 1 all done
    assert message.committed is AckStatus.NACKED  # settled: FastStream commits nothing past it


async def test_each_answer_of_a_batch_goes_on_in_its_own_instructions_trace():
    configure_tracing("connector-test")
    opstelling = Opstelling(Backoffice())
    traces = ["0af7651916cd43dd8448eb211c80319c", "5b8efff798038103d269b633813fc60c"]
    events = [opstelling.instructie() for _ in traces]
    batch = tuple(
        dataclasses.replace(
            _record(i, event.subject.encode(), value=event.to_bytes()),
            headers=((TRACEPARENT, f"00-{trace_id}-b7ad6b7169203331-01".encode()),),
        )
        for i, (event, trace_id) in enumerate(zip(events, traces, strict=True))
    )
    async with TestKafkaBroker(opstelling.broker) as broker:
        subscriber = next(s for s in broker.subscribers if TOPIC in getattr(s, "topic_names", []))
        await subscriber.process_message(batch)
    per_instructie = {
        parse_event(a.value).data.instructie_id: trace_id_of(a.headers.get(TRACEPARENT))
        for a in opstelling.antwoorden
    }
    assert per_instructie == {
        event.id: trace_id for event, trace_id in zip(events, traces, strict=True)
    }


class _Tellende(Backoffice):
    """Counts the requests it holds at once (each is held a few turns of the event loop)."""

    def __init__(self) -> None:
        super().__init__()
        self.bezig = 0
        self.meeste = 0

    async def __call__(self, request: httpx.Request) -> httpx.Response:  # type: ignore[override]
        self.bezig += 1
        self.meeste = max(self.meeste, self.bezig)
        for _ in range(5):
            await asyncio.sleep(0)
        self.bezig -= 1
        return super().__call__(request)


async def test_a_batch_larger_than_the_bound_has_exactly_the_bound_in_flight():
    backoffice = _Tellende()
    opstelling = Opstelling(backoffice)
    events = [opstelling.instructie(casus=casus_id()) for _ in range(2 * MAX_GELIJKTIJDIG)]
    batch = tuple(_record(i, e.subject.encode(), value=e.to_bytes()) for i, e in enumerate(events))
    async with TestKafkaBroker(opstelling.broker) as broker:
        subscriber = next(s for s in broker.subscribers if TOPIC in getattr(s, "topic_names", []))
        await asyncio.wait_for(subscriber.process_message(batch), DEADLINE)
    assert backoffice.meeste == MAX_GELIJKTIJDIG > 1
    assert len(opstelling.antwoorden) == len(events)
