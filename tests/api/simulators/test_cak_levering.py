"""The CAK's query API: ``POST /cak/api/v1/gegevensleveringen``."""

import pytest

from tests.api.simulators import test_cak

PAD = "/cak/api/v1/gegevensleveringen"
ALLE = ("REGELINGEN", "BETALINGSREGELINGEN", "BRONINHOUDINGEN", "WANBETALERSREGISTRATIE")


def vraag(bsn="999990019", groepen=("REGELINGEN",), sleutel="q-1", **overrides):
    body = {
        "berichtkenmerk": sleutel,
        "afnemer_oin": "00000001999999990001",
        "bsn": bsn,
        "gegevensgroepen": list(groepen),
        "doelbinding": "Schuldenoverzicht voor een time-out",
        "grondslag": "Afstemmingsbepaling",
    }
    return {**body, **overrides}


async def test_the_regelingen_of_999990019_with_exact_amounts(cak_client):
    r = await cak_client.post(PAD, json=vraag())
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["relatienummer"], body["peildatum"]) == ("CAK-R-0190019", "2026-11-22")
    regelingen = body["levering"]["regelingen"]
    assert (regelingen["aantal"], regelingen["totaal_openstaand_centen"]) == (2, 102100)
    premie, wmo = regelingen["lijst"]
    assert premie == {
        "regelingsnummer": "BRP-2025-000119",
        "soort": "bestuursrechtelijke-premie-zvw",
        "hoofdsom_centen": 126000,
        "openstaand_centen": 94500,
        "maatregelen": ["BRONINHOUDING", "INCASSO"],
        "bezwaar": False,
        "overgedragen_aan_cjib": False,
        "betalingsregeling": None,
        "incassostop": None,
    }
    assert wmo["betalingsregeling"] == {
        "regeling_id": "CAK-BR-0000219",
        "termijnbedrag_centen": 1900,
        "termijnen": 4,
        "startdatum": "2026-09-01",
    }


async def test_every_group_and_one_it_does_not_keep(cak_client):
    r = await cak_client.post(PAD, json=vraag(groepen=[*ALLE, "TOESLAGEN"]))
    body = r.json()
    assert body["niet_geleverd"] == ["TOESLAGEN"]
    assert set(body["levering"]) == {g.lower() for g in ALLE}
    (inhouding,) = body["levering"]["broninhoudingen"]
    assert (inhouding["regelingsnummer"], inhouding["maandbedrag_centen"]) == (
        "BRP-2025-000119",
        15750,
    )
    assert body["levering"]["wanbetalersregistratie"]["zorgverzekeraar"]
    assert body["levering"]["betalingsregelingen"][0]["regelingsnummer"] == "EBW-2026-000219"


async def test_unknown_and_shielded(cak_client):
    r = await cak_client.post(PAD, json=vraag("999990056"))
    assert (r.status_code, r.json()["fouten"][0]["code"]) == (404, "RELATIE_ONBEKEND")
    r = await cak_client.post(PAD, json=vraag("999990111", ALLE))
    assert (r.status_code, r.json()["fouten"][0]["code"]) == (403, "AFSCHERMING")
    assert "levering" not in r.json()


@pytest.mark.parametrize("veld", ["doelbinding", "grondslag", "gegevensgroepen"])
async def test_no_purpose_or_ground_is_a_bad_request(cak_client, veld):
    body = vraag()
    del body[veld]
    r = await cak_client.post(PAD, json=body)
    assert (r.status_code, r.json()["fouten"][0]["code"]) == (400, "ONGELDIG_VERZOEK")
    assert veld in r.json()["fouten"][0]["omschrijving"]
    assert "999990019" not in r.text


async def test_a_stopped_regeling_shows_its_stop(cak_client):
    referentie = await test_cak.stop(cak_client)
    lijst = (await cak_client.post(PAD, json=vraag())).json()["levering"]["regelingen"]["lijst"]
    assert {r["incassostop"]["cak_referentie"] for r in lijst} == {referentie}
    assert lijst[0]["incassostop"]["einddatum"] == test_cak.EINDE.isoformat()
