"""The hub's store and outbox on SQLite and on a real PostgreSQL."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import json
import uuid

import pytest
from sqlalchemy import select

from hub.adapters.orm import Base, OutboxRow
from hub.service.antwoorden import verwerk_antwoord
from hub.service.casus import dien_casus_in
from hub.service.commands import DienCasusIn, DraagOpschortingOp
from hub.service.errors import NietGevonden
from hub.service.opschorting import draag_opschorting_op, lees_opschorting
from schemas import make_event
from schemas.opschorting import OpschortingBevestigd
from schemas.organisaties import UITVOERDERS, Uitvoerder
from schemas.topics import CASUS, OPSCHORTING, instructie_topic, opschorting_antwoord_topic
from simulators import AGENCIES
from tests.support.loket import LOKET_DOOR, WOONGEMEENTE_OIN, casus_body, opschorting_body

BSN = "999990019"


async def order(hub) -> str:
    casus_id = await dien_casus_in(
        DienCasusIn(**casus_body(BSN)), hub.uow(), hub.deps, door=LOKET_DOOR
    )
    cmd = DraagOpschortingOp(**opschorting_body(*AGENCIES))
    return await draag_opschorting_op(casus_id, cmd, hub.uow(), hub.deps, door=LOKET_DOOR)


def op_topic(event) -> str:
    """The answer topic of the agency the answer speaks for: where the hub reads it."""
    return opschorting_antwoord_topic(event.data.uitvoerder).name


def answer(opschorting, agency: str, event_id: str | None = None):
    link = opschorting.verzoek_van(agency)
    data = OpschortingBevestigd(
        opschorting_id=opschorting.opschorting_id,
        casus_id=opschorting.casus_id,
        uitvoerder=Uitvoerder(agency),
        instructie_id=link.instructie_id,
        beantwoord_op=dt.datetime.now(dt.UTC),
        referentie=f"{agency}-42",
        # The gemeente connector answers as the municipality it reached: the casus's woongemeente.
        gemeente=WOONGEMEENTE_OIN if agency == Uitvoerder.GEMEENTE else None,
    )
    return make_event(
        data,
        source=UITVOERDERS[Uitvoerder(agency)].source,
        subject=opschorting.casus_id,
        event_id=event_id,
    )


async def outbox_of(hub, casus_id: str) -> list[OutboxRow]:
    async with hub.sessions() as session:
        rows = await session.scalars(
            select(OutboxRow).where(OutboxRow.key == casus_id).order_by(OutboxRow.seq)
        )
        return list(rows)


async def test_order_and_its_messages_commit_together(hub):
    opschorting_id = await order(hub)
    opschorting = await lees_opschorting(opschorting_id, hub.uow(), hub.deps)
    rows = await outbox_of(hub, opschorting.casus_id)
    assert [r.topic for r in rows] == [
        CASUS.name,
        OPSCHORTING.name,
        *(instructie_topic(a).name for a in AGENCIES),
    ]
    # The chain lists its agencies by name; the instructions went out in the order's order.
    per_agency = {agency: r.event_id for agency, r in zip(AGENCIES, rows[2:], strict=True)}
    assert {link.uitvoerder: link.instructie_id for link in opschorting.keten} == per_agency


async def test_failed_order_leaves_no_state_and_no_messages(hub):
    cmd = DraagOpschortingOp(**opschorting_body("cjib"))
    async with hub.sessions() as session:
        before = len((await session.scalars(select(OutboxRow))).all())
    with pytest.raises(NietGevonden):
        await draag_opschorting_op("MWL-2026-0000000000", cmd, hub.uow(), hub.deps, door=LOKET_DOOR)
    async with hub.sessions() as session:
        assert len((await session.scalars(select(OutboxRow))).all()) == before


async def test_no_bsn_in_clear_anywhere_in_the_store(hub):
    await order(hub)
    async with hub.sessions() as session:
        for table in Base.metadata.sorted_tables:
            rows = (await session.execute(select(table))).all()
            for row in rows:
                assert BSN not in repr(row), f"BSN in clear in table {table.name}"


async def test_the_same_answer_twice_is_applied_once(hub):
    opschorting = await lees_opschorting(await order(hub), hub.uow(), hub.deps)
    event = answer(opschorting, "cjib", event_id=str(uuid.uuid4()))
    assert (
        await verwerk_antwoord(event, hub.uow(), hub.deps, topic=op_topic(event))
    ).gewijzigd is True
    assert (
        await verwerk_antwoord(event, hub.uow(), hub.deps, topic=op_topic(event))
    ).gewijzigd is False
    later = answer(opschorting, "cjib")  # a new event id, but the link was answered already
    assert (
        await verwerk_antwoord(later, hub.uow(), hub.deps, topic=op_topic(later))
    ).gewijzigd is False
    after = await lees_opschorting(opschorting.opschorting_id, hub.uow(), hub.deps)
    assert after.verzoek_van("cjib").referentie == "cjib-42"


async def test_concurrent_answers_for_one_order_are_all_kept(hub):
    opschorting = await lees_opschorting(await order(hub), hub.uow(), hub.deps)
    await asyncio.gather(
        *(
            verwerk_antwoord(
                answer(opschorting, a),
                hub.uow(),
                hub.deps,
                topic=opschorting_antwoord_topic(a).name,
            )
            for a in AGENCIES
        )
    )
    after = await lees_opschorting(opschorting.opschorting_id, hub.uow(), hub.deps)
    assert after.status.value == "confirmed"


async def test_relay_publishes_in_order_marks_sent_and_retries_failures_after_their_wait(hub):
    moment = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
    hub.deps = dataclasses.replace(hub.deps, clock=lambda: moment)
    opschorting = await lees_opschorting(await order(hub), hub.uow(), hub.deps)
    sent: list[str] = []
    fail = {"left": 1}

    async def publish(batch):
        if fail["left"]:
            fail["left"] -= 1
            return [ConnectionError("broker away")] * len(batch)
        sent.extend(json.loads(message.value)["id"] for message in batch)
        return [None] * len(batch)

    relay = hub.attach_relay(publish)
    assert await relay.relay_once() == 0
    assert await relay.relay_once() == 0  # each waits for its next attempt
    moment += dt.timedelta(seconds=hub.settings.outbox_backoff_base_seconds)
    while await relay.relay_once():
        pass
    rows = await outbox_of(hub, opschorting.casus_id)
    assert [r.event_id for r in rows] == [s for s in sent if s in {r.event_id for r in rows}]
    assert all(r.sent_at == moment and r.attempts == 2 for r in rows)
    assert await relay.relay_once() == 0
