"""An order names at most 200 claims per agency: larger orders are refused before anything is
recorded, so no instruction (and no answer) can outgrow what Kafka and the profile carry."""

from __future__ import annotations

from hub.service.commands import MAX_VORDERINGEN
from tests.api.hub.test_api import submit_casus
from tests.support.loket import opschorting_body


def _claims(n: int) -> list[str]:
    return [f"WAHV-2025-{i:06d}" for i in range(n)]


async def test_an_order_with_more_claims_than_the_limit_is_422_naming_the_field(loket):
    casus_id = await submit_casus(loket)
    body = opschorting_body("cjib", vorderingen={"cjib": _claims(MAX_VORDERINGEN + 1)})
    response = await loket.post(f"/api/v1/casussen/{casus_id}/opschortingen", json=body)
    assert response.status_code == 422, response.text
    assert [e["field"] for e in response.json()["detail"]] == ["uitvoerders.0.vorderingen"]


async def test_an_order_at_the_limit_is_taken(loket):
    casus_id = await submit_casus(loket)
    body = opschorting_body("cjib", vorderingen={"cjib": _claims(MAX_VORDERINGEN)})
    response = await loket.post(f"/api/v1/casussen/{casus_id}/opschortingen", json=body)
    assert response.status_code == 201, response.text


async def test_an_order_with_10000_claims_is_refused(loket):
    casus_id = await submit_casus(loket)
    body = opschorting_body("cjib", vorderingen={"cjib": _claims(10_000)})
    response = await loket.post(f"/api/v1/casussen/{casus_id}/opschortingen", json=body)
    assert response.status_code in (413, 422)  # over the body limit before it is even read
