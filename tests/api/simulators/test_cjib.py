from tests.api.simulators.test_belastingdienst import aantal

PAD = "/cjib/opschortingsverzoeken"


def verzoek(sleutel="k-1", bsns=("999990019",), **overrides):
    body = {
        "referentieKetenpartner": sleutel,
        "ketenpartner": {"oin": "00000001999999990001", "naam": "Landelijk Maatwerkloket"},
        "betrokkenen": [{"burgerservicenummer": b} for b in bsns],
        "zaaknummers": None,
        "periode": {"van": "2026-12-01", "tot": "2027-03-01"},
        "maatregelen": ["INNING", "BESLAGLEGGING"],
        "grondslag": "Time-outbevoegdheid",
        "toelichting": "Ruimte voor een regeling",
    }
    return {**body, **overrides}


async def test_all_cases_suspended(cjib_client):
    r = await cjib_client.post(PAD, json=verzoek())
    assert r.status_code == 201
    body = r.json()
    assert body["cjibReferentie"] == "CJIB-OPS-00000001"
    assert {z["status"] for z in body["zaken"]} == {"OPGESCHORT"}
    (ops,) = (await cjib_client.get("/_simulator/opschortingen")).json()["opschortingen"]
    assert ops["totEnMet"] == "2027-02-28"  # tot is exclusive


async def test_a_case_under_appeal_is_not_suspended(cjib_client):
    r = await cjib_client.post(PAD, json=verzoek(bsns=("999990020",)))
    assert r.status_code == 201
    zaken = {z["zaaknummer"]: z for z in r.json()["zaken"]}
    assert zaken["WAHV-2025-000120"]["status"] == "OPGESCHORT"
    assert zaken["WAHV-2025-000220"] == {
        "zaaknummer": "WAHV-2025-000220",
        "status": "NIET_OPGESCHORT",
        "reden": "IN_BEROEP",
    }


async def test_all_cases_under_appeal_is_refused(cjib_client):
    r = await cjib_client.post(PAD, json=verzoek(bsns=("999990032",)))
    assert r.status_code == 422
    assert r.json()["code"] == "ALLE_ZAKEN_IN_BEROEP"
    assert r.json()["zaken"][0]["reden"] == "IN_BEROEP"
    assert await aantal(cjib_client) == 0


async def test_only_unknown_cases_is_refused(cjib_client):
    r = await cjib_client.post(PAD, json=verzoek(zaaknummers=["WAHV-2020-000000"]))
    assert r.status_code == 422
    assert r.json()["code"] == "GEEN_OPSCHORTBARE_ZAKEN"


async def test_unknown_person(cjib_client):
    r = await cjib_client.post(PAD, json=verzoek(bsns=("999990044",)))
    assert r.status_code == 422
    assert r.json()["code"] == "BETROKKENE_ONBEKEND"


async def test_idempotent_on_referentie_ketenpartner(cjib_client):
    a = await cjib_client.post(PAD, json=verzoek("dup"))
    b = await cjib_client.post(PAD, json=verzoek("dup"))
    assert a.json()["cjibReferentie"] == b.json()["cjibReferentie"]
    assert await aantal(cjib_client) == 1
    c = await cjib_client.post(PAD, json=verzoek("dup", zaaknummers=["WAHV-2025-000119"]))
    assert c.status_code == 409
    assert c.json()["code"] == "SLEUTEL_HERGEBRUIKT"


async def test_a_refusal_is_idempotent_too(cjib_client):
    a = await cjib_client.post(PAD, json=verzoek("r", bsns=("999990032",)))
    b = await cjib_client.post(PAD, json=verzoek("r", bsns=("999990032",)))
    assert a.status_code == b.status_code == 422
    assert a.json() == b.json()


async def test_period_must_end_after_start(cjib_client):
    r = await cjib_client.post(
        PAD, json=verzoek(periode={"van": "2026-12-01", "tot": "2026-12-01"})
    )
    assert r.status_code == 400


async def test_admin_adds_a_case_under_appeal(cjib_client):
    zaak = {
        "zaaknummer": "WAHV-2026-000777",
        "soort": "verkeersboete",
        "openstaandBedrag": "90.00",
        "inBeroep": True,
    }
    r = await cjib_client.post(
        "/_simulator/vorderingen", json={"bsn": "999990019", "vordering": zaak}
    )
    assert r.status_code == 201
    r = await cjib_client.post(PAD, json=verzoek())
    statussen = {z["zaaknummer"]: z["status"] for z in r.json()["zaken"]}
    assert statussen["WAHV-2026-000777"] == "NIET_OPGESCHORT"
