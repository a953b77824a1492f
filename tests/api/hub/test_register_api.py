"""The Landelijk Maatwerkregister over the API: an organisation keeps its own entry by its
certificate, an operator any; anyone connected searches it; bad input names the field."""

from __future__ import annotations

import pytest

from schemas.organisaties import DEELNEMERS, UITVOERDERS, Uitvoerder
from tests.api.hub.conftest import wait_for

UTRECHT, ROTTERDAM, _, VERZEKERAAR, _ = DEELNEMERS
CJIB = UITVOERDERS[Uitvoerder.CJIB]


def entry(naam: str = "Gemeente Utrecht", **changes) -> dict:
    return {
        "organisatie_naam": naam,
        "organisatiesoort": "gemeente",
        "team": "Team Maatwerk",
        "email": "maatwerk@utrecht.example",
        "telefoon": "+31 30 555 0100",
        "mandaat": {
            "omschrijving": "Afwijken van beleidsregels",
            "verleend_door": "college van burgemeester en wethouders",
            "instrumenten": ["overbrugging"],
            "maximum_bedrag_centen": 250_000,
        },
        "domeinen": ["schulden", "zorg"],
        **changes,
    }


@pytest.fixture
def utrecht(hub_app, clients):
    return clients(hub_app, UTRECHT.code)


@pytest.fixture
def rotterdam(hub_app, clients):
    return clients(hub_app, ROTTERDAM.code)


async def test_an_organisation_enters_its_contact_and_anyone_connected_finds_it(
    utrecht, loket, cjib
):
    created = await utrecht.put(f"/api/v1/register/{UTRECHT.oin}", json=entry())
    assert created.status_code == 201, created.text
    assert created.json()["mandaat"]["maximum_bedrag_centen"] == 250_000
    again = await utrecht.put(f"/api/v1/register/{UTRECHT.oin}", json=entry())
    assert again.status_code == 200
    for caller in (loket, cjib, utrecht):
        found = await caller.get("/api/v1/register", params={"domein": "zorg", "naam": "utrecht"})
        assert found.status_code == 200, found.text
        assert found.json()["totaal"] == 1
        assert found.json()["items"][0]["team"] == "Team Maatwerk"
    # The outbox relay publishes in the background; the unchanged PUT published nothing.
    [message] = await wait_for(lambda: loket.published.get("maatwerk.register.v1"))
    assert (
        UTRECHT.oin in message.decode() and "maatwerkfunctionaris-geregistreerd" in message.decode()
    )


async def test_an_organisation_may_not_change_another_entry_but_an_operator_may(
    utrecht, rotterdam, operator
):
    await utrecht.put(f"/api/v1/register/{UTRECHT.oin}", json=entry())
    refused = await rotterdam.put(f"/api/v1/register/{UTRECHT.oin}", json=entry(team="Overname"))
    assert refused.status_code == 403
    assert refused.json()["detail"][0]["field"] == "oin"
    assert refused.json()["detail"][0]["type"] == "forbidden"  # as the README shows (was null)
    unread = await rotterdam.put(f"/api/v1/register/{UTRECHT.oin}", json={})
    assert unread.status_code == 403  # whatever it sent: the body is not read
    assert (await rotterdam.delete(f"/api/v1/register/{UTRECHT.oin}")).status_code == 403
    changed = await operator.put(f"/api/v1/register/{UTRECHT.oin}", json=entry(team="Door beheer"))
    assert changed.status_code == 200
    assert (await utrecht.get(f"/api/v1/register/{UTRECHT.oin}")).json()["team"] == "Door beheer"


async def test_a_removed_entry_leaves_the_search_and_a_second_removal_is_a_conflict(utrecht, loket):
    await utrecht.put(f"/api/v1/register/{UTRECHT.oin}", json=entry())
    assert (await utrecht.delete(f"/api/v1/register/{UTRECHT.oin}")).status_code == 204
    assert (await loket.get(f"/api/v1/register/{UTRECHT.oin}")).status_code == 404
    assert (await loket.get("/api/v1/register")).json()["totaal"] == 0
    again = await utrecht.delete(f"/api/v1/register/{UTRECHT.oin}")
    assert again.status_code == 409


async def test_search_pages_with_the_total_and_filters_on_kind(hub_app, clients, loket):
    verzekeraar = clients(hub_app, VERZEKERAAR.code)
    cjib = clients(hub_app, CJIB.code)
    await verzekeraar.put(
        f"/api/v1/register/{VERZEKERAAR.oin}",
        json=entry(VERZEKERAAR.naam, organisatiesoort="zorgverzekeraar", domeinen=["zorg"]),
    )
    await cjib.put(
        f"/api/v1/register/{CJIB.oin}",
        json=entry(CJIB.naam, organisatiesoort="landelijke-uitvoerder", domeinen=["justitie"]),
    )
    page = (await loket.get("/api/v1/register", params={"per_pagina": 1, "pagina": 2})).json()
    assert page["totaal"] == 2 and [i["organisatie_oin"] for i in page["items"]] == [
        VERZEKERAAR.oin
    ]
    kind = await loket.get("/api/v1/register", params={"soort": "landelijke-uitvoerder"})
    assert [i["organisatie_oin"] for i in kind.json()["items"]] == [CJIB.oin]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"email": "geen-adres"}, "email"),
        ({"domeinen": []}, "domeinen"),
        ({"domeinen": ["zorg", "zorg"]}, "domeinen"),
        ({"organisatiesoort": "bank"}, "organisatiesoort"),
        ({"team": "Team 999990019"}, "team"),
        (
            {"mandaat": {"omschrijving": "x", "verleend_door": "y", "maximum_bedrag_centen": 1.5}},
            "maximum_bedrag_centen",
        ),
    ],
)
async def test_bad_input_is_refused_naming_the_field_and_nothing_is_entered(
    utrecht, loket, change, field
):
    refused = await utrecht.put(f"/api/v1/register/{UTRECHT.oin}", json=entry(**change))
    assert refused.status_code == 422, refused.text
    assert any(field in str(d["field"]) for d in refused.json()["detail"]), refused.text
    assert (await loket.get(f"/api/v1/register/{UTRECHT.oin}")).status_code == 404


async def test_a_bad_oin_in_the_path_is_refused_and_a_caller_without_certificate_gets_nothing(
    utrecht, anoniem
):
    assert (await utrecht.put("/api/v1/register/123", json=entry())).status_code == 422
    assert (await anoniem.get("/api/v1/register")).status_code == 401
