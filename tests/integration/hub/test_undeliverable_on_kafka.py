"""On a real broker: a connector's aflevering.mislukt report on its own answer topic makes the
request undeliverable with its reason in the API at once; the confirmation after it counts."""

from __future__ import annotations

import pytest

from schemas.topics import opschorting_antwoord_topic
from tests.api.hub.test_api import answer_event
from tests.api.hub.test_undeliverable_api import mislukt
from tests.integration.hub.test_hub_on_kafka import BSN, hub_client, send, status_when
from tests.support.loket import casus_body, opschorting_body

__all__ = ["hub_client"]  # fixture

pytestmark = pytest.mark.kafka


def link(body, agency: str):
    return next(x for x in body["keten"] if x["uitvoerder"] == agency)


async def test_a_delivery_report_shows_undeliverable_and_a_later_confirmation_replaces_it(
    hub_client, kafka_bootstrap
):
    casus = (await hub_client.post("/api/v1/casussen", json=casus_body(BSN))).json()
    chain = (
        await hub_client.post(
            f"/api/v1/casussen/{casus['casus_id']}/opschortingen",
            json=opschorting_body("cjib", "duo"),
        )
    ).json()
    topic = opschorting_antwoord_topic("cjib").name
    report = mislukt(chain, "cjib", definitief=False)
    await send(kafka_bootstrap, "cjib", topic, report.to_bytes(), casus["casus_id"])

    body = await status_when(
        hub_client,
        chain["opschorting_id"],
        lambda b: link(b, "cjib")["status"] == "undeliverable",
        within=30,
    )
    cjib = link(body, "cjib")
    assert cjib["aflevering"]["redencode"] == "backoffice-fout"
    assert cjib["aflevering"]["definitief"] is False
    assert cjib["aflevering"]["toelichting"] == "HTTP 500 on each of 5 attempts"
    assert body["status"] == "pending"
    overview = (await hub_client.operator.get("/api/v1/ops/overzicht")).json()
    assert overview["verzoeken"]["undeliverable"] >= 1

    confirmation = answer_event(chain, "cjib")
    await send(kafka_bootstrap, "cjib", topic, confirmation.to_bytes(), casus["casus_id"])
    body = await status_when(
        hub_client,
        chain["opschorting_id"],
        lambda b: link(b, "cjib")["status"] == "confirmed",
        within=30,
    )
    assert link(body, "cjib")["aflevering"] is None
