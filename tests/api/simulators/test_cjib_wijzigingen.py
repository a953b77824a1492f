"""CJIB simulator: VERLENGING and INTREKKING of an opschorting, and finding one."""

from tests.api.simulators.conftest import VANDAAG
from tests.api.simulators.test_cjib import PAD, verzoek


def wijziging(sleutel="w-1", soort="VERLENGING", **velden):
    body = {
        "referentieKetenpartner": sleutel,
        "ketenpartner": {"oin": "00000001999999990001", "naam": "Landelijk Maatwerkloket"},
        "soort": soort,
        "toelichting": "Wijziging van de time-out",
    }
    if soort == "VERLENGING":
        body["nieuwTot"] = "2027-06-01"
    return {**body, **velden}


async def opschorting(client, sleutel="k-1", **overrides) -> str:
    r = await client.post(PAD, json=verzoek(sleutel, **overrides))
    assert r.status_code == 201
    return r.json()["cjibReferentie"]


async def admin(client) -> dict:
    (enige,) = (await client.get("/_simulator/opschortingen")).json()["opschortingen"]
    return enige


async def test_found_by_the_partners_request_reference(cjib_client):
    ref = await opschorting(cjib_client, "orig-1")
    r = await cjib_client.get("/cjib/ketenpartnerverzoeken/orig-1")
    assert r.status_code == 200
    assert r.json() == {
        "referentieKetenpartner": "orig-1",
        "cjibReferentie": ref,
        "status": "OPGESCHORT",
        "periode": {"van": "2026-12-01", "tot": "2027-03-01"},
    }
    onbekend = await cjib_client.get("/cjib/ketenpartnerverzoeken/nope")
    assert onbekend.status_code == 404
    assert onbekend.json()["code"] == "VERZOEK_ONBEKEND"


async def test_a_verlenging(cjib_client):
    ref = await opschorting(cjib_client)
    r = await cjib_client.post(f"{PAD}/{ref}/wijzigingen", json=wijziging())
    assert r.status_code == 201
    body = r.json()
    assert body["wijzigingReferentie"] == "CJIB-WIJ-00000002"
    assert body["cjibReferentie"] == ref
    assert body["periode"] == {"van": "2026-12-01", "tot": "2027-06-01"}
    assert body["status"] == "GEWIJZIGD"
    o = await admin(cjib_client)
    assert (o["totEnMet"], o["oorspronkelijkTotEnMet"]) == ("2027-05-31", "2027-02-28")
    assert o["wijzigingen"][0]["soort"] == "verlenging"


async def test_an_intrekking_per_today_by_default(cjib_client):
    ref = await opschorting(cjib_client, periode={"van": VANDAAG.isoformat(), "tot": "2027-03-01"})
    r = await cjib_client.post(f"{PAD}/{ref}/wijzigingen", json=wijziging(soort="INTREKKING"))
    assert r.status_code == 201
    assert r.json()["status"] == "INGETROKKEN"
    assert r.json()["periode"]["tot"] == VANDAAG.isoformat()
    o = await admin(cjib_client)
    assert (o["opgeheven"], o["opgehevenPer"]) == (True, VANDAAG.isoformat())


async def test_an_intrekking_per_a_date(cjib_client):
    ref = await opschorting(cjib_client)
    r = await cjib_client.post(
        f"{PAD}/{ref}/wijzigingen", json=wijziging(soort="INTREKKING", per="2027-01-15")
    )
    assert r.json()["periode"] == {"van": "2026-12-01", "tot": "2027-01-15"}
    assert (await admin(cjib_client))["totEnMet"] == "2027-01-14"


async def test_an_unknown_suspension_is_refused(cjib_client):
    r = await cjib_client.post(f"{PAD}/CJIB-OPS-99999999/wijzigingen", json=wijziging())
    assert r.status_code == 422
    assert r.json()["code"] == "OPSCHORTING_ONBEKEND"


async def test_refusals_on_a_known_suspension(cjib_client):
    ref = await opschorting(cjib_client)  # tot 2027-03-01
    pad = f"{PAD}/{ref}/wijzigingen"
    korter = await cjib_client.post(pad, json=wijziging("w-1", nieuwTot="2027-03-01"))
    assert korter.json()["code"] == "NIEUW_TOT_NIET_LATER"
    te_laat = await cjib_client.post(pad, json=wijziging("w-2", "INTREKKING", per="2027-03-02"))
    assert te_laat.json()["code"] == "PER_NA_TOT"
    ok = await cjib_client.post(pad, json=wijziging("w-3", "INTREKKING", per="2027-01-01"))
    assert ok.status_code == 201
    weer = await cjib_client.post(pad, json=wijziging("w-4", "INTREKKING"))
    assert weer.json()["code"] == "AL_INGETROKKEN"
    verlengen = await cjib_client.post(pad, json=wijziging("w-5"))
    assert verlengen.json()["code"] == "AL_INGETROKKEN"
    assert len((await admin(cjib_client))["wijzigingen"]) == 1


async def test_the_fields_must_fit_the_soort(cjib_client):
    ref = await opschorting(cjib_client)
    pad = f"{PAD}/{ref}/wijzigingen"
    zonder = await cjib_client.post(pad, json=wijziging(nieuwTot=None))
    assert zonder.status_code == 400
    assert zonder.json()["code"] == "ONGELDIG_VERZOEK"
    beide = await cjib_client.post(pad, json=wijziging("w-2", "INTREKKING", nieuwTot="2027-06-01"))
    assert beide.status_code == 400
    onbekend = await cjib_client.post(pad, json=wijziging("w-3", "OPSCHORTING"))
    assert onbekend.status_code == 400


async def test_idempotent_on_the_changes_own_key(cjib_client):
    ref = await opschorting(cjib_client)
    pad = f"{PAD}/{ref}/wijzigingen"
    a = await cjib_client.post(pad, json=wijziging("dup"))
    b = await cjib_client.post(pad, json=wijziging("dup"))
    assert a.json() == b.json()
    assert len((await admin(cjib_client))["wijzigingen"]) == 1
    c = await cjib_client.post(pad, json=wijziging("dup", nieuwTot="2027-07-01"))
    assert c.status_code == 409
    assert c.json()["code"] == "SLEUTEL_HERGEBRUIKT"
