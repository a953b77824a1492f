"""What the loket and operators see of the deadline watcher (in-memory broker, the hub's clock
moved by the test): each chain link shows its agency's registered contact or that it has none,
and when it was escalated; the ops overview and its dashboard flag agencies without a contact and
count escalated links; the signals land on the agency's own signal topic."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from faststream.kafka import TestKafkaBroker
from faststream.kafka.annotations import KafkaMessage

from hub.app import create_app
from hub.service.signalering import bewaak_termijnen
from schemas import parse_event
from schemas.organisaties import UITVOERDERS, Uitvoerder
from schemas.signalering import OpschortingAntwoordtermijnVerstreken
from schemas.topics import signalering_topic
from tests.api.hub.conftest import running, wait_for
from tests.api.hub.test_api import AGENCIES, answer_event, order, publish
from tests.api.hub.test_ops import Clock
from tests.support.register import ingeschreven

CJIB = UITVOERDERS[Uitvoerder.CJIB].oin


@pytest.fixture
async def hub(hub_settings, clients):
    app = create_app(hub_settings)
    broker = app.state.broker
    signalen: dict[str, list[bytes]] = {}

    def capture_on(topic: str) -> None:
        @broker.subscriber(topic, group_id=f"test-{topic}")
        async def capture(message: KafkaMessage) -> None:
            signalen.setdefault(topic, []).append(message.body)

    for agency in AGENCIES:
        capture_on(signalering_topic(agency).name)

    async with TestKafkaBroker(broker), running(app):
        clock = Clock()
        state = app.state.hub
        state.deps = dataclasses.replace(state.deps, clock=clock)
        loket = clients(app, "loket")
        loket.broker = broker  # type: ignore[attr-defined]
        loket.clock = clock  # type: ignore[attr-defined]
        loket.hub = state  # type: ignore[attr-defined]
        loket.operator = clients(app, "beheer")  # type: ignore[attr-defined]
        loket.cjib = clients(app, "cjib")  # type: ignore[attr-defined]
        loket.signalen = signalen  # type: ignore[attr-defined]
        yield loket


async def test_the_chain_shows_each_contact_the_gap_and_the_escalation(hub):
    await ingeschreven(hub.hub.uow(), CJIB, naam="CJIB", team="Team Maatwerk CJIB")
    chain = await order(hub)
    keten = {s["uitvoerder"]: s for s in chain["keten"]}
    assert keten["cjib"]["contact"]["team"] == "Team Maatwerk CJIB"
    assert keten["cjib"]["contact_ontbreekt"] is False
    assert keten["duo"]["contact"] is None and keten["duo"]["contact_ontbreekt"] is True
    assert all(s["geescaleerd_op"] is None for s in chain["keten"])

    await publish(hub, answer_event(chain, "belastingdienst"))
    hub.clock.now += dt.timedelta(hours=hub.hub.settings.answer_deadline_hours, minutes=1)
    ronde = await bewaak_termijnen(hub.hub.uow, hub.hub.deps)
    assert ronde.geescaleerd == [chain["opschorting_id"]]

    body = (await hub.get(f"/api/v1/opschortingen/{chain['opschorting_id']}")).json()
    keten = {s["uitvoerder"]: s for s in body["keten"]}
    escalated = dt.datetime.fromisoformat(keten["cjib"]["geescaleerd_op"])
    assert escalated == hub.clock.now
    assert keten["duo"]["geescaleerd_op"] is not None  # escalated, to no named contact
    assert keten["belastingdienst"]["geescaleerd_op"] is None  # it answered in time

    raw = await wait_for(lambda: hub.signalen.get(signalering_topic("cjib").name))
    event = parse_event(raw[0])
    assert isinstance(event.data, OpschortingAntwoordtermijnVerstreken)
    assert event.data.contact is not None and event.data.contact.organisatie_oin == CJIB
    duo = parse_event((await wait_for(lambda: hub.signalen.get(signalering_topic("duo").name)))[0])
    assert duo.data.contact is None
    assert signalering_topic("belastingdienst").name not in hub.signalen

    # An agency sees its own link, with its own contact, and nobody else's.
    own = (await hub.cjib.get(f"/api/v1/opschortingen/{chain['opschorting_id']}")).json()
    assert [s["uitvoerder"] for s in own["keten"]] == ["cjib"]
    assert own["keten"][0]["geescaleerd_op"] is not None


async def test_the_ops_overview_flags_agencies_without_a_contact_and_counts_escalations(hub):
    await ingeschreven(hub.hub.uow(), CJIB, naam="CJIB", team="Team Maatwerk CJIB")
    await order(hub)
    hub.clock.now += dt.timedelta(hours=hub.hub.settings.answer_deadline_hours, minutes=1)
    await bewaak_termijnen(hub.hub.uow, hub.hub.deps)
    response = await hub.operator.get("/api/v1/ops/overzicht")
    assert response.status_code == 200, response.text
    body = response.json()
    punten = {c["uitvoerder"]: c for c in body["contactpunten"]}
    assert set(punten) == {row["uitvoerder"] for row in body["per_uitvoerder"]}
    assert punten["cjib"]["contact"]["team"] == "Team Maatwerk CJIB"
    assert punten["cjib"]["contact_ontbreekt"] is False
    assert punten["duo"]["contact_ontbreekt"] is True and punten["duo"]["contact"] is None
    assert "duo" in body["zonder_contact"] and "cjib" not in body["zonder_contact"]
    assert {code: c["geescaleerd"] for code, c in punten.items() if code in AGENCIES} == {
        a: 1 for a in AGENCIES
    }
