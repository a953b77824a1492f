"""What keeps an order's path as fast with a million orders stored as with none: the questions
the hub asks all the time (the relay's every half second, the deadline watcher's every minute,
the retention purge's, the dashboard's series) each find their few rows by an index, never by
reading a whole table (SQLite's plans; PostgreSQL plans by its own statistics).

Each question is caught as the hub runs it (a cursor listener), then explained. Before revision
0028 the relay's searched ``ix_outbox_dead_at`` for ``dead_at IS NULL`` (every row of the
outbox) and the watcher's read every time-out and every unanswered request: with a million
orders stored an order waited seconds behind them (bench P4, ``bench/PROFILE.md`` round 3).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Awaitable, Callable

import pytest
from sqlalchemy import event

from hub.adapters.outbox import due_rows
from hub.service.casus import zoek_casussen
from hub.service.ops_reeksen import reeksen
from hub.service.queries import ZoekCasussen
from hub.service.retention import purge_expired
from hub.service.signalering import bewaak_termijnen
from tests.integration.hub.test_store import order

pytestmark = pytest.mark.parametrize("store_engine", ["sqlite"])  # PostgreSQL: its statistics

BIG = "outbox|opschorting|verzoek|casus|huishoudlid|audit|verwerking"
WHOLE_TABLE = re.compile(rf"^SCAN ({BIG})\b")
"""A step that reads every row of a table that grows with the orders (also through an index)."""


async def plans(hub, run: Callable[[], Awaitable[object]]) -> dict[str, list[str]]:
    """Each SELECT, UPDATE and DELETE ``run`` makes the hub execute, with its plan's steps."""
    seen: list[tuple[str, object]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().split(None, 1)[0].upper() in {"SELECT", "UPDATE", "DELETE"}:
            seen.append((statement, parameters))

    event.listen(hub.engine.sync_engine, "before_cursor_execute", capture)
    try:
        await run()
    finally:
        event.remove(hub.engine.sync_engine, "before_cursor_execute", capture)
    explained: dict[str, list[str]] = {}
    async with hub.engine.connect() as connection:
        for statement, parameters in seen:
            plan = await connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
            explained[" ".join(statement.split())] = [row[-1] for row in plan]
    assert explained, "the hub asked nothing"
    return explained


def whole_table_reads(explained: dict[str, list[str]]) -> dict[str, list[str]]:
    """The statements with such a step; a walk along an index in the order asked for, to a
    LIMIT, stops at the page's end and is not one."""
    return {
        statement[:160]: steps
        for statement, steps in explained.items()
        if any(
            WHOLE_TABLE.match(step) and not (" USING INDEX " in step and " LIMIT " in statement)
            for step in steps
        )
    }


async def test_the_relay_finds_the_unsent_rows_without_reading_the_sent_ones(hub):
    await order(hub)

    async def relay_question() -> None:
        async with hub.sessions() as session:
            due = {"now": dt.datetime.now(dt.UTC), "limit": 500, "marking": [1, 2]}
            assert (await session.scalars(due_rows(), due)).all()

    [steps] = (await plans(hub, relay_question)).values()
    assert not whole_table_reads({"due": steps}), steps
    assert "ix_outbox_sent_at (sent_at=?)" in steps[0], steps  # the unsent rows alone


async def test_the_deadline_watcher_reads_the_running_time_outs_and_late_requests_only(hub):
    await order(hub)
    explained = await plans(hub, lambda: bewaak_termijnen(hub.uow, hub.deps))
    assert not whole_table_reads(explained), whole_table_reads(explained)
    late = [s for q, s in explained.items() if "verzoek.reageer_uiterlijk <" in q]
    assert late and all("reageer_uiterlijk<?" in step[0] for step in late), late
    ending = [s for q, s in explained.items() if "opschorting.einddatum <" in q]
    assert len(ending) == 2 and all("ix_opschorting_lopend" in s[0] for s in ending), ending


async def test_the_retention_purge_deletes_by_index_ranges(hub):
    await order(hub)
    explained = await plans(hub, lambda: purge_expired(hub.uow(), hub.deps))
    outbox = {q: s for q, s in explained.items() if q.startswith("DELETE FROM outbox")}
    assert len(outbox) == 2, outbox  # the sent rows, then the discarded ones
    assert not whole_table_reads(explained), whole_table_reads(explained)


async def test_the_dashboards_series_read_their_window_only(hub):
    await order(hub)
    explained = await plans(hub, lambda: reeksen(hub.uow(), hub.deps))
    assert any("FROM outbox" in q for q in explained), list(explained)
    assert not whole_table_reads(explained), whole_table_reads(explained)


async def test_the_loket_list_takes_its_total_from_the_count_kept_not_by_counting(hub):
    """Unfiltered, the total is the count kept as each casus is added (every casus read at
    each call: 65 ms with a million); filtered, it is counted, and both stay true."""
    for _ in range(3):
        await order(hub)
    lijst: list[object] = []

    async def eerste_pagina() -> None:
        lijst.append(await zoek_casussen(ZoekCasussen(per_pagina=2), hub.uow()))

    explained = await plans(hub, eerste_pagina)
    assert not whole_table_reads(explained), whole_table_reads(explained)
    [pagina] = lijst
    assert pagina.totaal == 3 and len(pagina.items) == 2  # type: ignore[attr-defined]
    gefilterd = await zoek_casussen(ZoekCasussen(urgentie=["hoog", "acuut"]), hub.uow())
    alle = await zoek_casussen(ZoekCasussen(urgentie=["normaal", "hoog", "acuut"]), hub.uow())
    assert alle.totaal == 3 and gefilterd.totaal == len(gefilterd.items)
