"""The operators' queries on SQLite and on a real PostgreSQL: overview counts and dead letters."""

from __future__ import annotations

import dataclasses
import datetime as dt

from hub.domain.dead_letter import DeadLetter
from hub.service import ops
from hub.service.antwoorden import verwerk_antwoord
from hub.service.opschorting import lees_opschorting
from schemas.topics import dead_letter_topic, opschorting_antwoord_topic
from tests.integration.hub.test_store import AGENCIES, answer, order


def letter(**changes) -> DeadLetter:
    base = DeadLetter.of(
        topic=dead_letter_topic("hub").name,
        partition=0,
        offset=7,
        key=b"MWL-2026-0000000000",
        value=b'{"type": "nl.maatwerk.onzin.v1", "id": "x-1"}',
        headers={
            "dlq-reason": "type: unknown event type",
            "dlq-reason-code": "ongeldig-bericht",
            "dlq-origin-topic": "maatwerk.opschorting.antwoord.cjib.v1",
            "dlq-origin-partition": "1",
            "dlq-origin-offset": "99",
            "dlq-consumer": "hub",
            "dlq-time": "2026-11-22T10:00:00+00:00",
        },
    )
    return dataclasses.replace(base, **changes)


async def test_overview_counts_orders_links_late_links_and_the_outbox(hub):
    first = await lees_opschorting(await order(hub), hub.uow(), hub.deps)
    second = await lees_opschorting(await order(hub), hub.uow(), hub.deps)
    for agency in AGENCIES:
        await verwerk_antwoord(
            answer(first, agency),
            hub.uow(),
            hub.deps,
            topic=opschorting_antwoord_topic(agency).name,
        )
    await verwerk_antwoord(
        answer(second, "cjib"), hub.uow(), hub.deps, topic=opschorting_antwoord_topic("cjib").name
    )
    later = dt.datetime.now(dt.UTC) + dt.timedelta(hours=hub.settings.answer_deadline_hours + 1)
    hub.deps = dataclasses.replace(hub.deps, clock=lambda: later)

    overview = await ops.overview(hub.uow(), hub.deps)
    assert overview.orders == {"pending": 1, "confirmed": 1, "incomplete": 0}
    n = len(AGENCIES)  # the first order answered by all, the second by the CJIB only
    assert overview.links == {
        "pending": n - 1,
        "confirmed": n + 1,
        "partially_confirmed": 0,
        "refused": 0,
        "undeliverable": 0,
        "late": n - 1,
    }
    by_agency = {a.uitvoerder: a.counts for a in overview.agencies}
    assert by_agency["cjib"]["confirmed"] == 2 and by_agency["cjib"]["late"] == 0
    assert by_agency["duo"]["pending"] == 1 and by_agency["duo"]["late"] == 1
    assert overview.outbox_unsent == 2 * (2 + n)  # no relay: 2 x (casus, order, instructions)
    assert overview.outbox_oldest_age_seconds is not None
    assert overview.outbox_oldest_age_seconds > hub.settings.answer_deadline_hours * 3600
    assert [e.actie for e in overview.audit][:1] == ["opschorting.confirmed"]


async def test_a_dead_letter_is_recorded_once_and_counted(hub):
    assert await ops.record_dead_letter(letter(), hub.uow(), hub.deps) is True
    assert await ops.record_dead_letter(letter(), hub.uow(), hub.deps) is False
    no_origin = letter(origin_topic=None, origin_partition=None, origin_offset=None, dlq_offset=8)
    assert await ops.record_dead_letter(no_origin, hub.uow(), hub.deps) is True
    assert await ops.record_dead_letter(no_origin, hub.uow(), hub.deps) is False

    newest, oldest = await ops.recent_dead_letters(hub.uow(), 10)
    assert newest.letter == no_origin and oldest.letter == letter()
    overview = await ops.overview(hub.uow(), hub.deps)
    assert (overview.dead_letters_last_hour, overview.dead_letters_total) == (2, 2)
