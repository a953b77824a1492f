"""The CJIB's search API: ``POST /cjib/bevragingen/zoeken``."""

import pytest

from tests.api.simulators import test_cjib

PAD = "/cjib/bevragingen/zoeken"
ALLE = ["ZAKEN", "BETALINGSREGELINGEN", "BESLAGEN", "PROCEDURES"]


def vraag(bsn="999990019", rubrieken=("ZAKEN",), sleutel="q-1", **overrides):
    body = {
        "referentieKetenpartner": sleutel,
        "ketenpartner": {"oin": "00000001999999990001", "naam": "Maatwerk-hub"},
        "betrokkene": {"burgerservicenummer": bsn},
        "rubrieken": list(rubrieken),
        "doel": "Schuldenoverzicht voor een time-out",
        "wettelijkeGrondslag": "Afstemmingsbepaling",
    }
    return {**body, **overrides}


async def test_the_cases_of_999990019_with_exact_amounts(cjib_client):
    r = await cjib_client.post(PAD, json=vraag())
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["referentieKetenpartner"] == "q-1"
    assert body["zoekresultaat"] == {
        "betrokkeneId": "CJ-B-0000019",
        "zaken": {
            "aantal": 2,
            "totaalOpenstaandCent": 68900,
            "lijst": [
                {
                    "zaaknummer": "WAHV-2025-000119",
                    "soort": "verkeersboete",
                    "bedrag": {"opgelegdCent": 23900, "openstaandCent": 23900},
                    "maatregelen": ["INNING"],
                    "inBeroep": False,
                    "betalingsregeling": None,
                    "opschorting": None,
                },
                {
                    "zaaknummer": "STRAF-2024-000219",
                    "soort": "geldboete",
                    "bedrag": {"opgelegdCent": 60000, "openstaandCent": 45000},
                    "maatregelen": ["INNING", "BESLAGLEGGING"],
                    "inBeroep": False,
                    "betalingsregeling": None,
                    "opschorting": None,
                },
            ],
        },
    }


async def test_the_partner_has_an_arrangement_and_an_appeal(cjib_client):
    body = (await cjib_client.post(PAD, json=vraag("999990020", ALLE))).json()
    resultaat = body["zoekresultaat"]
    assert resultaat["zaken"]["totaalOpenstaandCent"] == 48900
    assert resultaat["betalingsregelingen"] == [
        {
            "zaaknummer": "WAHV-2025-000120",
            "regelingId": "CJIB-BR-00000120",
            "termijnbedragCent": 2725,
            "aantalTermijnen": 4,
            "eersteTermijn": "2026-01-01",
        }
    ]
    assert resultaat["procedures"] == [
        {
            "zaaknummer": "WAHV-2025-000220",
            "soort": "BEROEP_OFFICIER_VAN_JUSTITIE",
            "status": "IN_BEHANDELING",
            "ingediendOp": "2025-10-02",
        }
    ]
    assert resultaat["beslagen"] == []


async def test_only_the_rubrics_asked_come_back(cjib_client):
    body = (await cjib_client.post(PAD, json=vraag(rubrieken=["BESLAGEN"]))).json()
    assert set(body["zoekresultaat"]) == {"betrokkeneId", "beslagen"}
    assert body["zoekresultaat"]["beslagen"] == [
        {
            "beslagkenmerk": "CJIB-BS-00000219",
            "soort": "LOONBESLAG",
            "zaaknummer": "STRAF-2024-000219",
            "maandbedragCent": 7500,
            "sinds": "2025-06-01",
        }
    ]
    assert body["nietBeschikbaar"] == []


async def test_a_rubric_it_does_not_keep_is_not_an_error(cjib_client):
    r = await cjib_client.post(PAD, json=vraag(rubrieken=["TOESLAGEN", "ZAKEN", "TOESLAGEN"]))
    assert r.status_code == 200
    assert r.json()["nietBeschikbaar"] == ["TOESLAGEN"]
    assert set(r.json()["zoekresultaat"]) == {"betrokkeneId", "zaken"}


async def test_an_unknown_person(cjib_client):
    r = await cjib_client.post(PAD, json=vraag("999990044"))
    assert r.status_code == 404
    assert r.json() == {"code": "BETROKKENE_ONBEKEND", "melding": "Betrokkene niet gevonden."}


async def test_secrecy_refuses_everything(cjib_client):
    r = await cjib_client.post(PAD, json=vraag("999990111", ALLE))
    assert r.status_code == 403
    assert r.json()["code"] == "GEHEIMHOUDING"
    assert "zoekresultaat" not in r.json()


@pytest.mark.parametrize("veld", ["doel", "wettelijkeGrondslag", "rubrieken", "ketenpartner"])
async def test_no_purpose_or_ground_is_a_bad_request(cjib_client, veld):
    body = vraag()
    del body[veld]
    r = await cjib_client.post(PAD, json=body)
    assert r.status_code == 400
    assert r.json()["code"] == "ONGELDIG_VERZOEK"
    assert veld in r.json()["melding"]
    assert "999990019" not in r.text


async def test_a_suspended_case_shows_its_suspension(cjib_client):
    ops = await cjib_client.post(test_cjib.PAD, json=test_cjib.verzoek("k-1"))
    assert ops.status_code == 201
    body = (await cjib_client.post(PAD, json=vraag())).json()
    gezien = {z["zaaknummer"]: z["opschorting"] for z in body["zoekresultaat"]["zaken"]["lijst"]}
    periode = ops.json()["periode"]
    assert all(o is not None for o in gezien.values())
    assert {o["cjibReferentie"] for o in gezien.values()} == {ops.json()["cjibReferentie"]}
    assert {(o["van"], o["tot"]) for o in gezien.values()} == {(periode["van"], periode["tot"])}
