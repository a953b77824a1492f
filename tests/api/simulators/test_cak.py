"""CAK simulator: *incassostops* on the bestuursrechtelijke premie and eigen bijdragen, their
extension and ending, and the look-up by ``berichtkenmerk``."""

import datetime as dt

import pytest

from tests.api.simulators.conftest import VANDAAG
from tests.api.simulators.test_belastingdienst import aantal

PAD = "/cak/api/v1/incassostops"
EINDE = VANDAAG + dt.timedelta(days=90)


def verzoek(sleutel="k-1", bsns=("999990019",), start=VANDAAG, **overrides):
    body = {
        "berichtkenmerk": sleutel,
        "afzender_oin": "00000001999999990001",
        "relaties": [{"bsn": b} for b in bsns],
        "regelingsnummers": None,
        "ingangsdatum": start.isoformat(),
        "einddatum": (start + dt.timedelta(days=90)).isoformat(),
        "maatregelen": ["INCASSO", "BRONINHOUDING"],
        "wettelijke_grondslag": "Time-outbevoegdheid",
        "motivatie": "Ruimte voor een regeling",
    }
    return {**body, **overrides}


def codes(r) -> list[str]:
    return [f["code"] for f in r.json()["fouten"]]


async def stop(client, sleutel="k-1", **overrides) -> str:
    r = await client.post(PAD, json=verzoek(sleutel, **overrides))
    assert r.status_code == 201, r.text
    return r.json()["cak_referentie"]


async def test_a_stop_on_every_regeling_of_the_person(cak_client):
    r = await cak_client.post(PAD, json=verzoek())
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["cak_referentie"] == f"CAK-OPS-{VANDAAG.year}-000001"
    assert body["status"] == "ACTIEF"
    assert body["regelingen"] == [
        {"regelingsnummer": "BRP-2025-000119", "resultaat": "GESTOPT", "reden_code": None},
        {"regelingsnummer": "EBW-2026-000219", "resultaat": "GESTOPT", "reden_code": None},
    ]


async def test_a_regeling_handed_over_to_the_cjib_is_not_stopped(cak_client):
    r = await cak_client.post(PAD, json=verzoek(bsns=("999990044",)))
    assert r.status_code == 201
    per = {g["regelingsnummer"]: (g["resultaat"], g["reden_code"]) for g in r.json()["regelingen"]}
    assert per == {
        "BRP-2025-000144": ("GESTOPT", None),
        "BRP-2022-000244": ("NIET_GESTOPT", "OVERGEDRAGEN_AAN_CJIB"),
    }
    (geregistreerd,) = (await cak_client.get("/_simulator/opschortingen")).json()["opschortingen"]
    assert geregistreerd["vorderingen"] == ["BRP-2025-000144"]


async def test_all_handed_over_is_refused_with_the_results(cak_client):
    r = await cak_client.post(PAD, json=verzoek(bsns=("999990032",)))
    assert r.status_code == 422
    assert codes(r) == ["ALLE_REGELINGEN_OVERGEDRAGEN"]
    assert r.json()["regelingen"][0]["reden_code"] == "OVERGEDRAGEN_AAN_CJIB"
    assert await aantal(cak_client) == 0


async def test_unknown_numbers_and_persons(cak_client):
    r = await cak_client.post(PAD, json=verzoek(regelingsnummers=["BRP-1999-000001"]))
    assert (r.status_code, codes(r)) == (422, ["GEEN_STOPBARE_REGELINGEN"])
    r = await cak_client.post(PAD, json=verzoek("k-2", bsns=("999990056",)))
    assert (r.status_code, codes(r)) == (422, ["RELATIE_ONBEKEND"])


@pytest.mark.parametrize(
    ("start", "status"),
    [(VANDAAG.replace(day=1), 201), (VANDAAG.replace(day=1) - dt.timedelta(days=1), 422)],
)
async def test_no_stop_before_the_current_month(cak_client, start, status):
    r = await cak_client.post(PAD, json=verzoek(start=start))
    assert r.status_code == status
    if status == 422:
        assert codes(r) == ["INGANGSDATUM_VOOR_LOPENDE_MAAND"]


async def test_idempotent_on_berichtkenmerk(cak_client):
    a = await cak_client.post(PAD, json=verzoek("zelfde"))
    b = await cak_client.post(PAD, json=verzoek("zelfde"))
    assert a.json()["cak_referentie"] == b.json()["cak_referentie"]
    assert await aantal(cak_client) == 1
    c = await cak_client.post(PAD, json=verzoek("zelfde", maatregelen=["INCASSO"]))
    assert (c.status_code, codes(c)) == (409, ["SLEUTEL_HERGEBRUIKT"])


async def test_camel_case_or_an_unknown_measure_is_a_bad_request(cak_client):
    body = verzoek()
    body["berichtKenmerk"] = body.pop("berichtkenmerk")
    assert codes(await cak_client.post(PAD, json=body)) == ["ONGELDIG_VERZOEK"]
    r = await cak_client.post(PAD, json=verzoek(maatregelen=["RENTE"]))
    assert (r.status_code, codes(r)) == (400, ["ONGELDIG_VERZOEK"])


def wijziging(sleutel="w-1", **velden):
    return {
        "berichtkenmerk": sleutel,
        "afzender_oin": "00000001999999990001",
        "motivatie": "Wijziging van de time-out",
        **velden,
    }


async def test_found_by_berichtkenmerk(cak_client):
    referentie = await stop(cak_client, "orig-1")
    gevonden = (await cak_client.get(PAD, params={"berichtkenmerk": "orig-1"})).json()
    assert [(s["cak_referentie"], s["einddatum"]) for s in gevonden["resultaten"]] == [
        (referentie, EINDE.isoformat())
    ]
    niets = (await cak_client.get(PAD, params={"berichtkenmerk": "ander"})).json()
    assert niets == {"resultaten": [], "aantal": 0}


async def test_extend_then_end(cak_client):
    referentie = await stop(cak_client)
    nieuw = EINDE + dt.timedelta(days=30)
    r = await cak_client.post(
        f"{PAD}/{referentie}/verlengingen", json=wijziging(nieuwe_einddatum=nieuw.isoformat())
    )
    assert r.status_code == 200, r.text
    assert r.json()["einddatum"] == nieuw.isoformat()
    assert r.json()["mutatiekenmerk"] == f"CAK-MUT-{VANDAAG.year}-000002"
    herhaald = await cak_client.post(
        f"{PAD}/{referentie}/verlengingen", json=wijziging(nieuwe_einddatum=nieuw.isoformat())
    )
    assert herhaald.json()["mutatiekenmerk"] == r.json()["mutatiekenmerk"]
    r = await cak_client.post(f"{PAD}/{referentie}/beeindigingen", json=wijziging("w-2"))
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["einddatum"]) == (
        "BEEINDIGD",
        (VANDAAG - dt.timedelta(days=1)).isoformat(),
    )
    (geregistreerd,) = (await cak_client.get("/_simulator/opschortingen")).json()["opschortingen"]
    assert geregistreerd["opgehevenPer"] == VANDAAG.isoformat()
    assert [w["soort"] for w in geregistreerd["wijzigingen"]] == ["verlenging", "opheffing"]
    r = await cak_client.post(
        f"{PAD}/{referentie}/verlengingen",
        json=wijziging("w-3", nieuwe_einddatum=(nieuw + dt.timedelta(days=1)).isoformat()),
    )
    assert (r.status_code, codes(r)) == (422, ["INCASSOSTOP_BEEINDIGD"])


async def test_change_refusals(cak_client):
    referentie = await stop(cak_client)
    r = await cak_client.post(
        f"{PAD}/{referentie}/verlengingen", json=wijziging(nieuwe_einddatum=EINDE.isoformat())
    )
    assert (r.status_code, codes(r)) == (422, ["EINDDATUM_NIET_LATER"])
    later = (EINDE + dt.timedelta(days=2)).isoformat()
    r = await cak_client.post(
        f"{PAD}/{referentie}/beeindigingen", json=wijziging("w-2", hervatten_per=later)
    )
    assert (r.status_code, codes(r)) == (422, ["HERVATTEN_NA_EINDDATUM"])
    r = await cak_client.post(f"{PAD}/CAK-OPS-2026-999999/beeindigingen", json=wijziging("w-3"))
    assert (r.status_code, codes(r)) == (404, ["INCASSOSTOP_ONBEKEND"])
