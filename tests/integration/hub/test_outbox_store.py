"""The outbox queue's queries on SQLite and on a real PostgreSQL: which rows are due (the per-key
check), the operators' pages, retry, and the retention deletes (a subquery with a limit)."""

from __future__ import annotations

import dataclasses
import uuid

from sqlalchemy import select

from hub.adapters.orm import OutboxRow, ProcessedEventRow
from hub.adapters.outbox import Undeliverable
from hub.adapters.outbox_queries import OutboxStatus
from hub.service import outbox as outbox_service
from hub.service.retention import purge_expired
from tests.integration.hub.test_outbox_relay import FakePublisher
from tests.support.loket import OPERATOR_DOOR
from tests.unit.hub.fakes import Klok

VALUE = b'{"id": "x"}' * 100


async def write(hub, *keys: str) -> list[int]:
    now = hub.now()
    async with hub.sessions() as session:
        rows = [
            OutboxRow(
                event_id=str(uuid.uuid4()),
                topic="t.v1",
                key=key,
                value=VALUE,
                event_type="nl.maatwerk.test.v1",
                created_at=now,
                execute_after=now,
                attempts=0,
            )
            for key in keys
        ]
        session.add_all(rows)
        await session.commit()
        return [row.seq for row in rows]


async def test_due_rows_keep_order_per_key_and_a_dead_row_holds_its_key(hub):
    klok = Klok()
    hub.deps = dataclasses.replace(hub.deps, clock=klok)
    publisher = FakePublisher()
    relay = hub.attach_relay(publisher)
    a1, b1, _ = await write(hub, "MWL-A", "MWL-B", "MWL-C")
    publisher.fail = lambda m: (
        ConnectionError("away")
        if m.key == b"MWL-A"
        else Undeliverable("too large")
        if m.key == b"MWL-B"
        else None
    )
    assert await relay.relay_once() == 1
    _, b2, _ = await write(hub, "MWL-A", "MWL-B", "MWL-C")
    publisher.fail = lambda m: None
    assert await relay.relay_once() == 1  # A's second waits for its first; B's first is dead
    assert [m.key for m in publisher.published] == [b"MWL-C", b"MWL-C"]

    [dead] = (await outbox_service.dead_rows(hub.uow(), 5)).newest
    assert (dead.seq, dead.value_size, dead.last_error) == (
        b1,
        len(VALUE),
        "Undeliverable: too large",
    )
    page = await outbox_service.outbox_page(OutboxStatus.PENDING, hub.uow(), limit=10)
    assert [e.key for e in page.entries] == ["MWL-A", "MWL-A"]
    assert page.entries[-1].seq == a1 and page.entries[-1].attempts == 1
    held = await outbox_service.outbox_page(OutboxStatus.HELD, hub.uow(), limit=10)
    assert [(e.seq, e.held_by) for e in held.entries] == [(b2, b1)]

    await outbox_service.retry(a1, hub.uow(), hub.deps, door=OPERATOR_DOOR)
    assert await relay.relay_once() == 2
    assert [m.key for m in publisher.published[2:]] == [b"MWL-A", b"MWL-A"]
    released = await outbox_service.discard(b1, "weg", hub.uow(), hub.deps, door=OPERATOR_DOOR)
    assert [e.seq for e in released.released] == [b2]
    assert await relay.relay_once() == 1
    assert publisher.published[-1].key == b"MWL-B"


async def test_purge_in_slices(hub):
    klok = Klok()
    hub.deps = dataclasses.replace(hub.deps, clock=klok)
    publisher = FakePublisher()
    relay = hub.attach_relay(publisher)
    await write(hub, "MWL-A", "MWL-B", "MWL-C")
    await relay.relay_once()
    [discarded] = await write(hub, "MWL-E")
    publisher.fail = lambda m: Undeliverable("too large")
    await relay.relay_once()
    await outbox_service.discard(discarded, "weg", hub.uow(), hub.deps, door=OPERATOR_DOOR)
    async with hub.uow() as uow:
        for n in range(3):
            uow.processed.mark(f"answer-{n}", "nl.maatwerk.opschorting.bevestigd.v1")
        await uow.commit()
    klok.verzet(days=61)
    kept = await write(hub, "MWL-D")
    purged = await purge_expired(hub.uow(), hub.deps, slice_size=2)
    assert (purged.outbox, purged.processed_events) == (4, 3)  # sent or discarded
    async with hub.sessions() as session:
        assert list(await session.scalars(select(OutboxRow.seq))) == kept
        assert list(await session.scalars(select(ProcessedEventRow.event_id))) == []
