"""DUO's query API: ``POST /duo/v2/gegevensopvragingen``."""

import pytest

from tests.api.simulators import test_duo

PAD = "/duo/v2/gegevensopvragingen"
SCHULDEN, AFLOSREGELINGEN, STUDIEFINANCIERING = 100, 200, 300


def vraag(bsn="999990019", soorten=(SCHULDEN,), sleutel="q-1", **overrides):
    body = {
        "verzoekId": sleutel,
        "opdrachtgever": {"oin": "00000001999999990001"},
        "debiteur": {"bsn": bsn},
        "gegevensSoorten": list(soorten),
        "doelomschrijving": "Schuldenoverzicht voor een time-out",
        "wettelijkeGrondslag": "Afstemmingsbepaling",
    }
    return {**body, **overrides}


async def test_the_debts_of_999990019_with_exact_amounts(duo_client):
    r = await duo_client.post(PAD, json=vraag())
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["debiteurnummer"] == "DUO-D-7000019"
    assert body["gegevens"] == {
        "schulden": {
            "items": [
                {
                    "schuldnummer": "SF-2019-000119",
                    "soort": "studieschuld",
                    "hoofdsomCenten": 2100000,
                    "restschuldCenten": 1845000,
                    "invorderingsstappen": [10, 50],
                    "bezwaarLopend": False,
                    "aflosregeling": {
                        "regelingId": "DUO-AR-7000019",
                        "maandbedragCenten": 9500,
                        "draagkrachtmeting": True,
                        "ingangsdatum": "2024-01-01",
                    },
                    "betalingspauze": None,
                }
            ],
            "totaal": 1,
            "restschuldTotaalCenten": 1845000,
        }
    }


async def test_only_the_kinds_asked_come_back(duo_client):
    body = (await duo_client.post(PAD, json=vraag(soorten=[STUDIEFINANCIERING]))).json()
    assert body["gegevens"] == {
        "studiefinanciering": {
            "lopend": False,
            "aflosfaseVanaf": "2021-01-01",
            "looptijdJaren": 35,
            "aflosvrijeMaandenResterend": 60,
        }
    }
    body = (await duo_client.post(PAD, json=vraag(soorten=[AFLOSREGELINGEN]))).json()
    assert list(body["gegevens"]) == ["aflosregelingen"]
    assert body["gegevens"]["aflosregelingen"]["totaal"] == 1


async def test_a_debt_under_objection_and_a_default_principal(duo_client):
    body = (await duo_client.post(PAD, json=vraag("999990032"))).json()
    lesgeld = body["gegevens"]["schulden"]["items"][1]
    assert lesgeld["schuldnummer"] == "LG-2020-000232"
    assert lesgeld["hoofdsomCenten"] == lesgeld["restschuldCenten"] == 134000
    assert lesgeld["bezwaarLopend"] is True
    assert body["gegevens"]["schulden"]["restschuldTotaalCenten"] == 1046000


async def test_a_kind_it_does_not_hold_is_not_an_error(duo_client):
    r = await duo_client.post(PAD, json=vraag(soorten=[SCHULDEN, 900]))
    assert r.status_code == 200
    assert r.json()["nietBeschikbaar"] == [900]
    assert list(r.json()["gegevens"]) == ["schulden"]


async def test_an_unknown_debtor(duo_client):
    # The partner 999990020 never studied: DUO does not know him.
    r = await duo_client.post(PAD, json=vraag("999990020"))
    assert r.status_code == 404
    assert r.json()["fout"]["code"] == "DEBITEUR_ONBEKEND"


async def test_a_confidential_debtor_gets_nothing(duo_client):
    r = await duo_client.post(PAD, json=vraag("999990111", [SCHULDEN, STUDIEFINANCIERING]))
    assert r.status_code == 403
    assert r.json()["fout"]["code"] == "DEBITEUR_VERTROUWELIJK"
    assert "gegevens" not in r.json()


@pytest.mark.parametrize("veld", ["doelomschrijving", "wettelijkeGrondslag", "gegevensSoorten"])
async def test_no_purpose_or_ground_is_a_bad_request(duo_client, veld):
    body = vraag()
    del body[veld]
    r = await duo_client.post(PAD, json=body)
    assert r.status_code == 400
    assert r.json()["fout"]["code"] == "ONGELDIG_VERZOEK"
    assert veld in r.json()["fout"]["bericht"]
    assert "999990019" not in r.text


async def test_a_paused_debt_shows_its_pause(duo_client):
    pauze = await duo_client.post(test_duo.PAD, json=test_duo.verzoek("k-1"))
    assert pauze.status_code == 201
    body = (await duo_client.post(PAD, json=vraag())).json()
    (schuld,) = body["gegevens"]["schulden"]["items"]
    assert schuld["betalingspauze"] == {
        "duoKenmerk": pauze.json()["duoKenmerk"],
        "startDatum": pauze.json()["startDatum"],
        "eindDatum": pauze.json()["eindDatum"],
    }
