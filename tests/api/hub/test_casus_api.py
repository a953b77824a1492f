"""The loket's casus API: lifecycle steps, the casus view, the list (in-memory broker)."""

from __future__ import annotations

import datetime as dt

from schemas import parse_event
from schemas.organisaties import LOKET
from schemas.topics import CASUS
from tests.api.hub.conftest import wait_for
from tests.support.loket import LOKET_INDIENER_OIN, casus_body, opschorting_body

BSN = "999990019"
API = "/api/v1/casussen"


async def submit(loket, **changes) -> str:
    response = await loket.post(API, json={**casus_body(BSN), **changes})
    assert response.status_code == 201, response.text
    return response.json()["casus_id"]


async def step(loket, casus_id: str, path: str, body: dict | None = None, expect: int = 200):
    response = await loket.post(f"{API}/{casus_id}/{path}", json=body)
    assert response.status_code == expect, response.text
    return response.json()


async def test_submission_answer_is_unchanged(loket):
    response = await loket.post(API, json=casus_body(BSN))
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"casus_id", "status", "huishouden"}
    assert body["status"] == "ingediend"
    assert body["huishouden"] == [
        {"pseudoniem": body["huishouden"][0]["pseudoniem"], "rol": "aanvrager"}
    ]


async def test_the_casus_view_shows_state_history_and_instruments(loket):
    casus_id = await submit(loket)
    ordered = await loket.post(f"{API}/{casus_id}/opschortingen", json=opschorting_body("cjib"))
    assert ordered.status_code == 201
    response = await loket.get(f"{API}/{casus_id}")
    assert response.status_code == 200 and BSN not in response.text
    casus = response.json()
    for key in (
        "casus_id",
        "indiener_oin",
        "maatwerkfunctionaris",
        "huishouden",
        "probleemdomeinen",
        "betrokken_organisaties",
        "geprobeerd",
        "urgentie",
        "gevraagde_instrumenten",
        "ingediend_op",
        "status",
        "opschortingen",
    ):
        assert key in casus, key
    assert casus["status"] == "ingediend"
    assert casus["toegestaan"] == ["geaccepteerd", "afgewezen", "gesloten"]
    [ingediend] = casus["transities"]
    assert ingediend["van"] is None and ingediend["naar"] == "ingediend"
    # The actor is the proven caller (the loket's certificate), not the body's indiener_oin.
    assert ingediend["door"] == f"urn:nld:oin:{LOKET.oin}"
    assert casus["indiener_oin"] == LOKET_INDIENER_OIN
    opschorting_id = ordered.json()["opschorting_id"]
    assert casus["instrumenten"] == {
        "opschortingen": [opschorting_id],
        "informatieverzoeken": [],
        "schuldenoverzichten": [],
        "escalaties": [],
    }
    assert casus["opschortingen"] == [opschorting_id]


async def test_walk_the_lifecycle_and_every_step_is_on_the_casus_topic(loket):
    casus_id = await submit(loket)
    await step(loket, casus_id, "acceptatie")
    await step(loket, casus_id, "behandeling", {"behandelteam": "Team Noord"})
    escalated = await step(loket, casus_id, "opschaling", {"reden": "Bestuurders nodig"})
    assert escalated["status"] == "opgeschaald"
    assert escalated["transities"][-1]["details"]["escalatie_id"]
    await step(
        loket,
        casus_id,
        "oplossing",
        {"oplossing": "LET besluit", "ingezette_instrumenten": ["escalatie"]},
    )
    closed = await step(loket, casus_id, "sluiting", {"redencode": "opgelost"})
    assert closed["status"] == "gesloten" and closed["toegestaan"] == []
    assert [(t["van"], t["naar"]) for t in closed["transities"]] == [
        (None, "ingediend"),
        ("ingediend", "geaccepteerd"),
        ("geaccepteerd", "in_behandeling"),
        ("in_behandeling", "opgeschaald"),
        ("opgeschaald", "opgelost"),
        ("opgelost", "gesloten"),
    ]
    raw = await wait_for(
        lambda: len(loket.published.get(CASUS.name, [])) >= 6 and loket.published[CASUS.name]
    )
    events = [parse_event(r) for r in raw]
    assert [e.type for e in events if e.subject == casus_id] == [
        "nl.maatwerk.casus.ingediend.v1",
        "nl.maatwerk.casus.geaccepteerd.v1",
        "nl.maatwerk.casus.in-behandeling.v1",
        "nl.maatwerk.casus.opgeschaald.v1",
        "nl.maatwerk.casus.opgelost.v1",
        "nl.maatwerk.casus.gesloten.v1",
    ]
    audit = (await loket.get(f"{API}/{casus_id}/audit")).json()
    assert [a["actie"] for a in audit] == [
        "casus.ingediend",
        "casus.geaccepteerd",
        "casus.in_behandeling",
        "casus.opgeschaald",
        "casus.opgelost",
        "casus.gesloten",
    ]


async def test_refusal_then_closing(loket):
    casus_id = await submit(loket)
    refused = await step(
        loket,
        casus_id,
        "afwijzing",
        {"redencode": "niet-alles-geprobeerd", "reden": "Eerst lokaal", "advies": "Wijkteam"},
    )
    assert refused["status"] == "afgewezen" and refused["toegestaan"] == ["gesloten"]
    assert refused["transities"][-1]["details"]["redencode"] == "niet-alles-geprobeerd"
    closed = await step(loket, casus_id, "sluiting", {"redencode": "afgewezen"})
    assert closed["status"] == "gesloten"


async def test_a_step_the_status_does_not_allow_is_409_naming_current_and_allowed(loket):
    casus_id = await submit(loket)
    body = await step(loket, casus_id, "opschaling", {"reden": "Te vroeg"}, expect=409)
    [error] = body["detail"]
    assert error["message"] == (
        f"casus {casus_id} is ingediend: it cannot become opgeschaald; "
        "allowed: geaccepteerd, afgewezen, gesloten"
    )
    await step(loket, casus_id, "sluiting", {"redencode": "ingetrokken"})
    body = await step(loket, casus_id, "acceptatie", {}, expect=409)
    assert body["detail"][0]["message"].endswith(
        "is gesloten: it cannot become geaccepteerd; allowed: none"
    )


async def test_a_closing_reason_that_does_not_fit_is_409_on_redencode(loket):
    casus_id = await submit(loket)
    body = await step(loket, casus_id, "sluiting", {"redencode": "opgelost"}, expect=409)
    assert body["detail"][0]["field"] == "redencode"
    assert body["detail"][0]["message"].endswith("allowed: ingetrokken, overgedragen")


async def test_unknown_casus_is_404_for_reads_and_steps(loket):
    assert (await loket.get(f"{API}/MWL-2026-0000000000")).status_code == 404
    await step(loket, "MWL-2026-0000000000", "acceptatie", expect=404)
    await step(loket, "MWL-2026-0000000000", "behandeling", {"behandelteam": "X"}, expect=404)


async def test_invalid_step_body_is_422_naming_the_field(loket):
    casus_id = await submit(loket)
    body = await step(
        loket, casus_id, "afwijzing", {"redencode": "zomaar", "reden": "x"}, expect=422
    )
    assert [e["field"] for e in body["detail"]] == ["redencode"]
    body = await step(loket, casus_id, "behandeling", {"behandelteam": ""}, expect=422)
    assert [e["field"] for e in body["detail"]] == ["behandelteam"]
    body = await step(
        loket, casus_id, "sluiting", {"redencode": "opgelost", "extra": 1}, expect=422
    )
    assert [e["field"] for e in body["detail"]] == ["extra"]


async def test_list_filters_pages_sorts_and_counts(loket):
    normaal = await submit(loket, urgentie="normaal", betrokken_organisaties=["uwv"])
    acuut = await submit(loket, urgentie="acuut", betrokken_organisaties=["cjib"])
    hoog = await submit(loket, urgentie="hoog", betrokken_organisaties=["cjib", "duo"])
    await step(loket, hoog, "acceptatie")

    async def ids(**params) -> tuple[list[str], int]:
        response = await loket.get(API, params=params)
        assert response.status_code == 200, response.text
        body = response.json()
        assert BSN not in response.text
        return [c["casus_id"] for c in body["items"]], body["totaal"]

    assert await ids(sorteer="ingediend_op") == ([normaal, acuut, hoog], 3)
    assert await ids() == ([hoog, acuut, normaal], 3)  # newest first
    assert await ids(sorteer="-urgentie") == ([acuut, hoog, normaal], 3)
    assert await ids(status="geaccepteerd") == ([hoog], 1)
    assert await ids(status=["ingediend"], urgentie=["acuut", "hoog"]) == ([acuut], 1)
    assert await ids(organisatie="cjib", sorteer="ingediend_op") == ([acuut, hoog], 2)
    assert await ids(sorteer="ingediend_op", per_pagina=2, pagina=2) == ([hoog], 3)
    today = dt.datetime.now(dt.UTC).date()
    assert (await ids(ingediend_vanaf=(today - dt.timedelta(days=1)).isoformat()))[1] == 3
    assert await ids(ingediend_tot=(today - dt.timedelta(days=2)).isoformat()) == ([], 0)

    page = (await loket.get(API, params={"per_pagina": 1})).json()
    assert (page["totaal"], page["pagina"], page["per_pagina"]) == (3, 1, 1)
    item = page["items"][0]
    assert item["status"] == "geaccepteerd" and item["betrokken_organisaties"] == ["cjib", "duo"]
    assert "huishouden" not in item


async def test_list_rejects_bad_parameters_naming_them(loket):
    for params, field in [
        ({"per_pagina": 101}, "per_pagina"),
        ({"pagina": 0}, "pagina"),
        ({"status": "open"}, "status"),
        ({"sorteer": "naam"}, "sorteer"),
        ({"ingediend_vanaf": "2026-12-02", "ingediend_tot": "2026-12-01"}, "ingediend_tot"),
    ]:
        response = await loket.get(API, params=params)
        assert response.status_code == 422, params
        assert response.json()["detail"][0]["field"].split(".")[0] == field, response.json()
