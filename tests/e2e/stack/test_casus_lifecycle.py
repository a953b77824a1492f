"""A casus from submission to closing over the hub's API, read back from ``maatwerk.casus.v1``
on a real broker. The lifecycle needs no agency; the hub is the e2e package's stack's."""

from __future__ import annotations

import pytest

from schemas.topics import CASUS
from tests.support.kafka import consume_until
from tests.support.loket import casus_body
from tests.support.pki import Pki
from tests.support.processes import ManagedProcess
from tests.support.stack import Stack, hub_client

pytestmark = pytest.mark.e2e

BSN = "999990019"


@pytest.fixture(scope="module")
def hub(stack: Stack) -> tuple[str, ManagedProcess, Pki]:
    """The hub of the e2e stack (``tests/e2e/stack/conftest.py``): the casus is this test's
    own, and the stack's other modules close none."""
    return stack.hub_url, stack.hub, stack.pki


STEPS = [
    ("acceptatie", {"toelichting": "Alles redelijks is geprobeerd"}),
    ("behandeling", {"behandelteam": "Team Noord"}),
    ("opschaling", {"reden": "De bestuurders moeten beslissen"}),
    ("behandeling", {"behandelteam": "Team Noord"}),  # the LET hands it back
    ("oplossing", {"oplossing": "Regeling getroffen", "ingezette_instrumenten": ["escalatie"]}),
    ("sluiting", {"redencode": "opgelost"}),
]
TYPES = [
    "nl.maatwerk.casus.ingediend.v1",
    "nl.maatwerk.casus.geaccepteerd.v1",
    "nl.maatwerk.casus.in-behandeling.v1",
    "nl.maatwerk.casus.opgeschaald.v1",
    "nl.maatwerk.casus.in-behandeling.v1",
    "nl.maatwerk.casus.opgelost.v1",
    "nl.maatwerk.casus.gesloten.v1",
]


async def test_a_casus_walks_from_ingediend_to_gesloten_and_each_step_is_on_the_topic(
    hub, kafka_bootstrap
):
    hub_url, process, pki = hub
    async with hub_client(hub_url, pki, timeout=10) as client:
        submitted = await client.post("/api/v1/casussen", json=casus_body(BSN))
        assert submitted.status_code == 201, submitted.text
        casus_id = submitted.json()["casus_id"]
        for path, body in STEPS:
            response = await client.post(f"/api/v1/casussen/{casus_id}/{path}", json=body)
            assert response.status_code == 200, (path, response.text)
        refused = await client.post(f"/api/v1/casussen/{casus_id}/acceptatie", json={})
        assert refused.status_code == 409
        casus = (await client.get(f"/api/v1/casussen/{casus_id}")).json()
        listed = (await client.get("/api/v1/casussen", params={"status": "gesloten"})).json()

    assert casus["status"] == "gesloten"
    assert [t["naar"] for t in casus["transities"]] == [
        "ingediend",
        "geaccepteerd",
        "in_behandeling",
        "opgeschaald",
        "in_behandeling",
        "opgelost",
        "gesloten",
    ]
    assert casus_id in [item["casus_id"] for item in listed["items"]]
    assert {item["status"] for item in listed["items"]} == {"gesloten"}

    events = await consume_until(
        kafka_bootstrap,
        CASUS.name,
        lambda event: event["subject"] == casus_id,
        timeout=30,
        count=len(TYPES),
    )
    assert [event["type"] for event in events] == TYPES
    escalation = next(t for t in casus["transities"] if t["naar"] == "opgeschaald")
    assert events[3]["data"]["escalatie_id"] == escalation["details"]["escalatie_id"]
    assert events[-1]["data"]["redencode"] == "opgelost"
    assert all(BSN not in str(event) for event in events)
    assert BSN not in process.output(), "BSN in clear in the hub's output"
