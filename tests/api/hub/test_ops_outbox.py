"""Operators see the outbox and repair it: pending and dead messages, retry, the dead count in the
overview, on the dashboard and in /metrics. The hub runs whole (FastStream's in-memory broker for
the answers), with a fake publisher behind the outbox relay and a clock the test moves."""

from __future__ import annotations

import json

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
from tests.support.polling import poll_pause
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
    for _ in range(300):
        items = (await outbox(client, status))["items"]
        if done(items):
            return items
        await poll_pause()
    raise AssertionError(f"outbox {status}: condition not met in time")


async def order_with_cjib_undeliverable(client, *agencies: str) -> tuple[str, dict]:
    """A time-out ordered at ``agencies``; the CJIB's instruction can never be published: it is
    dead once the relay tried it. Returns the casus id and the order."""
    client.publisher.fail = lambda m: Undeliverable("too large") if m.topic == CJIB else None
    casus_id = await submit_casus(client.loket)
    response = await client.loket.post(
        f"/api/v1/casussen/{casus_id}/opschortingen",
        json=opschorting_body(*(agencies or ("belastingdienst", "cjib", "duo"))),
    )
    assert response.status_code == 201
    await items_when(client, "dead", bool)
    return casus_id, response.json()


def published_types(client) -> list[str]:
    return [json.loads(m.value)["type"] for m in client.publisher.published]


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
    casus_id, _ = await order_with_cjib_undeliverable(ops)
    [dead] = await items_when(ops, "dead", bool)
    assert (dead["topic"], dead["key"], dead["status"]) == (CJIB, casus_id, "dead")
    assert dead["event_type"] == "nl.maatwerk.opschorting.instructie.v1"
    assert dead["attempts"] == 1 and dead["last_error"] == "Undeliverable: too large"
    assert dead["next_attempt_at"] is None and dead["dead_at"] is not None

    # DUO's instruction of the same order comes after CJIB's: held, not published before it
    [held] = await items_when(ops, "held", bool)
    assert (held["key"], held["held_by"], held["status"]) == (casus_id, dead["seq"], "held")
    assert held["topic"] == instructie_topic("duo").name
    assert instructie_topic("duo").name not in {m.topic for m in ops.publisher.published}

    body = await overzicht(ops)
    assert body["outbox"]["dead"] == 1 and body["outbox"]["unsent"] == 1  # the held one
    assert body["outbox"]["held"] == 1
    assert [d["seq"] for d in body["outbox"]["dead_newest"]] == [dead["seq"]]
    assert [h["seq"] for h in body["outbox"]["held_newest"]] == [held["seq"]]
    samples = await metrics(ops)
    assert samples[("hub_outbox_dead", ())] == 1
    assert samples[("hub_outbox_backlog", ())] == 1

    ops.publisher.fail = lambda m: None
    ops.klok.verzet(minutes=5)
    response = await ops.post(f"/api/v1/ops/outbox/{dead['seq']}/retry")
    assert response.status_code == 200, response.text
    retried = response.json()
    assert (retried["status"], retried["attempts"], retried["dead_at"]) == ("pending", 0, None)
    assert retried["next_attempt_at"] == ops.klok.now.isoformat().replace("+00:00", "Z")
    await wait_for(lambda: [m for m in ops.publisher.published if m.topic == CJIB])
    await items_when(ops, "pending", lambda items: not items)
    await items_when(ops, "held", lambda items: not items)
    topics = [m.topic for m in ops.publisher.published]
    assert topics.index(CJIB) < topics.index(instructie_topic("duo").name)  # in order
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


async def test_a_lifting_waits_behind_its_dead_order_until_an_operator_discards_it(ops):
    """The CJIB's order instruction is dead: the lifting of that time-out (and everything else
    of the casus after it) is held, shown as held, and goes out only once an operator discards
    the dead order; the discard is audited with the operator, the reason and what it released."""
    casus_id, order = await order_with_cjib_undeliverable(ops, "cjib")
    [dead] = await items_when(ops, "dead", bool)
    lifted = await ops.loket.post(
        f"/api/v1/opschortingen/{order['opschorting_id']}/opheffing",
        json={"reden": "Schuldregeling getroffen", "opheffingsdatum": order["ingangsdatum"]},
    )
    assert lifted.status_code == 201, lifted.text
    held = await items_when(
        ops, "held", lambda items: any("opheffing-instructie" in i["event_type"] for i in items)
    )
    assert {h["held_by"] for h in held} == {dead["seq"]} and {h["key"] for h in held} == {casus_id}
    body = await overzicht(ops)
    assert body["outbox"]["held"] == len(held)
    ops.klok.verzet(hours=2)  # however long it waits
    other = await submit_casus(ops.loket)  # written after the lifting: once it is out, the
    await wait_for(lambda: other.encode() in {m.key for m in ops.publisher.published})
    assert not [t for t in published_types(ops) if "opheffing" in t]  # relay passed it by
    assert len(await items_when(ops, "held", bool)) == len(held)

    assert (
        await ops.post(f"/api/v1/ops/outbox/{held[0]['seq']}/discard", json={"reden": "x"})
    ).status_code == 409  # only a dead one
    for body in ({}, {"reden": f"klant {BSN}"}):
        refused = await ops.post(f"/api/v1/ops/outbox/{dead['seq']}/discard", json=body)
        assert refused.status_code == 422
        assert refused.json()["detail"][0]["field"] == "reden" and BSN not in refused.text
    assert (
        await ops.loket.post(f"/api/v1/ops/outbox/{dead['seq']}/discard", json={"reden": "x"})
    ).status_code == 403  # operators only

    ops.publisher.fail = lambda m: None  # the lifting itself is fine
    reden = "Instructie te groot; CJIB handelt de opheffing af"
    response = await ops.post(f"/api/v1/ops/outbox/{dead['seq']}/discard", json={"reden": reden})
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["verwijderd"]["status"] == "discarded"
    assert result["verwijderd"]["discarded_at"] is not None
    released = sorted(h["seq"] for h in held)
    assert [r["seq"] for r in result["vrijgegeven"]] == released
    await wait_for(lambda: [t for t in published_types(ops) if "opheffing-instructie" in t])
    await items_when(ops, "held", lambda items: not items)
    assert (await outbox(ops, "dead"))["items"] == []
    [gone] = (await outbox(ops, "discarded"))["items"]
    assert gone["seq"] == dead["seq"]
    assert CJIB in {m.topic for m in ops.publisher.published}  # the lifting, never the order
    assert "nl.maatwerk.opschorting.instructie.v1" not in published_types(ops)

    audit = (await ops.loket.get(f"/api/v1/casussen/{casus_id}/audit")).json()
    entry = audit[-1]
    assert (entry["actie"], entry["actor"]) == ("outbox.discard", f"urn:nld:oin:{BEHEER.oin}")
    assert entry["details"]["reden"] == reden
    assert [r["seq"] for r in entry["details"]["released"]] == released
    assert (await overzicht(ops))["recente_audit"][0]["actie"] == "outbox.discard"
    again = await ops.post(f"/api/v1/ops/outbox/{dead['seq']}/discard", json={"reden": reden})
    assert again.status_code == 409
    assert (await ops.post(f"/api/v1/ops/outbox/{dead['seq']}/retry")).status_code == 409


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
    response = await ops.get("/api/v1/ops/outbox", params={"status": "sent"})  # not listed
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "status"
    ops.publisher.gate.set()


async def test_the_dashboard_shows_the_dead_and_held_outbox_messages(ops):
    page = (await ops.get("/dashboard/dashboard.js")).text  # the page's script
    assert "outbox.dead" in page and "dead_newest" in page
    assert "outbox.held" in page and "held_newest" in page and "held_by" in page
