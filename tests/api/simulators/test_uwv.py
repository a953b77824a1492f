"""UWV simulator: the invorderingsstop on terugvorderingen, its changes and finding one."""

import datetime as dt

import pytest

from tests.api.simulators.conftest import VANDAAG
from tests.api.simulators.test_belastingdienst import aantal

PAD = "/uwv/terugvordering/v1/invorderingsstops"


def verzoek(sleutel="k-1", bsns=("999990019",), start=VANDAAG, **overrides):
    body = {
        "aanvraag_kenmerk": sleutel,
        "aanvrager_oin": "00000001999999990001",
        "klanten": [{"bsn": b} for b in bsns],
        "terugvorderingsnummers": None,
        "ingangsdatum": start.isoformat(),
        "einddatum": (start + dt.timedelta(days=90)).isoformat(),
        "acties": ["INNING", "VERREKENING"],
        "wettelijke_grondslag": "Time-outbevoegdheid",
        "toelichting": "Ruimte voor een regeling",
    }
    return {**body, **overrides}


def code(response) -> str:
    return response.json()["meldingen"][0]["code"]


async def test_a_stop(uwv_client):
    r = await uwv_client.post(PAD, json=verzoek())
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["stopnummer"] == f"UWV-IS-{VANDAAG:%Y%m%d}-00001"
    assert body["status"] == "ACTIEF"
    assert body["terugvorderingen"] == [
        {"terugvorderingsnummer": "TV-WW-2025-000119", "status": "GESTOPT", "reden_code": None}
    ]


async def test_a_set_off_a_court_ordered_is_not_stopped(uwv_client):
    # The partner: one recovery in an arrangement, one set off by order of a court.
    r = await uwv_client.post(PAD, json=verzoek(bsns=("999990020",)))
    assert r.status_code == 201
    per = {t["terugvorderingsnummer"]: t for t in r.json()["terugvorderingen"]}
    assert per["TV-ZW-2024-000120"]["status"] == "GESTOPT"
    assert per["TV-WIA-2023-000220"]["status"] == "NIET_GESTOPT"
    assert per["TV-WIA-2023-000220"]["reden_code"] == "RECHTERLIJKE_VERREKENING"
    (stop,) = (await uwv_client.get("/_simulator/opschortingen")).json()["opschortingen"]
    assert stop["vorderingen"] == ["TV-ZW-2024-000120"]


async def test_only_court_ordered_set_off_in_scope_is_refused(uwv_client):
    r = await uwv_client.post(PAD, json=verzoek(bsns=("999990032",)))
    assert r.status_code == 422
    assert code(r) == "RECHTERLIJKE_VERREKENING"
    assert r.json()["terugvorderingen"][0]["reden_code"] == "RECHTERLIJKE_VERREKENING"
    assert await aantal(uwv_client) == 0
    # without VERREKENING asked, the other actions on it are stopped
    zonder = await uwv_client.post(PAD, json=verzoek("k-2", ("999990032",), acties=["INNING"]))
    assert zonder.status_code == 201


@pytest.mark.parametrize(("dagen_terug", "status"), [(14, 201), (15, 422)])
async def test_a_stop_works_at_most_14_days_back(uwv_client, dagen_terug, status):
    r = await uwv_client.post(PAD, json=verzoek(start=VANDAAG - dt.timedelta(days=dagen_terug)))
    assert r.status_code == status
    if status == 422:
        assert code(r) == "INGANGSDATUM_TE_VER_TERUG"


async def test_unknown_customer_and_unknown_or_no_recoveries(uwv_client):
    onbekend = await uwv_client.post(PAD, json=verzoek(bsns=("999990081",)))
    assert (onbekend.status_code, code(onbekend)) == (422, "KLANT_NIET_GEVONDEN")
    geen = await uwv_client.post(PAD, json=verzoek("k-2", ("999990044",)))  # benefit, no recovery
    assert (geen.status_code, code(geen)) == (422, "GEEN_TERUGVORDERING")
    vreemd = await uwv_client.post(
        PAD, json=verzoek("k-3", terugvorderingsnummers=["TV-WW-2025-000119", "TV-WW-0000-000000"])
    )
    assert [t["status"] for t in vreemd.json()["terugvorderingen"]] == ["GESTOPT", "NIET_GESTOPT"]


async def test_idempotent_on_aanvraag_kenmerk_and_snake_case_only(uwv_client):
    a = await uwv_client.post(PAD, json=verzoek("same"))
    b = await uwv_client.post(PAD, json=verzoek("same"))
    assert a.json()["stopnummer"] == b.json()["stopnummer"]
    assert b.headers["Idempotent-Replay"] == "true"
    anders = await uwv_client.post(PAD, json=verzoek("same", acties=["INNING"]))
    assert (anders.status_code, code(anders)) == (409, "SLEUTEL_HERGEBRUIKT")
    camel = verzoek("k-9")
    camel["aanvraagKenmerk"] = camel.pop("aanvraag_kenmerk")
    ongeldig = await uwv_client.post(PAD, json=camel)
    assert (ongeldig.status_code, code(ongeldig)) == (400, "ONGELDIG_VERZOEK")
    assert "999990019" not in ongeldig.text


def wijziging(sleutel="w-1", **velden):
    return {
        "aanvraag_kenmerk": sleutel,
        "aanvrager_oin": "00000001999999990001",
        "toelichting": "Wijziging van de time-out",
        **velden,
    }


async def test_found_by_aanvraag_kenmerk(uwv_client):
    stop = (await uwv_client.post(PAD, json=verzoek("orig-1"))).json()["stopnummer"]
    r = await uwv_client.get("/uwv/terugvordering/v1/aanvragen/orig-1")
    assert r.status_code == 200
    assert r.json()["stopnummer"] == stop
    nee = await uwv_client.get("/uwv/terugvordering/v1/aanvragen/nope")
    assert (nee.status_code, code(nee)) == (404, "AANVRAAG_NIET_GEVONDEN")


async def test_extend_then_end(uwv_client):
    stop = (await uwv_client.post(PAD, json=verzoek())).json()["stopnummer"]
    eind = VANDAAG + dt.timedelta(days=150)
    verlengd = await uwv_client.put(
        f"{PAD}/{stop}/einddatum", json=wijziging(einddatum=eind.isoformat())
    )
    assert verlengd.status_code == 200, verlengd.text
    assert verlengd.json()["einddatum"] == eind.isoformat()
    assert verlengd.json()["mutatienummer"] == f"UWV-MUT-{VANDAAG:%Y%m%d}-00002"
    korter = await uwv_client.put(
        f"{PAD}/{stop}/einddatum", json=wijziging("w-2", einddatum=VANDAAG.isoformat())
    )
    assert (korter.status_code, code(korter)) == (422, "EINDDATUM_NIET_LATER")
    te_laat = await uwv_client.post(
        f"{PAD}/{stop}/beeindiging",
        json=wijziging("w-3", hervatten_per=(eind + dt.timedelta(days=2)).isoformat()),
    )
    assert (te_laat.status_code, code(te_laat)) == (422, "HERVATTEN_NA_EINDDATUM")
    per = VANDAAG + dt.timedelta(days=10)
    beeindigd = await uwv_client.post(
        f"{PAD}/{stop}/beeindiging", json=wijziging("w-4", hervatten_per=per.isoformat())
    )
    assert beeindigd.status_code == 200
    assert beeindigd.json()["einddatum"] == (per - dt.timedelta(days=1)).isoformat()
    nogmaals = await uwv_client.post(f"{PAD}/{stop}/beeindiging", json=wijziging("w-5"))
    assert (nogmaals.status_code, code(nogmaals)) == (422, "STOP_AFGELOPEN")
    (admin,) = (await uwv_client.get("/_simulator/opschortingen")).json()["opschortingen"]
    assert [w["sleutel"] for w in admin["wijzigingen"]] == ["w-1", "w-4"]
    assert admin["opgeheven"] is True
    onbekend = await uwv_client.post(f"{PAD}/UWV-IS-0/beeindiging", json=wijziging("w-6"))
    assert (onbekend.status_code, code(onbekend)) == (404, "STOP_NIET_GEVONDEN")
