"""What an operator sees: the overview, the dead letters, the metrics and the dashboard page.

With FastStream's in-memory broker, as in ``test_api``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import re

import pytest
from faststream.kafka import TestKafkaBroker
from prometheus_client.parser import text_string_to_metric_families

from hub.app import create_app
from schemas.organisaties import UITVOERDERS, Uitvoerder
from schemas.topics import dead_letter_topic, opschorting_antwoord_topic
from tests.api.hub.conftest import running
from tests.api.hub.test_api import AGENCIES, BSN, answer_event, order, publish
from tests.support.polling import poll_pause

OPSCHORTING_ANTWOORD = opschorting_antwoord_topic("cjib")  # an answer topic, any one


class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime.now(dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
async def ops(hub_settings, clients):
    app = create_app(hub_settings)
    broker = app.state.broker
    async with TestKafkaBroker(broker), running(app):
        clock = Clock()
        app.state.hub.deps = dataclasses.replace(app.state.hub.deps, clock=clock)
        client = clients(app, "beheer")  # an operator
        client.loket = clients(app, "loket")  # type: ignore[attr-defined]
        client.broker = broker  # type: ignore[attr-defined]
        client.clock = clock  # type: ignore[attr-defined]
        client.settings = hub_settings  # type: ignore[attr-defined]
        yield client


async def overzicht(client) -> dict:
    response = await client.get("/api/v1/ops/overzicht")
    assert response.status_code == 200, response.text
    assert BSN not in response.text
    return response.json()


def per_agency(body: dict) -> dict[str, dict[str, int]]:
    return {
        row["uitvoerder"]: {k: v for k, v in row.items() if k not in {"uitvoerder", "naam"}}
        for row in body["per_uitvoerder"]
    }


def links(
    pending=0, confirmed=0, partially_confirmed=0, refused=0, late=0, undeliverable=0
) -> dict[str, int]:
    return {
        "pending": pending,
        "confirmed": confirmed,
        "partially_confirmed": partially_confirmed,
        "refused": refused,
        "undeliverable": undeliverable,
        "late": late,
    }


async def metrics(client) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert BSN not in response.text
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


async def test_overview_counts_move_as_answers_arrive(ops):
    empty = await overzicht(ops)
    assert empty["opschortingen"] == {"pending": 0, "confirmed": 0, "incomplete": 0}
    assert per_agency(empty) == dict.fromkeys(AGENCIES, links())  # connected, nothing yet

    chain = await order(ops.loket)
    body = await overzicht(ops)
    assert body["opschortingen"] == {"pending": 1, "confirmed": 0, "incomplete": 0}
    assert body["verzoeken"] == links(pending=len(AGENCIES))
    assert per_agency(body) == dict.fromkeys(AGENCIES, links(pending=1))

    await publish(ops, answer_event(chain, "belastingdienst"))
    await publish(ops, answer_event(chain, "cjib", refused=True))
    body = await overzicht(ops)
    assert body["opschortingen"] == {"pending": 1, "confirmed": 0, "incomplete": 0}
    assert per_agency(body) == {
        "belastingdienst": links(confirmed=1),
        "cjib": links(refused=1),
        **dict.fromkeys(AGENCIES[2:], links(pending=1)),  # duo and the others
    }

    for agency in AGENCIES[2:]:
        await publish(ops, answer_event(chain, agency))
    body = await overzicht(ops)
    assert body["opschortingen"] == {"pending": 0, "confirmed": 0, "incomplete": 1}
    assert body["verzoeken"] == links(confirmed=len(AGENCIES) - 1, refused=1)
    flow = [(e["actie"], e["casus_id"]) for e in body["recente_audit"]]
    assert flow[: len(AGENCIES) - 1] == [("opschorting.confirmed", chain["casus_id"])] * (
        len(AGENCIES) - 2
    ) + [("opschorting.refused", chain["casus_id"])]
    assert flow[-1] == ("casus.ingediend", chain["casus_id"])

    second = await order(ops.loket)
    for agency in AGENCIES:
        await publish(ops, answer_event(second, agency))
    body = await overzicht(ops)
    assert body["opschortingen"] == {"pending": 0, "confirmed": 1, "incomplete": 1}
    assert len(body["recente_audit"]) == 2 * (2 + len(AGENCIES))  # casus, order, answers


async def test_a_link_past_its_deadline_is_counted_late_until_answered(ops):
    chain = await order(ops.loket)
    deadline = dt.timedelta(hours=ops.settings.answer_deadline_hours)
    ops.clock.now += deadline - dt.timedelta(minutes=1)
    assert (await overzicht(ops))["verzoeken"]["late"] == 0

    ops.clock.now += dt.timedelta(minutes=2)
    body = await overzicht(ops)
    assert body["verzoeken"] == links(pending=len(AGENCIES), late=len(AGENCIES))
    assert per_agency(body)["cjib"] == links(pending=1, late=1)

    await publish(ops, answer_event(chain, "cjib"))
    body = await overzicht(ops)
    assert body["verzoeken"] == links(
        pending=len(AGENCIES) - 1, confirmed=1, late=len(AGENCIES) - 1
    )
    assert per_agency(body)["cjib"] == links(confirmed=1)
    samples = await metrics(ops)
    assert samples[("hub_requests_late", (("uitvoerder", "cjib"),))] == 0
    assert samples[("hub_requests_late", (("uitvoerder", "duo"),))] == 1
    assert samples[("hub_requests_pending", (("uitvoerder", "duo"),))] == 1


async def test_garbage_answers_show_up_as_dead_letters_with_reason_and_without_their_bytes(ops):
    not_json = b"{not json " + BSN.encode()
    unknown_type = json.dumps(
        {"type": "nl.maatwerk.onzin.v1", "id": "garbage-1", "bsn": BSN}
    ).encode()
    bsn_as_type = json.dumps({"type": BSN, "id": BSN}).encode()
    for raw in (not_json, unknown_type, bsn_as_type):
        await ops.broker.publish(raw, OPSCHORTING_ANTWOORD.name, key=b"MWL-2026-0000000000")

    response = await ops.get("/api/v1/ops/dead-letters")
    assert response.status_code == 200
    assert BSN not in response.text
    assert "onzin" in response.text  # the type is kept, as the operator's clue
    assert "not json" not in response.text and '"bsn"' not in response.text
    newest, middle, oldest = response.json()["items"]
    assert [oldest["value_sha256"], middle["value_sha256"], newest["value_sha256"]] == [
        hashlib.sha256(raw).hexdigest() for raw in (not_json, unknown_type, bsn_as_type)
    ]
    assert oldest["value_size"] == len(not_json)
    assert oldest["redencode"] == "ongeldig-bericht"
    assert oldest["reason"].startswith("ongeldig-bericht: not valid JSON")
    assert oldest["event_type"] is None and oldest["event_id"] is None
    assert oldest["origin_topic"] == OPSCHORTING_ANTWOORD.name
    assert oldest["consumer"] == ops.settings.consumer_group
    assert oldest["key"] == "MWL-2026-0000000000"
    assert middle["event_type"] == "nl.maatwerk.onzin.v1"
    assert middle["event_id"] == "garbage-1"
    assert "unknown event type 'nl.maatwerk.onzin.v1'" in middle["reason"]
    assert newest["event_type"] == newest["event_id"] == "*********"
    assert "unknown event type '*********'" in newest["reason"]

    assert (await overzicht(ops))["dead_letters"] == {"last_hour": 3, "total": 3}
    ops.clock.now += dt.timedelta(hours=2)
    assert (await overzicht(ops))["dead_letters"] == {"last_hour": 0, "total": 3}
    samples = await metrics(ops)
    assert samples[("hub_messages_dead_lettered_total", (("redencode", "ongeldig-bericht"),))] == 3
    assert len((await ops.get("/api/v1/ops/dead-letters?per_pagina=2")).json()["items"]) == 2


async def test_a_dead_letter_read_twice_is_recorded_once(ops):
    headers = {
        "dlq-reason": "bsn: cannot be opened",
        "dlq-reason-code": "bsn-niet-te-openen",
        "dlq-origin-topic": "maatwerk.opschorting.instructie.cjib.v1",
        "dlq-origin-partition": "2",
        "dlq-origin-offset": "41",
        "dlq-consumer": "connector-cjib",
    }
    for _ in range(2):  # the in-memory broker gives both the same offset: a redelivery
        await ops.broker.publish(
            b"{}",
            dead_letter_topic("cjib").name,
            key=b"MWL-2026-0000000001",
            headers={**headers, "dlq-failed-by": "User:someone-else"},
        )
    [letter] = (await ops.get("/api/v1/ops/dead-letters")).json()["items"]
    assert letter["consumer"] == "connector-cjib"
    # The writer is the topic's one producer, not what the header claims.
    assert (letter["dlq_topic"], letter["failed_by"]) == (
        "maatwerk.deadletter.cjib.v1",
        f"User:{UITVOERDERS[Uitvoerder.CJIB].oin}",
    )
    assert (letter["origin_partition"], letter["origin_offset"]) == (2, 41)
    assert (await overzicht(ops))["dead_letters"]["total"] == 1


async def test_metrics_count_answers_and_show_the_outbox_backlog(ops, monkeypatch):
    async def broker_away(*args, **kwargs):
        raise ConnectionError("broker away")

    monkeypatch.setattr(ops.broker, "publish", broker_away)
    chain = await order(ops.loket)  # casus.ingediend, opschorting.opgedragen, the instructions
    uitgaand = 2 + len(AGENCIES)

    async def backlog() -> float:
        return (await metrics(ops))[("hub_outbox_backlog", ())]

    assert await backlog() == uitgaand
    body = await overzicht(ops)
    assert body["outbox"]["unsent"] == uitgaand
    ops.clock.now += dt.timedelta(seconds=30)
    samples = await metrics(ops)
    assert samples[("hub_outbox_oldest_unsent_age_seconds", ())] > 25
    assert samples[("hub_outbox_publish_failures_total", ())] >= 1
    assert samples[("hub_outbox_published_total", ())] == 0

    monkeypatch.undo()
    ops.clock.now += dt.timedelta(seconds=ops.settings.outbox_backoff_max_seconds)  # all due
    for _ in range(300):
        if await backlog() == 0:
            break
        await poll_pause()
    samples = await metrics(ops)
    assert samples[("hub_outbox_backlog", ())] == 0
    assert samples[("hub_outbox_published_total", ())] == uitgaand

    answered = ("hub_answers_processed_total", (("status", "refused"), ("uitvoerder", "cjib")))
    assert samples.get(answered, 0) == 0
    event = answer_event(chain, "cjib", refused=True)
    await publish(ops, event)
    await publish(ops, event)  # redelivered: ignored
    samples = await metrics(ops)
    assert samples[answered] == 1
    assert samples[("hub_answers_duplicate_ignored_total", (("uitvoerder", "cjib"),))] == 1


async def test_dashboard_is_one_page_that_reads_the_ops_api_and_runs_under_its_own_policy(ops):
    response = await ops.get("/dashboard")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text + (await ops.get("/dashboard/dashboard.js")).text
    assert "/api/v1/ops/overzicht" in page
    assert "/api/v1/ops/dead-letters" in page
    assert "innerHTML" not in page and "outerHTML" not in page
    assert not re.search(r"(src|href)=\"?(https?:)?//", page)  # nothing from elsewhere
    policy = response.headers["content-security-policy"]
    assert "connect-src 'self'" in policy and "default-src 'none'" in policy
    assert "script-src 'self';" in policy  # its script is a file of the hub: nothing inline
    assert "<script>" not in response.text
