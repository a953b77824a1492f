"""IND simulator: uitstel van betaling of fees (leges), its changes and finding one."""

import datetime as dt

import pytest

from tests.api.simulators.conftest import VANDAAG
from tests.api.simulators.test_belastingdienst import aantal

PAD = "/ind/leges/v1/uitstelverzoeken"


def verzoek(sleutel="k-1", bsns=("999990019",), start=VANDAAG, **overrides):
    body = {
        "verzoekReferentie": sleutel,
        "indiener": {"oin": "00000001999999990001"},
        "aanvragers": [{"bsn": b} for b in bsns],
        "legesnummers": None,
        "uitstelVan": start.isoformat(),
        "uitstelTot": (start + dt.timedelta(days=90)).isoformat(),
        "onderdelen": ["INNING"],
        "grondslag": "Time-outbevoegdheid",
        "motivering": "Ruimte voor een regeling",
    }
    return {**body, **overrides}


async def test_a_deferral(ind_client):
    r = await ind_client.post(PAD, json=verzoek())
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["uitstelnummer"] == f"IND-UIT-{VANDAAG:%Y}-000001"
    assert body["status"] == "VERLEEND"
    assert body["leges"] == [
        {"legesnummer": "IND-LG-2026-000119", "uitgesteld": True, "reden": None}
    ]


async def test_a_paid_fee_is_not_deferred(ind_client):
    r = await ind_client.post(PAD, json=verzoek(bsns=("999990020",)))
    per = {x["legesnummer"]: (x["uitgesteld"], x["reden"]) for x in r.json()["leges"]}
    assert per == {"IND-LG-2025-000120": (True, None), "IND-LG-2021-000220": (False, "VOLDAAN")}


async def test_no_open_fees_is_refused_as_problem_details(ind_client):
    r = await ind_client.post(PAD, json=verzoek(bsns=("999990032",)))  # every fee paid
    assert r.status_code == 422
    body = r.json()
    assert body["code"] == "GEEN_OPENSTAANDE_LEGES"
    assert body["type"].startswith("https://ind.example/problemen/")
    assert body["status"] == 422 and body["detail"]
    assert body["leges"] == [
        {"legesnummer": "IND-LG-2024-000132", "uitgesteld": False, "reden": "VOLDAAN"}
    ]
    assert await aantal(ind_client) == 0


async def test_only_fee_steps_are_taken(ind_client):
    r = await ind_client.post(PAD, json=verzoek(onderdelen=["BESLAG"]))
    assert (r.status_code, r.json()["code"]) == (400, "ONGELDIG_VERZOEK")


@pytest.mark.parametrize(("dagen_terug", "status"), [(7, 201), (8, 422)])
async def test_no_deferral_more_than_7_days_back(ind_client, dagen_terug, status):
    r = await ind_client.post(PAD, json=verzoek(start=VANDAAG - dt.timedelta(days=dagen_terug)))
    assert r.status_code == status
    if status == 422:
        assert r.json()["code"] == "UITSTEL_MET_TERUGWERKENDE_KRACHT"


async def test_unknown_applicant(ind_client):
    r = await ind_client.post(PAD, json=verzoek(bsns=("999990044",)))
    assert (r.status_code, r.json()["code"]) == (422, "PERSOON_ONBEKEND")


async def test_idempotent_on_verzoek_referentie(ind_client):
    a = await ind_client.post(PAD, json=verzoek("same"))
    b = await ind_client.post(PAD, json=verzoek("same"))
    assert a.json()["uitstelnummer"] == b.json()["uitstelnummer"]
    c = await ind_client.post(PAD, json=verzoek("same", onderdelen=["DWANGBEVEL"]))
    assert (c.status_code, c.json()["code"]) == (409, "SLEUTEL_HERGEBRUIKT")


def besluit(sleutel="w-1", **velden):
    return {
        "verzoekReferentie": sleutel,
        "indiener": {"oin": "00000001999999990001"},
        "motivering": "Wijziging van de time-out",
        **velden,
    }


async def test_found_by_verzoek_referentie(ind_client):
    nummer = (await ind_client.post(PAD, json=verzoek("orig-1"))).json()["uitstelnummer"]
    r = await ind_client.get(PAD, params={"verzoekReferentie": "orig-1"})
    assert [x["uitstelnummer"] for x in r.json()["resultaten"]] == [nummer]
    leeg = await ind_client.get(PAD, params={"verzoekReferentie": "nope"})
    assert leeg.json() == {"resultaten": []}


async def test_extend_then_withdraw(ind_client):
    nummer = (await ind_client.post(PAD, json=verzoek())).json()["uitstelnummer"]
    tot = VANDAAG + dt.timedelta(days=120)
    verlengd = await ind_client.post(
        f"{PAD}/{nummer}/verlenging", json=besluit(nieuweUitstelTot=tot.isoformat())
    )
    assert verlengd.status_code == 200, verlengd.text
    assert verlengd.json()["uitstelTot"] == tot.isoformat()
    assert verlengd.json()["besluitnummer"] == f"IND-BES-{VANDAAG:%Y}-000002"
    niet_later = await ind_client.post(
        f"{PAD}/{nummer}/verlenging", json=besluit("w-2", nieuweUitstelTot=VANDAAG.isoformat())
    )
    assert (niet_later.status_code, niet_later.json()["code"]) == (422, "NIEUWE_DATUM_NIET_LATER")
    na_einde = await ind_client.post(
        f"{PAD}/{nummer}/intrekking",
        json=besluit("w-3", betalenVanaf=(tot + dt.timedelta(days=5)).isoformat()),
    )
    assert (na_einde.status_code, na_einde.json()["code"]) == (422, "INTREKKING_NA_EINDE")
    ingetrokken = await ind_client.post(f"{PAD}/{nummer}/intrekking", json=besluit("w-4"))
    assert ingetrokken.status_code == 200
    assert ingetrokken.json()["status"] == "INGETROKKEN"
    weer = await ind_client.post(f"{PAD}/{nummer}/intrekking", json=besluit("w-5"))
    assert (weer.status_code, weer.json()["code"]) == (422, "UITSTEL_VERLOPEN")
    onbekend = await ind_client.post(f"{PAD}/IND-UIT-0/intrekking", json=besluit("w-6"))
    assert (onbekend.status_code, onbekend.json()["code"]) == (404, "UITSTEL_ONBEKEND")
