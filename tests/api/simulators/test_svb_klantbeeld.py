"""The SVB's query API: ``POST /svb/api/klantbeeld/v1/bevragingen``."""

import pytest

from tests.api.simulators import test_svb

PAD = "/svb/api/klantbeeld/v1/bevragingen"
ALLE = ("VORDERINGEN", "BETALINGSREGELINGEN", "VERREKENINGEN", "UITKERINGEN")


def vraag(bsn="999990019", onderdelen=("VORDERINGEN",), sleutel="q-1", **overrides):
    aanvraag = {
        "bsn": bsn,
        "onderdelen": list(onderdelen),
        "doel": "Schuldenoverzicht voor een time-out",
        "grondslag": "Afstemmingsbepaling",
    }
    return {"metadata": test_svb.metadata(sleutel), "aanvraag": {**aanvraag, **overrides}}


async def test_the_recoveries_of_999990019_with_exact_amounts(svb_client):
    r = await svb_client.post(PAD, json=vraag())
    assert r.status_code == 200, r.text
    resultaat = r.json()["resultaat"]
    assert (resultaat["klantnummer"], resultaat["peildatum"]) == ("SVB-K-40000019", "2026-11-22")
    assert resultaat["vorderingen"] == {
        "aantal": 1,
        "openstaandTotaalCent": 41250,
        "items": [
            {
                "vorderingnummer": "TV-2025-000119",
                "soort": "terugvordering-kinderbijslag",
                "regeling": "AKW",
                "oorspronkelijkCent": 55000,
                "openstaandCent": 41250,
                "invorderingsonderdelen": ["VERREKENING"],
                "bezwaarOfBeroep": False,
                "fraude": False,
                "betalingsregeling": None,
                "onderbreking": None,
            }
        ],
    }


async def test_every_part_and_one_it_does_not_keep(svb_client):
    r = await svb_client.post(PAD, json=vraag(onderdelen=[*ALLE, "BESLAGEN"]))
    body = r.json()
    assert body["nietGeleverd"] == ["BESLAGEN"]
    resultaat = body["resultaat"]
    assert resultaat["uitkeringen"] == [
        {
            "regeling": "AKW",
            "bedragPerPeriodeCent": 31234,
            "periode": "KWARTAAL",
            "sinds": "2019-04-01",
        }
    ]
    assert resultaat["verrekeningen"][0]["bedragPerPeriodeCent"] == 4583
    assert resultaat["betalingsregelingen"] == []
    partner = (await svb_client.post(PAD, json=vraag("999990020", ALLE))).json()["resultaat"]
    assert partner["betalingsregelingen"] == [
        {
            "vorderingnummer": "TV-2024-000120",
            "regelingnummer": "SVB-BR-0000120",
            "termijnbedragCent": 3000,
            "aantalTermijnen": 6,
            "eersteTermijn": "2026-07-01",
        }
    ]


async def test_unknown_and_shielded(svb_client):
    r = await svb_client.post(PAD, json=vraag("999990056"))
    assert (r.status_code, r.json()["melding"]["code"]) == (404, "KLANT_ONBEKEND")
    r = await svb_client.post(PAD, json=vraag("999990111", ALLE))
    assert (r.status_code, r.json()["melding"]["code"]) == (403, "KLANT_AFGESCHERMD")
    assert "resultaat" not in r.json()


@pytest.mark.parametrize("veld", ["doel", "grondslag", "onderdelen"])
async def test_no_purpose_or_ground_is_a_bad_request(svb_client, veld):
    body = vraag()
    del body["aanvraag"][veld]
    r = await svb_client.post(PAD, json=body)
    assert (r.status_code, r.json()["melding"]["code"]) == (400, "ONGELDIG_VERZOEK")
    assert veld in r.json()["melding"]["tekst"]
    assert "999990019" not in r.text


async def test_an_interrupted_recovery_shows_its_interruption(svb_client):
    nummer = await test_svb.onderbreking(svb_client)
    resultaat = (await svb_client.post(PAD, json=vraag())).json()["resultaat"]
    (item,) = resultaat["vorderingen"]["items"]
    assert item["onderbreking"] == {
        "onderbrekingsnummer": nummer,
        "begindatum": "2026-11-22",
        "einddatum": test_svb.EINDE.isoformat(),
    }
