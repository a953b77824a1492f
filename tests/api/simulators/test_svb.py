"""SVB simulator: *invorderingsonderbrekingen* of recoveries, their changes and the look-up by
``correlatieId``; the 12-month limit."""

import datetime as dt

import pytest

from simulators.svb.app import uiterste_einddatum
from tests.api.simulators.conftest import VANDAAG
from tests.api.simulators.test_belastingdienst import aantal

PAD = "/svb/api/terugvordering/v1/invorderingsonderbrekingen"
EINDE = VANDAAG + dt.timedelta(days=90)


def metadata(sleutel: str) -> dict:
    return {"correlatieId": sleutel, "afzender": {"oin": "00000001999999990001"}}


def verzoek(sleutel="k-1", bsns=("999990019",), start=VANDAAG, einde=None, **overrides):
    aanvraag = {
        "klanten": [{"bsn": b} for b in bsns],
        "vorderingnummers": None,
        "periode": {
            "begindatum": start.isoformat(),
            "einddatum": (einde or start + dt.timedelta(days=90)).isoformat(),
        },
        "onderdelen": ["INVORDERING", "VERREKENING"],
        "grondslag": "Time-outbevoegdheid",
        "toelichting": "Ruimte voor een regeling",
    }
    return {"metadata": metadata(sleutel), "aanvraag": {**aanvraag, **overrides}}


def code(r) -> str:
    return r.json()["melding"]["code"]


async def onderbreking(client, sleutel="k-1", **overrides) -> str:
    r = await client.post(PAD, json=verzoek(sleutel, **overrides))
    assert r.status_code == 201, r.text
    return r.json()["resultaat"]["onderbrekingsnummer"]


async def test_an_interruption(svb_client):
    r = await svb_client.post(PAD, json=verzoek())
    assert r.status_code == 201, r.text
    resultaat = r.json()["resultaat"]
    assert resultaat["onderbrekingsnummer"] == f"SVB-IO-{VANDAAG.year}-0000001"
    assert resultaat["status"] == "LOPEND"
    assert resultaat["vorderingen"] == [
        {"vorderingnummer": "TV-2025-000119", "status": "ONDERBROKEN", "reden": None}
    ]


@pytest.mark.parametrize(
    ("einde", "status"),
    [
        (dt.date(2027, 11, 21), 201),  # 12 months less a day: the longest
        (dt.date(2027, 11, 22), 422),
        (dt.date(2028, 6, 1), 422),
    ],
)
async def test_at_most_12_months(svb_client, einde, status):
    r = await svb_client.post(PAD, json=verzoek(einde=einde))
    assert r.status_code == status, r.text
    if status == 422:
        assert code(r) == "ONDERBREKING_LANGER_DAN_12_MAANDEN"
        assert r.json()["melding"]["soort"] == "FUNCTIONEEL"
        assert await aantal(svb_client) == 0


def test_the_12_months_of_a_leap_day():
    assert uiterste_einddatum(dt.date(2028, 2, 29)) == dt.date(2029, 2, 27)
    assert uiterste_einddatum(dt.date(2026, 1, 1)) == dt.date(2026, 12, 31)


async def test_fraud_claims_are_not_interrupted(svb_client):
    r = await svb_client.post(PAD, json=verzoek(bsns=("999990044",)))
    per = {v["vorderingnummer"]: v["reden"] for v in r.json()["resultaat"]["vorderingen"]}
    assert per == {"TV-2025-000144": None, "BB-2025-000244": "FRAUDEVORDERING"}
    r = await svb_client.post(PAD, json=verzoek("k-2", bsns=("999990032",)))
    assert (r.status_code, code(r)) == (422, "ALLE_VORDERINGEN_UITGESLOTEN")
    assert r.json()["vorderingen"][0]["status"] == "NIET_ONDERBROKEN"


async def test_unknown_client_and_claim(svb_client):
    r = await svb_client.post(PAD, json=verzoek(bsns=("999990056",)))
    assert (r.status_code, code(r)) == (422, "KLANT_ONBEKEND")
    r = await svb_client.post(PAD, json=verzoek("k-2", vorderingnummers=["TV-1999-000001"]))
    assert (r.status_code, code(r)) == (422, "GEEN_ONDERBREEKBARE_VORDERINGEN")


async def test_idempotent_on_correlatie_id(svb_client):
    a = await svb_client.post(PAD, json=verzoek("zelfde"))
    b = await svb_client.post(PAD, json=verzoek("zelfde"))
    assert a.json() == b.json()
    assert b.headers["Idempotent-Replay"] == "true"
    c = await svb_client.post(PAD, json=verzoek("zelfde", onderdelen=["BESLAG"]))
    assert (c.status_code, code(c)) == (409, "SLEUTEL_HERGEBRUIKT")
    assert c.json()["melding"]["soort"] == "TECHNISCH"


async def test_interest_is_no_svb_measure(svb_client):
    r = await svb_client.post(PAD, json=verzoek(onderdelen=["RENTE"]))
    assert (r.status_code, code(r)) == (400, "ONGELDIG_VERZOEK")


def mutatie(sleutel="m-1", **aanvraag):
    return {
        "metadata": metadata(sleutel),
        "aanvraag": {"toelichting": "Wijziging van de time-out", **aanvraag},
    }


async def test_found_by_correlatie_id(svb_client):
    nummer = await onderbreking(svb_client, "orig-1")
    r = await svb_client.get(PAD, params={"correlatieId": "orig-1"})
    (gevonden,) = r.json()["resultaat"]["onderbrekingen"]
    assert (gevonden["onderbrekingsnummer"], gevonden["periode"]["einddatum"]) == (
        nummer,
        EINDE.isoformat(),
    )
    r = await svb_client.get(PAD, params={"correlatieId": "ander"})
    assert r.json() == {"resultaat": {"onderbrekingen": []}}


async def test_extend_then_end(svb_client):
    nummer = await onderbreking(svb_client)
    nieuw = (EINDE + dt.timedelta(days=30)).isoformat()
    r = await svb_client.post(
        f"{PAD}/{nummer}/mutaties", json=mutatie(mutatiesoort="VERLENGING", einddatum=nieuw)
    )
    assert r.status_code == 200, r.text
    resultaat = r.json()["resultaat"]
    assert resultaat["periode"]["einddatum"] == nieuw
    assert resultaat["mutatie"]["mutatienummer"] == f"SVB-MU-{VANDAAG.year}-0000002"
    r = await svb_client.post(
        f"{PAD}/{nummer}/mutaties", json=mutatie("m-2", mutatiesoort="BEEINDIGING")
    )
    assert r.status_code == 200, r.text
    assert r.json()["resultaat"]["status"] == "BEEINDIGD"
    (geregistreerd,) = (await svb_client.get("/_simulator/opschortingen")).json()["opschortingen"]
    assert geregistreerd["opgehevenPer"] == VANDAAG.isoformat()
    r = await svb_client.post(
        f"{PAD}/{nummer}/mutaties", json=mutatie("m-3", mutatiesoort="BEEINDIGING")
    )
    assert (r.status_code, code(r)) == (422, "ONDERBREKING_BEEINDIGD")


async def test_change_refusals(svb_client):
    nummer = await onderbreking(svb_client)
    pad = f"{PAD}/{nummer}/mutaties"
    r = await svb_client.post(pad, json=mutatie(mutatiesoort="VERLENGING", einddatum=str(EINDE)))
    assert (r.status_code, code(r)) == (422, "EINDDATUM_NIET_LATER")
    te_ver = str(dt.date(2027, 11, 22))  # 12 months after the original begindatum
    r = await svb_client.post(pad, json=mutatie("m-2", mutatiesoort="VERLENGING", einddatum=te_ver))
    assert (r.status_code, code(r)) == (422, "ONDERBREKING_LANGER_DAN_12_MAANDEN")
    later = str(EINDE + dt.timedelta(days=1))
    r = await svb_client.post(pad, json=mutatie("m-3", mutatiesoort="BEEINDIGING", einddatum=later))
    assert (r.status_code, code(r)) == (422, "EINDDATUM_NA_HUIDIGE_EINDDATUM")
    r = await svb_client.post(
        f"{PAD}/SVB-IO-2026-9999999/mutaties", json=mutatie("m-4", mutatiesoort="BEEINDIGING")
    )
    assert (r.status_code, code(r)) == (404, "ONDERBREKING_ONBEKEND")
    r = await svb_client.post(pad, json=mutatie("m-5", mutatiesoort="VERLENGING"))
    assert (r.status_code, code(r)) == (400, "ONGELDIG_VERZOEK")
