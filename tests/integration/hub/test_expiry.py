"""The hub records a time-out that ran out, once, and publishes it (SQLite and PostgreSQL)."""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import select

from hub.adapters.orm import OutboxRow
from hub.service.opschorting import lees_opschorting
from hub.service.wijziging import verloop_opschortingen
from schemas import parse_event
from schemas.opschorting import OpschortingVerlopen
from tests.integration.hub.test_store import order


async def test_expiry_is_recorded_the_day_after_the_end_and_published_once(hub):
    opschorting_id = await order(hub)
    opschorting = await lees_opschorting(opschorting_id, hub.uow(), hub.deps)
    # 00:30 UTC on the day after the last day is past midnight in Amsterdam; 21:30 UTC is not.
    day_after = opschorting.einddatum + dt.timedelta(days=1)
    moment = dt.datetime.combine(day_after, dt.time(0, 30), tzinfo=dt.UTC)
    before = dataclasses.replace(hub.deps, clock=lambda: moment - dt.timedelta(hours=3))
    assert opschorting_id not in await verloop_opschortingen(hub.uow(), before)

    after = dataclasses.replace(hub.deps, clock=lambda: moment)
    assert opschorting_id in await verloop_opschortingen(hub.uow(), after)
    assert opschorting_id not in await verloop_opschortingen(hub.uow(), after)

    expired = await lees_opschorting(opschorting_id, hub.uow(), hub.deps)
    assert expired.verlopen_op == moment
    async with hub.sessions() as session:
        rows = (
            await session.scalars(select(OutboxRow).where(OutboxRow.key == opschorting.casus_id))
        ).all()
    events = [parse_event(row.value) for row in rows]
    verlopen = [e for e in events if isinstance(e.data, OpschortingVerlopen)]
    assert [e.data.opschorting_id for e in verlopen] == [opschorting_id]
