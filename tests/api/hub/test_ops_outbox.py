"""Operators see the outbox and repair it: pending and dead messages, retry, the dead count in the
overview, on the dashboard and in /metrics. The hub runs whole (FastStream's in-memory broker for
the answers), with a fake publisher behind the outbox relay and a clock the test moves."""

from __future__ import annotations

import asyncio

import pytest
from faststream.kafka import TestKafkaBroker

from hub.adapters.outbox import Undeliverable
from hub.app import create_app
from hub.bootstrap import bootstrap
from schemas.organisaties import BEHEER
from schemas.topics import instructie_topic
from tests.api.hub.conftest import running, wait_for
from tests.api.hub.test_api import BSN, submit_casus
from tests.api.hub.test_ops import metrics, overzicht
from tests.integration.hub.test_outbox_relay import FakePublisher
from tests.support.loket import opschorting_body
from tests.unit.hub.fakes import Klok

CJIB = instructie_topic("cjib").name


@pytest.fixture
async def ops(hub_settings, clients):
    klok = Klok()
    process = bootstrap(hub_settings, clock=klok)
    publisher = FakePublisher()
    process.publisher = publisher  # type: ignore[assignment]
    app = create_app(process=process)
    async with TestKafkaBroker(process.broker), running(app):
        client = clients(app, "beheer")  # an operator
        client.loket = clients(app, "loket")  # type: ignore[attr-defined]
        client.publisher = publisher  # type: ignore[attr-defined]
        client.klok = klok  # type: ignore[attr-defined]
        yield client


async def outbox(client, status: str, **params) -> dict:
    response = await client.get("/api/v1/ops/outbox", params={"status": status, **params})
    assert response.status_code == 200, response.text
    assert BSN not in response.text
    assert "bsn_versleuteld" not in response.text  # never the value
    return response.json()


async def items_when(client, status: str, done) -> list[dict]:
    """Poll until the listed rows meet ``done``: a positive condition, never "nothing came"."""
    for _ in range(250):
        items = (await outbox(client, status))["items"]
        if done(items):
            return items
        await asyncio.sleep(0.02)
    raise AssertionError(f"outbox {status}: condition not met in time")


async def order_with_cjib_undeliverable(client) -> str:
    client.publisher.fail = lambda m: Undeliverable("too large") if m.topic == CJIB else None
    casus_id = await submit_casus(client.loket)
    response = await client.loket.post(
        f"/api/v1/casussen/{casus_id}/opschortingen",
        json=opschorting_body("belastingdienst", "cjib", "duo"),
    )
    assert response.status_code == 201
    await wait_for(lambda: len(client.publisher.published) == 5 - 1)
    return casus_id


async def test_a_committed_message_is_pending_until_the_broker_has_it(ops):
    ops.publisher.gate.clear()  # the relay will wait inside its publish call
    casus_id = await submit_casus(ops.loket)
    await ops.publisher.entered.wait()

    [row] = (await outbox(ops, "pending"))["items"]
    assert (row["key"], row["event_type"]) == (casus_id, "nl.maatwerk.casus.ingediend.v1")
    assert (row["status"], row["attempts"], row["last_error"]) == ("pending", 0, None)
    assert row["next_attempt_at"] == row["created_at"]
    assert "value" not in row and row["value_size"] > 0
    assert (await overzicht(ops))["outbox"]["unsent"] == 1

    ops.publisher.gate.set()
    await wait_for(lambda: ops.publisher.published)
    await items_when(ops, "pending", lambda items: not items)
    assert (await outbox(ops, "dead"))["items"] == []


async def test_a_dead_message_is_shown_counted_and_retried_by_an_operator(ops):
    casus_id = await order_with_cjib_undeliverable(ops)
    [dead] = await items_when(ops, "dead", bool)
    assert (dead["topic"], dead["key"], dead["status"]) == (CJIB, casus_id, "dead")
    assert dead["event_type"] == "nl.maatwerk.opschorting.instructie.v1"
    assert dead["attempts"] == 1 and dead["last_error"] == "Undeliverable: too large"
    assert dead["next_attempt_at"] is None and dead["dead_at"] is not None

    body = await overzicht(ops)
    assert body["outbox"]["dead"] == 1 and body["outbox"]["unsent"] == 0
    assert [d["seq"] for d in body["outbox"]["dead_newest"]] == [dead["seq"]]
    samples = await metrics(ops)
    assert samples[("hub_outbox_dead", ())] == 1
    assert samples[("hub_outbox_backlog", ())] == 0

    ops.publisher.fail = lambda m: None
    ops.klok.verzet(minutes=5)
    response = await ops.post(f"/api/v1/ops/outbox/{dead['seq']}/retry")
    assert response.status_code == 200, response.text
    retried = response.json()
    assert (retried["status"], retried["attempts"], retried["dead_at"]) == ("pending", 0, None)
    assert retried["next_attempt_at"] == ops.klok.now.isoformat().replace("+00:00", "Z")
    await wait_for(lambda: [m for m in ops.publisher.published if m.topic == CJIB])
    await items_when(ops, "pending", lambda items: not items)
    assert (await metrics(ops))[("hub_outbox_dead", ())] == 0

    audit = (await ops.loket.get(f"/api/v1/casussen/{casus_id}/audit")).json()
    assert [(e["actie"], e["actor"]) for e in audit][-1] == (
        "outbox.retry",
        f"urn:nld:oin:{BEHEER.oin}",  # the proven operator
    )
    assert (await overzicht(ops))["recente_audit"][0]["actie"] == "outbox.retry"

    again = await ops.post(f"/api/v1/ops/outbox/{dead['seq']}/retry")
    assert again.status_code == 409
    assert again.json()["detail"][0]["field"] == "seq"
    assert (await ops.post("/api/v1/ops/outbox/999999/retry")).status_code == 404


async def test_outbox_pages_newest_first_and_takes_only_pending_or_dead(ops):
    ops.publisher.gate.clear()
    for _ in range(3):
        await submit_casus(ops.loket)
    await ops.publisher.entered.wait()
    first = await outbox(ops, "pending", limit=2)
    second = await outbox(ops, "pending", limit=2, before=first["next_before"])
    seqs = [r["seq"] for r in [*first["items"], *second["items"]]]
    assert len(seqs) == 3 and seqs == sorted(seqs, reverse=True)
    assert second["next_before"] is None
    response = await ops.get("/api/v1/ops/outbox", params={"status": "sent"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "status"
    ops.publisher.gate.set()


async def test_the_dashboard_shows_the_dead_outbox_messages(ops):
    page = (await ops.get("/dashboard")).text
    assert "outbox.dead" in page and "dead_newest" in page
