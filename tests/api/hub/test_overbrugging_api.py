"""The bridging procedure over the API (in-memory broker): the loket requests, decides, books
payments and repayments; the LET's secretary designates the responsible party; each step's
message lands on ``maatwerk.overbrugging.v1``. Bad money gets a 4xx naming the field, an illegal
step a 409 naming the state and what is allowed, and either books and publishes nothing."""

from __future__ import annotations

import pytest

from schemas import parse_event
from schemas.topics import OVERBRUGGING
from tests.api.hub.conftest import _with_hub, wait_for
from tests.support.loket import casus_body, vandaag
from tests.support.overbrugging import (
    GEMEENTE,
    GEMEENTE_OIN,
    ONBEKEND,
    aanvraag_body,
    aanwijzing_body,
    betaling_body,
    registerregel,
    terugbetaling_body,
    toekenning_body,
)

BSN = "999990019"
OVB = "/api/v1/overbruggingen"


@pytest.fixture
async def let(hub_app, clients):
    """The LET secretary's client (its certificate)."""
    return _with_hub(clients(hub_app, "let"), hub_app)


@pytest.fixture(autouse=True)
async def gemeente_in_register(hub_app, clients):
    """The responsible party enters itself in the register, with its own certificate."""
    utrecht = clients(hub_app, GEMEENTE.code)
    response = await utrecht.put(f"/api/v1/register/{GEMEENTE_OIN}", json=registerregel())
    assert response.status_code == 201, response.text
    return utrecht


async def open_casus(loket, **changes) -> str:
    response = await loket.post("/api/v1/casussen", json={**casus_body(BSN), **changes})
    assert response.status_code == 201, response.text
    casus_id = response.json()["casus_id"]
    assert (await loket.post(f"/api/v1/casussen/{casus_id}/acceptatie")).status_code == 200
    return casus_id


async def aangevraagd(loket, **changes) -> dict:
    casus_id = await open_casus(loket)
    response = await loket.post(
        f"/api/v1/casussen/{casus_id}/overbruggingen", json=aanvraag_body(**changes)
    )
    assert response.status_code == 201, response.text
    return response.json()


async def post(client, path: str, body: dict | None, expect: int = 200) -> dict:
    response = await client.post(path, json=body)
    assert response.status_code == expect, response.text
    return response.json()


async def toegekend(loket, maximum: int = 1_500_000) -> str:
    ovb = (await aangevraagd(loket))["overbrugging_id"]
    await post(loket, f"{OVB}/{ovb}/toekenning", toekenning_body(vandaag(), maximum))
    return ovb


def berichten(client, overbrugging_id: str) -> list:
    found = [parse_event(raw) for raw in client.published.get(OVERBRUGGING.name, [])]
    return [e for e in found if e.data.overbrugging_id == overbrugging_id]


async def test_a_whole_bridging_over_the_api(loket, let):
    aanvraag = await aangevraagd(loket)
    ovb, casus_id = aanvraag["overbrugging_id"], aanvraag["casus_id"]
    assert aanvraag["status"] == "aangevraagd" and aanvraag["urgent"] is True
    assert aanvraag["toegestaan"] == ["toekenning", "afwijzing"]
    assert aanvraag["beslistijd_seconden"] >= 0

    besluit = await post(loket, f"{OVB}/{ovb}/toekenning", toekenning_body(vandaag()))
    assert besluit["status"] == "toegekend" and besluit["besloten_op"] is not None
    assert besluit["toekenning"]["maximum_bedrag_centen"] == 1_500_000
    await post(loket, f"{OVB}/{ovb}/betalingen", betaling_body(600_000, vandaag(), "B1"), 201)
    na_betaling = await post(
        loket, f"{OVB}/{ovb}/betalingen", betaling_body(150_025, vandaag(), "B2"), 201
    )
    assert na_betaling["grootboek"]["openstaand_centen"] == 750_025
    assert "verantwoordelijke" in na_betaling["toegestaan"]

    aangewezen = await post(let, f"{OVB}/{ovb}/verantwoordelijke", aanwijzing_body())
    assert aangewezen["verantwoordelijke"]["organisatie"]["oin"] == GEMEENTE_OIN
    [verzoek] = aangewezen["terugbetalingsverzoeken"]
    assert (verzoek["bedrag_centen"], verzoek["open_centen"]) == (750_025, 750_025)

    deel = await post(
        loket,
        f"{OVB}/{ovb}/terugbetalingen",
        terugbetaling_body(verzoek["verzoek_id"], 250_025, vandaag()),
        201,
    )
    boek = deel["grootboek"]
    assert boek["in_balans"] and boek["openstaand_centen"] == 500_000
    assert boek["saldi"] == {
        "voorfinanciering": 0,
        "betaald": -750_025,
        f"te-vorderen:{GEMEENTE_OIN}": 500_000,
        "ontvangen": 250_025,
    }
    assert [(b["debet"], b["credit"], b["bedrag_centen"]) for b in boek["boekingen"]] == [
        ("voorfinanciering", "betaald", 600_000),
        ("voorfinanciering", "betaald", 150_025),
        (f"te-vorderen:{GEMEENTE_OIN}", "voorfinanciering", 750_025),
        ("ontvangen", f"te-vorderen:{GEMEENTE_OIN}", 250_025),
    ]

    overzicht = (await loket.get(f"{OVB}/geldoverzicht")).json()
    assert [
        (p["verantwoordelijke"]["oin"], p["openstaand_centen"]) for p in overzicht["openstaand"]
    ] == [(GEMEENTE_OIN, 500_000)]
    assert overzicht["achterstallig"] == []
    assert (await let.get(f"{OVB}/geldoverzicht")).status_code == 200

    casus = (await loket.get(f"/api/v1/casussen/{casus_id}")).json()
    assert casus["instrumenten"]["overbruggingen"] == [ovb]
    [lijst] = (await let.get(f"/api/v1/casussen/{casus_id}/overbruggingen")).json()
    assert lijst["overbrugging_id"] == ovb

    types = await wait_for(lambda: len(berichten(loket, ovb)) == 7 and berichten(loket, ovb))
    assert [e.type.split(".")[3] for e in types] == [
        "aangevraagd",
        "toegekend",
        "voorfinanciering-betaald",
        "voorfinanciering-betaald",
        "verantwoordelijke-aangewezen",
        "terugbetaling-gevraagd",
        "terugbetaling-ontvangen",
    ]
    assert {e.subject for e in types} == {casus_id}
    audit = (await loket.get(f"/api/v1/casussen/{casus_id}/audit")).json()
    door = {a["actie"]: a["actor"] for a in audit if a["actie"].startswith("overbrugging.")}
    assert door["overbrugging.verantwoordelijke-aangewezen"].endswith("99999990003")  # the LET
    assert door["overbrugging.toegekend"].endswith("99999990001")  # the loket


async def test_each_role_takes_only_its_own_steps(loket, let, cjib):
    ovb = await toegekend(loket)
    assert (
        await let.post(f"{OVB}/{ovb}/betalingen", json=betaling_body(1, vandaag()))
    ).status_code == 403
    assert (
        await loket.post(f"{OVB}/{ovb}/verantwoordelijke", json=aanwijzing_body())
    ).status_code == 403
    assert (await cjib.get(f"{OVB}/{ovb}")).status_code == 403
    assert (await cjib.get(f"{OVB}/geldoverzicht")).status_code == 403


async def unchanged(loket, ovb: str, response, status: int, field: str, text: str = "") -> None:
    assert response.status_code == status, response.text
    [fout] = response.json()["detail"]
    assert fout["field"] == field, fout
    assert text in fout["message"], fout


@pytest.mark.parametrize(
    ("bedrag", "status"),
    [(0, 422), (-100, 422), (12.5, 422), (100.0, 422), ("100", 422), (1_500_001, 422)],
)
async def test_a_bad_payment_names_its_field_and_books_nothing(loket, bedrag, status):
    ovb = await toegekend(loket)
    voor = (await loket.get(f"{OVB}/{ovb}")).json()
    response = await loket.post(
        f"{OVB}/{ovb}/betalingen", json={**betaling_body(1, vandaag()), "bedrag_centen": bedrag}
    )
    await unchanged(loket, ovb, response, status, "bedrag_centen")
    na = (await loket.get(f"{OVB}/{ovb}")).json()
    assert na["grootboek"] == voor["grootboek"] and na["betalingen"] == []


async def test_money_rules_and_illegal_steps_book_and_publish_nothing(loket, let):
    aanvraag = await aangevraagd(loket)
    ovb = aanvraag["overbrugging_id"]
    response = await loket.post(f"{OVB}/{ovb}/betalingen", json=betaling_body(100, vandaag()))
    await unchanged(loket, ovb, response, 409, "status", "is aangevraagd")
    await post(
        loket, f"{OVB}/{ovb}/afwijzing", {"redencode": "niet-urgent", "reden": "Kan wachten"}
    )
    response = await loket.post(f"{OVB}/{ovb}/betalingen", json=betaling_body(100, vandaag()))
    await unchanged(loket, ovb, response, 409, "status", "is afgewezen")
    assert "allowed: none" in response.json()["detail"][0]["message"]

    ovb = await toegekend(loket)
    await post(loket, f"{OVB}/{ovb}/betalingen", betaling_body(10_000, vandaag(), "B1"), 201)
    response = await loket.post(
        f"{OVB}/{ovb}/terugbetalingen", json=terugbetaling_body(ONBEKEND, 100, vandaag())
    )
    await unchanged(loket, ovb, response, 422, "verzoek_id", "no responsible party")
    response = await let.post(
        f"{OVB}/{ovb}/verantwoordelijke", json=aanwijzing_body("00000001999999999999")
    )
    await unchanged(loket, ovb, response, 422, "verantwoordelijke_oin")
    verzoek = (await post(let, f"{OVB}/{ovb}/verantwoordelijke", aanwijzing_body()))[
        "terugbetalingsverzoeken"
    ][0]
    response = await loket.post(
        f"{OVB}/{ovb}/terugbetalingen",
        json=terugbetaling_body(verzoek["verzoek_id"], 10_001, vandaag()),
    )
    await unchanged(loket, ovb, response, 422, "bedrag_centen", "more than is open")
    response = await let.post(f"{OVB}/{ovb}/verantwoordelijke", json=aanwijzing_body())
    await unchanged(loket, ovb, response, 409, "status", "verantwoordelijke is not allowed")
    o = (await loket.get(f"{OVB}/{ovb}")).json()
    assert o["terugbetalingen"] == [] and o["grootboek"]["openstaand_centen"] == 10_000
    await post(
        loket,
        f"{OVB}/{ovb}/terugbetalingen",
        terugbetaling_body(verzoek["verzoek_id"], 10_000, vandaag()),
        201,
    )
    # Everything repaid: a further repayment is over-repayment.
    response = await loket.post(
        f"{OVB}/{ovb}/terugbetalingen", json=terugbetaling_body(verzoek["verzoek_id"], 1, vandaag())
    )
    await unchanged(loket, ovb, response, 422, "bedrag_centen")
    # The outbox keeps the order per casus: once the good repayment's message is on the topic,
    # any message of a refused step would be before it.
    await wait_for(
        lambda: "terugbetaling-ontvangen" in str([e.type for e in berichten(loket, ovb)])
    )
    assert [e.type.split(".")[3] for e in berichten(loket, ovb)] == [
        "aangevraagd",
        "toegekend",
        "voorfinanciering-betaald",
        "verantwoordelijke-aangewezen",
        "terugbetaling-gevraagd",
        "terugbetaling-ontvangen",
    ]


@pytest.mark.parametrize(
    ("pad", "veld"),
    [
        ("aanvraag", "zorgvoorziening"),
        ("toekenning", "toelichting"),
        ("betalingen", "ontvanger"),
        ("afwijzing", "reden"),
    ],
)
async def test_free_text_with_a_bsn_is_refused(loket, pad, veld):
    tekst = f"Voor burger {BSN}"
    if pad == "aanvraag":
        casus_id = await open_casus(loket)
        response = await loket.post(
            f"/api/v1/casussen/{casus_id}/overbruggingen", json=aanvraag_body(zorgvoorziening=tekst)
        )
    else:
        ovb = (
            await toegekend(loket)
            if pad == "betalingen"
            else (await aangevraagd(loket))["overbrugging_id"]
        )
        bodies = {
            "toekenning": {**toekenning_body(vandaag()), "toelichting": tekst},
            "betalingen": {**betaling_body(1, vandaag()), "ontvanger": tekst},
            "afwijzing": {"redencode": "niet-urgent", "reden": tekst},
        }
        response = await loket.post(f"{OVB}/{ovb}/{pad}", json=bodies[pad])
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["field"] == veld
    assert BSN not in response.text


async def test_a_retried_payment_with_its_idempotency_key_books_once(loket):
    ovb = await toegekend(loket)
    for _ in range(2):
        response = await loket.post(
            f"{OVB}/{ovb}/betalingen",
            json=betaling_body(5_000, vandaag(), "B1"),
            headers={"Idempotency-Key": "betaling-1"},
        )
        assert response.status_code == 201, response.text
    o = (await loket.get(f"{OVB}/{ovb}")).json()
    assert len(o["betalingen"]) == 1 and o["grootboek"]["voorgefinancierd_centen"] == 5_000
    again = await loket.post(f"{OVB}/{ovb}/betalingen", json=betaling_body(5_000, vandaag(), "B1"))
    assert again.status_code == 409 and again.json()["detail"][0]["field"] == "betalingskenmerk"


async def test_a_bridging_needs_an_accepted_casus(loket):
    response = await loket.post("/api/v1/casussen", json=casus_body(BSN))
    casus_id = response.json()["casus_id"]
    response = await loket.post(f"/api/v1/casussen/{casus_id}/overbruggingen", json=aanvraag_body())
    assert response.status_code == 409 and "is ingediend" in response.text
    assert (await loket.get(f"{OVB}/onbekend")).status_code == 404


async def test_an_undecided_urgent_request_shows_on_the_ops_overview(loket, operator):
    urgent = (await aangevraagd(loket))["overbrugging_id"]  # the casus is urgent (hoog)
    niet = (await aangevraagd(loket, urgent=False))["overbrugging_id"]
    stand = (await operator.get("/api/v1/ops/overzicht")).json()["overbruggingen"]
    assert stand["onbeslist"] == 2 and stand["urgent_onbeslist"] == 1
    [wacht] = stand["urgent"]
    assert wacht["overbrugging_id"] == urgent and wacht["wacht_seconden"] >= 0
    await post(loket, f"{OVB}/{urgent}/toekenning", toekenning_body(vandaag()))
    stand = (await operator.get("/api/v1/ops/overzicht")).json()["overbruggingen"]
    assert (stand["onbeslist"], stand["urgent"]) == (1, [])
    assert niet != urgent


async def test_the_responsible_party_reads_the_requests_to_itself_by_its_certificate(
    loket, let, gemeente_in_register, hub_app, clients
):
    utrecht = gemeente_in_register
    ovb = await toegekend(loket)
    await post(loket, f"{OVB}/{ovb}/betalingen", betaling_body(90_000, vandaag(), "B1"), 201)
    await post(let, f"{OVB}/{ovb}/verantwoordelijke", aanwijzing_body(betaaltermijn_dagen=14))
    [eigen] = (await utrecht.get(f"{OVB}/terugbetalingsverzoeken")).json()
    assert (eigen["overbrugging_id"], eigen["bedrag_centen"], eigen["open_centen"]) == (
        ovb,
        90_000,
        90_000,
    )
    assert eigen["betaler"]["oin"] == GEMEENTE_OIN and eigen["achterstallig"] is False
    assert eigen["betalingskenmerk"].startswith("OVB-")
    rotterdam = clients(hub_app, "gemeente-rotterdam")
    assert (await rotterdam.get(f"{OVB}/terugbetalingsverzoeken")).json() == []
    assert (await loket.get(f"{OVB}/terugbetalingsverzoeken")).status_code == 403
    assert (await utrecht.get(f"{OVB}/{ovb}")).status_code == 403  # its requests, not the books
