"""Social-services simulator (municipalities as tenants): suspension decisions on bijzondere
bijstand claims and Wmo contributions, their changes, finding one, and the tenant's identity."""

import datetime as dt

import pytest

from tests.api.simulators.conftest import VANDAAG
from tests.api.simulators.test_belastingdienst import aantal

UTRECHT = "/gemeenten/0344/sociaal-domein/v2"
ROTTERDAM = "/gemeenten/0599/sociaal-domein/v2"


def verzoek(sleutel="v-1", bsns=("999990019",), start=VANDAAG, dagen=90, **overrides):
    body = {
        "verzoekId": sleutel,
        "aanvragerOin": "00000001999999990001",
        "burgers": [{"bsn": b} for b in bsns],
        "dossiernummers": None,
        "ingangsdatum": start.isoformat(),
        "totEnMet": (start + dt.timedelta(days=dagen)).isoformat(),
        "maatregelen": ["INNING", "VERREKENING"],
        "grondslag": "Time-outbevoegdheid",
        "toelichting": "Ruimte voor een regeling",
    }
    return {**body, **overrides}


def code(response) -> str:
    return response.json()["fouten"][0]["code"]


async def test_a_decision_names_its_municipality_and_suspends_the_bijstand_claim(gemeente_client):
    r = await gemeente_client.post(f"{UTRECHT}/opschortingen", json=verzoek())
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["besluitnummer"] == f"GEM0344-OPS-{VANDAAG:%Y}-000001"
    assert body["gemeente"] == {
        "code": "0344",
        "oin": "00000001999999990201",
        "naam": "Gemeente Utrecht",
    }
    assert body["dossiers"] == [
        {
            "dossiernummer": "BB-0344-2025-000419",
            "soort": "BIJZONDERE_BIJSTAND",
            "besluit": "OPGESCHORT",
            "weigercode": None,
        }
    ]


async def test_a_client_of_another_municipality_is_not_known_here(gemeente_client):
    r = await gemeente_client.post(f"{ROTTERDAM}/opschortingen", json=verzoek())
    assert (r.status_code, code(r)) == (422, "BURGER_NIET_INGESCHREVEN")
    elders = await gemeente_client.post(
        "/gemeenten/0363/sociaal-domein/v2/opschortingen", json=verzoek("v-2")
    )
    assert (elders.status_code, code(elders)) == (404, "GEMEENTE_ONBEKEND")
    assert await aantal(gemeente_client) == 0


async def test_a_fraud_claim_is_excluded_and_alone_it_is_refused(gemeente_client):
    r = await gemeente_client.post(f"{UTRECHT}/opschortingen", json=verzoek(bsns=("999990020",)))
    assert (r.status_code, code(r)) == (422, "NIETS_OP_TE_SCHORTEN")
    assert r.json()["dossiers"][0]["weigercode"] == "FRAUDEVORDERING"
    # with the partner's claim in scope, the household's decision suspends what it can
    samen = await gemeente_client.post(
        f"{UTRECHT}/opschortingen", json=verzoek("v-2", bsns=("999990019", "999990020"))
    )
    assert samen.status_code == 201
    per = {d["dossiernummer"]: d for d in samen.json()["dossiers"]}
    assert per["BB-0344-2025-000419"]["besluit"] == "OPGESCHORT"
    assert per["LO-0344-2023-000720"]["weigercode"] == "FRAUDEVORDERING"


async def test_a_wmo_contribution_the_cak_collects_is_not_the_municipalitys_to_stop(
    gemeente_client,
):
    r = await gemeente_client.post(
        "/gemeenten/0193/sociaal-domein/v2/opschortingen", json=verzoek(bsns=("999990044",))
    )
    assert r.status_code == 201
    per = {d["dossiernummer"]: d for d in r.json()["dossiers"]}
    assert per["BB-0193-2025-000144"]["besluit"] == "OPGESCHORT"
    assert per["WMO-0193-2025-000244"]["weigercode"] == "INNING_DOOR_CAK"
    # one the municipality collects itself it suspends
    rotterdam = await gemeente_client.post(
        f"{ROTTERDAM}/opschortingen", json=verzoek("v-2", bsns=("999990032",))
    )
    assert {d["besluit"] for d in rotterdam.json()["dossiers"]} == {"OPGESCHORT"}
    assert rotterdam.json()["besluitnummer"].startswith("GEM0599-OPS-")


@pytest.mark.parametrize(("dagen_terug", "status"), [(30, 201), (31, 422)])
async def test_a_decision_works_at_most_30_days_back(gemeente_client, dagen_terug, status):
    start = VANDAAG - dt.timedelta(days=dagen_terug)
    r = await gemeente_client.post(f"{UTRECHT}/opschortingen", json=verzoek(start=start))
    assert r.status_code == status
    if status == 422:
        assert code(r) == "INGANGSDATUM_TE_VER_TERUG"


@pytest.mark.parametrize(
    ("start", "einde", "status"),
    [
        (dt.date(2026, 11, 22), dt.date(2027, 5, 21), 201),
        (dt.date(2026, 11, 22), dt.date(2027, 5, 22), 422),
        (dt.date(2026, 12, 31), dt.date(2027, 6, 29), 201),
        (dt.date(2026, 12, 31), dt.date(2027, 6, 30), 422),
    ],
)
async def test_at_most_six_months(gemeente_client, start, einde, status):
    body = verzoek(start=start, totEnMet=einde.isoformat())
    r = await gemeente_client.post(f"{UTRECHT}/opschortingen", json=body)
    assert r.status_code == status, r.text
    if status == 422:
        assert code(r) == "TERMIJN_TE_LANG"


async def test_a_repeat_is_answered_once_and_a_reused_key_refused(gemeente_client):
    eerste = await gemeente_client.post(f"{UTRECHT}/opschortingen", json=verzoek())
    herhaald = await gemeente_client.post(f"{UTRECHT}/opschortingen", json=verzoek())
    assert herhaald.json() == eerste.json()
    assert herhaald.headers["Idempotent-Replay"] == "true"
    anders = await gemeente_client.post(f"{UTRECHT}/opschortingen", json=verzoek(dagen=60))
    assert anders.status_code == 409
    assert await aantal(gemeente_client) == 1


async def test_extend_find_and_lift_a_decision(gemeente_client):
    besluit = (await gemeente_client.post(f"{UTRECHT}/opschortingen", json=verzoek())).json()
    nummer = besluit["besluitnummer"]
    gevonden = await gemeente_client.get(f"{UTRECHT}/opschortingen", params={"verzoekId": "v-1"})
    assert gevonden.json()["besluitnummer"] == nummer
    kop = {"aanvragerOin": "00000001999999990001", "toelichting": "meer tijd"}
    einde = VANDAAG + dt.timedelta(days=120)
    verlengd = await gemeente_client.patch(
        f"{UTRECHT}/opschortingen/{nummer}",
        json={**kop, "verzoekId": "v-2", "totEnMet": einde.isoformat()},
    )
    assert verlengd.status_code == 200, verlengd.text
    assert verlengd.json()["periode"]["totEnMet"] == einde.isoformat()
    assert verlengd.json()["wijzigingsnummer"].startswith("GEM0344-WIJ-")
    te_lang = await gemeente_client.patch(
        f"{UTRECHT}/opschortingen/{nummer}",
        json={
            **kop,
            "verzoekId": "v-3",
            "totEnMet": (VANDAAG + dt.timedelta(days=200)).isoformat(),
        },
    )
    assert (te_lang.status_code, code(te_lang)) == (422, "TERMIJN_TE_LANG")
    ingetrokken = await gemeente_client.post(
        f"{UTRECHT}/opschortingen/{nummer}/intrekking",
        json={**kop, "verzoekId": "v-4", "hervattenPer": VANDAAG.isoformat()},
    )
    assert ingetrokken.status_code == 200
    assert ingetrokken.json()["status"] == "BEEINDIGD"
    nogmaals = await gemeente_client.post(
        f"{UTRECHT}/opschortingen/{nummer}/intrekking", json={**kop, "verzoekId": "v-5"}
    )
    assert (nogmaals.status_code, code(nogmaals)) == (422, "BESLUIT_BEEINDIGD")


async def test_another_municipalitys_decision_is_unknown(gemeente_client):
    nummer = (await gemeente_client.post(f"{UTRECHT}/opschortingen", json=verzoek())).json()[
        "besluitnummer"
    ]
    kop = {"aanvragerOin": "00000001999999990001", "toelichting": "meer tijd"}
    r = await gemeente_client.patch(
        f"{ROTTERDAM}/opschortingen/{nummer}",
        json={
            **kop,
            "verzoekId": "v-2",
            "totEnMet": (VANDAAG + dt.timedelta(days=100)).isoformat(),
        },
    )
    assert (r.status_code, code(r)) == (404, "BESLUIT_ONBEKEND")
    zoek = await gemeente_client.get(f"{ROTTERDAM}/opschortingen", params={"verzoekId": "v-1"})
    assert (zoek.status_code, code(zoek)) == (404, "VERZOEK_ONBEKEND")


def vraag(bsn="999990019", onderdelen=("VORDERINGEN", "WMO_BESLUITEN", "UITKERINGEN", "BESLAGEN")):
    return {
        "verzoekId": "q-1",
        "afnemerOin": "00000001999999990002",
        "bsn": bsn,
        "onderdelen": list(onderdelen),
        "doelbinding": "schuldenoverzicht",
        "grondslag": "Wams art. 2",
    }


async def test_the_dossier_overview_shows_claims_wmo_decisions_and_the_suspension(
    gemeente_client,
):
    await gemeente_client.post(f"{UTRECHT}/opschortingen", json=verzoek())
    r = await gemeente_client.post(f"{UTRECHT}/dossieroverzicht", json=vraag())
    assert r.status_code == 200, r.text
    body = r.json()
    assert "bsn" not in r.text and "999990019" not in r.text
    assert body["gemeente"]["oin"] == "00000001999999990201"
    (vordering,) = body["overzicht"]["vorderingen"]
    assert vordering["openstaandBedragCenten"] == 45000
    assert vordering["opschorting"]["besluitnummer"].startswith("GEM0344-OPS-")
    (wmo,) = body["overzicht"]["wmoBesluiten"]
    assert (wmo["inningDoor"], wmo["eigenBijdragePerPeriodeCenten"]) == ("CAK", 1900)
    assert body["overzicht"]["uitkeringen"][0]["nettoPerMaandCenten"] == 135000
    assert body["nietGeleverd"] == ["BESLAGEN"]


async def test_the_overview_of_someone_elses_client_is_refused(gemeente_client):
    r = await gemeente_client.post(f"{ROTTERDAM}/dossieroverzicht", json=vraag())
    assert (r.status_code, code(r)) == (404, "BURGER_NIET_INGESCHREVEN")
    zonder = await gemeente_client.post(
        f"{UTRECHT}/dossieroverzicht", json={**vraag(), "doelbinding": ""}
    )
    assert (zonder.status_code, code(zonder)) == (400, "ONGELDIG_VERZOEK")
    assert "999990019" not in zonder.text


async def test_a_protected_file_shares_nothing(gemeente_client):
    r = await gemeente_client.post(f"{UTRECHT}/dossieroverzicht", json=vraag(bsn="999990111"))
    assert (r.status_code, code(r)) == (403, "GEHEIMHOUDING")
    assert "BB-0344-2024-000111" not in r.text
