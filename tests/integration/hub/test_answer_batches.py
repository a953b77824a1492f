"""The answer consumer's batches (``hub.entrypoints.antwoord_stream``), on SQLite and
PostgreSQL: a batch is recorded in one transaction, and what holds for one record holds in a
batch (idempotent, a rejected record set aside once, a failing one bounded, nothing lost)."""

from __future__ import annotations

import uuid
from typing import NoReturn

import pytest
from aiokafka import ConsumerRecord
from faststream.exceptions import NackMessage
from sqlalchemy import event, func, select
from structlog.testing import capture_logs

from hub.adapters.metrics import HubMetrics
from hub.adapters.orm import InformatieGegevenRow, InformatieverzoekRow
from hub.adapters.telemetry import configure_tracing, trace_ids
from hub.entrypoints import antwoord_stream
from hub.entrypoints.antwoord_stream import AntwoordConsumer
from hub.entrypoints.redelivery import Redelivery, RedeliveryPolicy
from hub.service.informatie import lees_informatieverzoek
from hub.service.opschorting import lees_opschorting
from schemas import parse_event
from schemas.topics import informatie_antwoord_topic
from schemas.tracing import TRACEPARENT
from simulators import AGENCIES
from tests.api.hub.test_informatie_api import verstrekt
from tests.integration.hub.test_informatie_store import instructies, vraag
from tests.integration.hub.test_store import answer, op_topic, order


def record(
    event,
    offset: int,
    value: bytes | None = None,
    traceparent: str | None = None,
    topic: str | None = None,
) -> ConsumerRecord[bytes, bytes]:
    return ConsumerRecord(
        topic=topic or op_topic(event),
        partition=0,
        offset=offset,
        timestamp=0,
        timestamp_type=0,
        key=event.subject.encode(),
        value=event.to_bytes() if value is None else value,
        checksum=None,
        serialized_key_size=0,
        serialized_value_size=0,
        headers=((TRACEPARENT, traceparent.encode()),) if traceparent else (),
    )


class Consumer:
    """The consumer as the subscriber builds it, with the dead letters kept in a list and a
    hand-back that raises as FastStream's nack does."""

    def __init__(self, hub) -> None:
        self.dead: list[tuple[int, str]] = []
        self.handed_back = 0

        async def set_aside(rec, code: str, _detail: str) -> None:
            self.dead.append((rec.offset, code))

        async def retry_later(*_args) -> NoReturn:
            self.handed_back += 1
            raise NackMessage()

        self.consumer = AntwoordConsumer(
            lambda: hub,
            HubMetrics(),
            Redelivery(RedeliveryPolicy(max_attempts=3)),
            set_aside,
            retry_later,
        )

    async def until_acked(self, records) -> None:
        """Read the batch again while it is handed back, as the broker would."""
        for _ in range(10):
            try:
                await self.consumer.batch(records)
                return
            except NackMessage:
                continue
        pytest.fail("the batch was never acknowledged")


def count_commits(hub) -> list[int]:
    commits = [0]

    @event.listens_for(hub.engine.sync_engine, "commit")
    def _count(_conn) -> None:
        commits[0] += 1

    return commits


async def test_a_batch_of_answers_is_one_transaction_and_a_bad_record_is_set_aside(hub):
    opschorting = await lees_opschorting(await order(hub), hub.uow(), hub.deps)
    answers = [answer(opschorting, a, event_id=str(uuid.uuid4())) for a in AGENCIES]
    records = [record(e, n) for n, e in enumerate(answers)]
    records.insert(3, record(answers[0], 100, value=b"not json"))
    records.append(record(answers[1], 101))  # the same answer again: a duplicate
    consumer = Consumer(hub)
    commits = count_commits(hub)

    await consumer.until_acked(records)

    after = await lees_opschorting(opschorting.opschorting_id, hub.uow(), hub.deps)
    assert after.status.value == "confirmed"
    assert consumer.dead == [(100, "ongeldig-bericht")]
    assert commits[0] == 1


async def test_a_failing_record_falls_back_to_one_at_a_time_and_loses_nothing(hub, monkeypatch):
    opschorting = await lees_opschorting(await order(hub), hub.uow(), hub.deps)
    answers = [answer(opschorting, a, event_id=str(uuid.uuid4())) for a in AGENCIES]
    broken = answers[2].id
    real = antwoord_stream.verwerk_antwoord

    async def failing(event, *args, **kwargs):
        if event.id == broken:
            raise RuntimeError("a bug")
        return await real(event, *args, **kwargs)

    monkeypatch.setattr(antwoord_stream, "verwerk_antwoord", failing)
    records = [record(e, n) for n, e in enumerate(answers)]
    records.insert(1, record(answers[0], 100, value=b"{}"))  # rejected: set aside once only
    consumer = Consumer(hub)

    await consumer.until_acked(records)

    assert sorted(consumer.dead) == [(2, "verwerkingsfout"), (100, "ongeldig-bericht")]
    assert consumer.handed_back == 2  # attempts 1 and 2 handed back, the third set aside
    after = await lees_opschorting(opschorting.opschorting_id, hub.uow(), hub.deps)
    answered = {a for a in AGENCIES if after.verzoek_van(a).status.value != "pending"}
    assert answered == set(AGENCIES) - {AGENCIES[2]}


async def test_each_answer_of_a_batch_is_logged_in_the_trace_its_record_carried(hub):
    # One message of FastStream's is the whole batch: its middleware continues one trace for
    # all of them. Each answer must still be found by the trace the loket's order started.
    configure_tracing()
    opschorting = await lees_opschorting(await order(hub), hub.uow(), hub.deps)
    answers = [answer(opschorting, a, event_id=str(uuid.uuid4())) for a in AGENCIES]
    traces = {e.id: uuid.uuid4().hex for e in answers}
    records = [
        record(e, n, traceparent=f"00-{traces[e.id]}-{uuid.uuid4().hex[:16]}-01")
        for n, e in enumerate(answers)
    ]
    consumer = Consumer(hub)

    with capture_logs(processors=[trace_ids]) as logs:
        await consumer.until_acked(records)

    processed = {line["event_id"]: line for line in logs if line["event"] == "answer processed"}
    assert {i: line.get("trace_id") for i, line in processed.items()} == traces


async def test_answers_to_one_request_in_a_batch_around_a_rejected_one_each_count_once(hub):
    # The batch loads the request once and hands it from answer to answer. The rejected answer
    # (it names categories not asked of the agency) read it too, and its savepoint is rolled
    # back: the answers after it read the request as the store has it, with the answer before.
    _, verzoek_id = await vraag(hub)
    rows = await instructies(hub)
    eerste, tweede = (parse_event(row.value) for row in rows)
    answers = [
        verstrekt(eerste, {"vorderingen": "een"}),
        # rejected: says it was asked for more than it was (the hub's minimisation check)
        verstrekt(tweede, {"vorderingen": "twee"}, gevraagd=("vorderingen", "beslagen")),
        verstrekt(tweede, {"vorderingen": "twee"}),
        verstrekt(eerste, {"vorderingen": "later"}),  # the first answer wins
    ]
    records = [
        record(e, n, topic=informatie_antwoord_topic("cjib").name) for n, e in enumerate(answers)
    ]
    consumer = Consumer(hub)

    await consumer.until_acked(records)

    assert consumer.dead == [(1, "antwoord-afgewezen")]
    after = await lees_informatieverzoek(verzoek_id, hub.uow(), verzoeker="loket")
    assert after.status.value == "confirmed"
    async with hub.sessions() as session:
        stored = (
            await session.execute(
                select(InformatieverzoekRow.status).where(
                    InformatieverzoekRow.informatieverzoek_id == verzoek_id
                )
            )
        ).scalar_one()
        gegevens = await session.scalar(
            select(func.count())
            .select_from(InformatieGegevenRow)
            .where(InformatieGegevenRow.informatieverzoek_id == verzoek_id)
        )
    assert (stored, gegevens) == ("confirmed", 2)
