"""The dashboard's series on SQLite and on a real PostgreSQL: the joins, the timestamps and the
lag samples of two hubs in one store."""

from __future__ import annotations

import dataclasses
import datetime as dt

from hub.adapters.consumer_lag import Lag
from hub.adapters.lag_samples import RETENTION, LagSamples
from hub.service import ops, ops_reeksen
from hub.service.antwoorden import verwerk_antwoord
from hub.service.opschorting import lees_opschorting
from schemas.topics import opschorting_antwoord_topic
from tests.integration.hub.test_ops_store import letter
from tests.integration.hub.test_store import AGENCIES, answer, order


async def test_messages_latency_and_dead_letters_come_from_the_store(hub):
    start = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)
    hub.deps = dataclasses.replace(hub.deps, clock=lambda: start + dt.timedelta(seconds=1))
    opschorting = await lees_opschorting(await order(hub), hub.uow(), hub.deps)
    answered = start + dt.timedelta(minutes=2, seconds=31)
    hub.deps = dataclasses.replace(hub.deps, clock=lambda: answered)
    for agency in AGENCIES[:2]:
        await verwerk_antwoord(
            answer(opschorting, agency),
            hub.uow(),
            hub.deps,
            topic=opschorting_antwoord_topic(agency).name,
        )
    await ops.record_dead_letter(letter(), hub.uow(), hub.deps)

    r = await ops_reeksen.reeksen(hub.uow(), hub.deps, 3)  # the minute of the order to now
    assert r.minuten == [start + dt.timedelta(minutes=n) for n in range(3)]
    # every agency's instruction, then the answers of the first two
    verwacht = {a: [1, 0, 1] if a in AGENCIES[:2] else [1, 0, 0] for a in AGENCIES}
    assert {a: r.per_uitvoerder[a] for a in AGENCIES} == verwacht
    assert r.per_instrument["opschorting"][2] == 2
    assert r.latentie_p50[AGENCIES[0]] == [None, None, 150.0]
    assert r.latentie_venster[AGENCIES[1]].p95 == 150.0
    assert r.dead_letters == {"ongeldig-bericht": [0, 0, 1]}


async def test_two_hubs_write_one_lag_sample_per_group_and_minute_and_old_ones_go(hub):
    now = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)
    hub.deps = dataclasses.replace(hub.deps, clock=lambda: now + dt.timedelta(seconds=30))
    lags = [
        Lag("hub", "t", 0, end=7, committed=2),
        Lag("connector-cjib", "t", 0, end=1, committed=1),
    ]
    old = now - RETENTION - dt.timedelta(minutes=1)
    assert await LagSamples(hub.sessions).record(old, lags)
    first, second = LagSamples(hub.sessions), LagSamples(hub.sessions)
    assert await first.record(now + dt.timedelta(seconds=5), lags)
    assert not await second.record(now + dt.timedelta(seconds=10), lags)  # the other hub's minute
    async with hub.uow() as uow:
        samples = await uow.overview.lag_sinds(old - dt.timedelta(minutes=1))
    assert [(s.minuut, s.groep, s.achterstand) for s in samples] == [
        (now, "connector-cjib", 0),
        (now, "hub", 5),
    ]
    r = await ops_reeksen.reeksen(hub.uow(), hub.deps, 2)
    assert r.achterstand == {"connector-cjib": [None, 0], "hub": [None, 5]}
