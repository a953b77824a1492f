"""How many SQL statements an order costs does not grow with the agencies it goes to.

Every statement is a round trip to the database (on SQLite a hop to the driver's thread and
back), so an order that read the casus and wrote its rows once per agency cost eight times the
round trips with eight agencies: 81 statements, of which 58 were repeats. The order's casus and
household are read once per event, and its rows of each kind are written in one statement.
"""

from __future__ import annotations

from simulators import AGENCIES
from tests.support.loket import casus_body, opschorting_body
from tests.support.statements import statements


async def _order(loket, agencies: tuple[str, ...]) -> list[str]:
    casus = await loket.post("/api/v1/casussen", json=casus_body("999990019"))
    assert casus.status_code == 201, casus.text
    with statements() as seen:
        response = await loket.post(
            f"/api/v1/casussen/{casus.json()['casus_id']}/opschortingen",
            json=opschorting_body(*agencies),
        )
    assert response.status_code == 201, response.text
    return seen


async def test_an_order_to_every_agency_takes_as_many_statements_as_an_order_to_one(loket):
    await _order(loket, AGENCIES[:1])  # warm: the first request of a hub reads its settings
    one = await _order(loket, AGENCIES[:1])
    every = await _order(loket, tuple(AGENCIES))
    assert len(AGENCIES) == 8
    assert len(one) > 0
    assert len(every) == len(one), "\n".join(every)


async def _vraag(loket, agencies: tuple[str, ...]) -> list[str]:
    casus = (await loket.post("/api/v1/casussen", json=casus_body("999990019"))).json()
    body = {
        "doel": "schuldenoverzicht",
        "grondslag": {"regeling": "Wet aanpak meervoudige problematiek sociaal domein"},
        "uitvoerders": [{"uitvoerder": a, "categorieen": ["vorderingen"]} for a in agencies],
        "personen": [casus["huishouden"][0]["pseudoniem"]],
    }
    with statements() as seen:
        response = await loket.post(
            f"/api/v1/casussen/{casus['casus_id']}/informatieverzoeken", json=body
        )
    assert response.status_code == 201, response.text
    return seen


async def test_an_information_request_to_every_agency_takes_as_many_statements_as_to_one(loket):
    await _vraag(loket, AGENCIES[:1])
    one = await _vraag(loket, AGENCIES[:1])
    every = await _vraag(loket, tuple(AGENCIES))
    assert len(one) > 0
    assert len(every) == len(one), "\n".join(every)
