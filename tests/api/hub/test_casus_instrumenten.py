"""The casus view lists the instruments of each kind the hub knows, and the API documents each
kind: both come from one table (``hub.bootstrap.INSTRUMENTLIJSTEN``)."""

from __future__ import annotations

from hub.bootstrap import INSTRUMENTLIJSTEN
from tests.support.loket import casus_body


async def test_the_casus_view_lists_and_documents_each_kind_the_hub_lists(loket):
    schema = (await loket.get("/openapi.json")).json()["components"]["schemas"]["CasusView"]
    documented = schema["properties"]["instrumenten"]
    assert list(documented["properties"]) == [lijst.naam for lijst in INSTRUMENTLIJSTEN]
    assert {"opschortingen", "escalaties", "afwijkingen", "overbruggingen"} <= set(
        documented["required"]
    )
    created = await loket.post("/api/v1/casussen", json=casus_body("999990019"))
    view = (await loket.get(f"/api/v1/casussen/{created.json()['casus_id']}")).json()
    assert view["instrumenten"] == {lijst.naam: [] for lijst in INSTRUMENTLIJSTEN}
