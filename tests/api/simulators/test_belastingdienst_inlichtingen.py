"""The Belastingdienst's query API: ``POST /api/v1/inlichtingenverzoeken``."""

import pytest

from tests.api.simulators import test_belastingdienst

PAD = "/api/v1/inlichtingenverzoeken"
ALLE = ["AANSLAGEN", "BETALINGSREGELINGEN", "VERREKENINGEN", "TOESLAGEN", "INKOMEN"]


def vraag(bsn="999990019", soorten=("AANSLAGEN",), sleutel="q-1", **overrides):
    body = {
        "verzoekKenmerk": sleutel,
        "aanvragerOin": "00000001999999990001",
        "belastingplichtige": {"bsn": bsn},
        "gegevenssoorten": list(soorten),
        "doelbinding": "Schuldenoverzicht voor een time-out",
        "grondslag": "Afstemmingsbepaling",
    }
    return {**body, **overrides}


async def test_the_assessments_of_999990019_with_exact_amounts(bd):
    r = await bd.post(PAD, json=vraag())
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["relatienummer"] == "BD-R-100019"
    assert body["aanslagen"] == {
        "items": [
            {
                "aanslagnummer": "2024.IB.000101",
                "middel": "IB",
                "belastingjaar": 2024,
                "oorspronkelijkBedragInCenten": 234000,
                "openstaandBedragInCenten": 184000,
                "invorderingsmaatregelen": ["AANMANING"],
                "bezwaarOfBeroep": False,
                "betalingsregeling": {
                    "regelingnummer": "BD-BR-2025-000101",
                    "termijnbedragInCenten": 10000,
                    "aantalTermijnen": 24,
                    "ingangsdatum": "2025-09-01",
                },
                "invorderingsstop": None,
            },
            {
                "aanslagnummer": "2023.ZVW.000102",
                "middel": "ZVW",
                "belastingjaar": 2023,
                "oorspronkelijkBedragInCenten": 41250,
                "openstaandBedragInCenten": 41250,
                "invorderingsmaatregelen": ["DWANGBEVEL", "VERREKENING"],
                "bezwaarOfBeroep": False,
                "betalingsregeling": None,
                "invorderingsstop": None,
            },
        ],
        "totaalOpenstaandInCenten": 225250,
    }


async def test_the_partner_has_one_assessment_under_objection(bd):
    body = (await bd.post(PAD, json=vraag("999990020"))).json()
    (aanslag,) = body["aanslagen"]["items"]
    assert aanslag["aanslagnummer"] == "2024.IB.000201"
    assert aanslag["openstaandBedragInCenten"] == 65500
    assert aanslag["bezwaarOfBeroep"] is True


async def test_only_the_kinds_asked_come_back(bd):
    body = (await bd.post(PAD, json=vraag(soorten=["TOESLAGEN"]))).json()
    assert set(body) == {
        "verzoekKenmerk",
        "relatienummer",
        "peildatum",
        "toeslagen",
        "nietLeverbaar",
    }
    assert body["toeslagen"] == [
        {"toeslag": "ZORGTOESLAG", "berekeningsjaar": 2026, "voorschotPerMaandInCenten": 13100},
        {"toeslag": "HUURTOESLAG", "berekeningsjaar": 2026, "voorschotPerMaandInCenten": 31000},
    ]
    assert body["nietLeverbaar"] == []


async def test_every_kind_it_holds(bd):
    body = (await bd.post(PAD, json=vraag(soorten=ALLE))).json()
    assert body["inkomen"] == {
        "belastingjaar": 2024,
        "verzamelinkomenInCenten": 2845000,
        "bron": "AANGIFTE",
    }
    assert body["verrekeningen"] == [
        {
            "aanslagnummer": "2023.ZVW.000102",
            "verrekendMet": "ZORGTOESLAG",
            "bedragPerMaandInCenten": 4000,
            "sinds": "2025-11-01",
        }
    ]
    assert [r["aanslagnummer"] for r in body["betalingsregelingen"]] == ["2024.IB.000101"]


async def test_a_kind_it_does_not_hold_is_not_an_error(bd):
    r = await bd.post(PAD, json=vraag(soorten=["AANSLAGEN", "BESLAGEN", "STUDIEFINANCIERING"]))
    assert r.status_code == 200
    body = r.json()
    assert body["nietLeverbaar"] == ["BESLAGEN", "STUDIEFINANCIERING"]
    assert "beslagen" not in body


async def test_a_person_without_data_of_a_kind_gets_it_empty(bd):
    body = (await bd.post(PAD, json=vraag("999990044", soorten=["AANSLAGEN", "INKOMEN"]))).json()
    assert body["aanslagen"] == {"items": [], "totaalOpenstaandInCenten": 0}
    assert body["inkomen"] is None


async def test_an_unknown_taxpayer(bd):
    r = await bd.post(PAD, json=vraag("999990056"))
    assert r.status_code == 404
    assert r.json()["foutcode"] == "BELASTINGPLICHTIGE_ONBEKEND"


async def test_a_shielded_taxpayer_gets_nothing(bd):
    r = await bd.post(PAD, json=vraag("999990111", soorten=ALLE))
    assert r.status_code == 403
    assert r.json()["foutcode"] == "VERSTREKKING_NIET_TOEGESTAAN"
    assert "aanslagen" not in r.json()


@pytest.mark.parametrize("veld", ["doelbinding", "grondslag", "gegevenssoorten", "aanvragerOin"])
async def test_no_purpose_or_ground_is_a_bad_request(bd, veld):
    body = vraag()
    del body[veld]
    r = await bd.post(PAD, json=body)
    assert r.status_code == 400
    assert r.json()["foutcode"] == "ONGELDIG_VERZOEK"
    assert veld in r.json()["omschrijving"]
    assert "999990019" not in r.text


async def test_an_empty_purpose_is_a_bad_request(bd):
    r = await bd.post(PAD, json=vraag(doelbinding=""))
    assert r.status_code == 400


async def test_an_assessment_under_a_stop_shows_it(bd):
    stop = await bd.post(test_belastingdienst.PAD, json=test_belastingdienst.verzoek("k-1"))
    assert stop.status_code == 201
    body = (await bd.post(PAD, json=vraag())).json()
    assert [a["invorderingsstop"] for a in body["aanslagen"]["items"]] == [
        {
            "stopKenmerk": stop.json()["stopKenmerk"],
            "ingangsdatum": "2026-12-01",
            "einddatum": "2027-02-28",
        }
    ] * 2
    partner = (await bd.post(PAD, json=vraag("999990020"))).json()
    assert partner["aanslagen"]["items"][0]["invorderingsstop"] is None
