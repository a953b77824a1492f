import pytest

from tests.api.simulators.conftest import VANDAAG

PAD = "/api/v1/invorderingsstops"


def verzoek(sleutel="k-1", bsns=("999990019",), **overrides):
    body = {
        "verzoekKenmerk": sleutel,
        "aanvragerOin": "00000001999999990001",
        "belastingplichtigen": [{"bsn": b} for b in bsns],
        "aanslagnummers": None,
        "ingangsdatum": "2026-12-01",
        "einddatum": "2027-02-28",
        "maatregelen": ["UITSTEL_BETALING", "BESLAG_OPSCHORTEN"],
        "grondslag": "Time-outbevoegdheid",
        "toelichting": "Ruimte voor een regeling",
    }
    return {**body, **overrides}


async def aantal(client) -> int:
    return (await client.get("/_simulator/opschortingen")).json()["aantal"]


async def test_health(bd):
    assert (await bd.get("/health")).json() == {"status": "ok", "simulator": "belastingdienst"}


async def test_a_stop_on_all_assessments(bd):
    r = await bd.post(PAD, json=verzoek())
    assert r.status_code == 201
    body = r.json()
    assert body["stopKenmerk"] == f"BD-IS-{VANDAAG.year}-000001"
    assert {a["aanslagnummer"] for a in body["aanslagen"]} == {"2024.IB.000101", "2023.ZVW.000102"}
    assert all(a["resultaat"] == "GESTOPT" for a in body["aanslagen"])
    assert await aantal(bd) == 1


async def test_an_unknown_assessment_is_not_stopped(bd):
    r = await bd.post(PAD, json=verzoek(aanslagnummers=["2024.IB.000101", "1999.IB.999999"]))
    resultaten = {a["aanslagnummer"]: a for a in r.json()["aanslagen"]}
    assert resultaten["2024.IB.000101"]["resultaat"] == "GESTOPT"
    assert resultaten["1999.IB.999999"]["reden"] == "AANSLAG_NIET_GEVONDEN"


@pytest.mark.parametrize(
    ("einde", "status"), [("2027-11-30", 201), ("2027-12-01", 422), ("2028-06-01", 422)]
)
async def test_at_most_twelve_months(bd, einde, status):
    r = await bd.post(PAD, json=verzoek(einddatum=einde))
    assert r.status_code == status
    if status == 422:
        assert r.json()["foutcode"] == "TERMIJN_TE_LANG"
        assert await aantal(bd) == 0


async def test_unknown_taxpayer_is_refused(bd):
    r = await bd.post(PAD, json=verzoek(bsns=("999990019", "999990068")))
    assert r.status_code == 422
    assert r.json()["foutcode"] == "BELASTINGPLICHTIGE_ONBEKEND"
    assert await aantal(bd) == 0


async def test_idempotent_on_verzoek_kenmerk(bd):
    eerste = await bd.post(PAD, json=verzoek("same"))
    tweede = await bd.post(PAD, json=verzoek("same"))
    assert eerste.status_code == tweede.status_code == 201
    assert eerste.json() == tweede.json()
    assert tweede.headers["idempotent-replay"] == "true"
    assert await aantal(bd) == 1
    anders = await bd.post(PAD, json=verzoek("same", einddatum="2027-01-31"))
    assert anders.status_code == 409
    assert await aantal(bd) == 1
    nieuw = await bd.post(PAD, json=verzoek("other"))
    assert nieuw.json()["stopKenmerk"].endswith("000002")


async def test_invalid_requests_are_400_without_echoing_the_bsn(bd):
    r = await bd.post(PAD, json=verzoek(maatregelen=["ONZIN"], bsns=("99999001",)))
    assert r.status_code == 400
    assert r.json()["foutcode"] == "ONGELDIG_VERZOEK"
    assert "99999001" not in r.text


async def test_admin_adds_a_taxpayer_and_an_assessment(bd):
    persoon = {"bsn": "999990068", "relatienummer": "BD-R-100068", "naam": "Test", "aanslagen": []}
    assert (await bd.post("/_simulator/personen", json=persoon)).status_code == 201
    aanslag = {
        "aanslagnummer": "2025.IB.000999",
        "middel": "IB",
        "belastingjaar": 2025,
        "openstaandBedrag": "10.00",
    }
    r = await bd.post("/_simulator/vorderingen", json={"bsn": "999990068", "vordering": aanslag})
    assert r.status_code == 201
    r = await bd.post(PAD, json=verzoek(bsns=("999990068",)))
    assert [a["aanslagnummer"] for a in r.json()["aanslagen"]] == ["2025.IB.000999"]
    opschortingen = (await bd.get("/_simulator/opschortingen")).json()["opschortingen"]
    assert opschortingen[0]["personen"] == ["BD-R-100068"]
    assert "999990068" not in str(opschortingen)


async def test_admin_rejects_bad_input_and_resets(bd):
    slecht = {"bsn": "123456789", "relatienummer": "x", "naam": "x"}
    assert (await bd.post("/_simulator/personen", json=slecht)).status_code == 400
    onbekend = {"bsn": "999990068", "vordering": {"aanslagnummer": "2025.IB.000001"}}
    assert (await bd.post("/_simulator/vorderingen", json=onbekend)).status_code in {400, 404}
    await bd.post(PAD, json=verzoek())
    assert (await bd.post("/_simulator/reset")).status_code == 204
    assert await aantal(bd) == 0
