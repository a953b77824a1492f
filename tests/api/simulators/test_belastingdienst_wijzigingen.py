"""Belastingdienst simulator: extending and ending an invorderingsstop, and finding one."""

import pytest

from tests.api.simulators.conftest import VANDAAG
from tests.api.simulators.test_belastingdienst import PAD, verzoek

BSN = "999990019"


def verlenging(sleutel="v-1", einde="2027-05-31", bsns=(BSN,), **overrides):
    body = {
        "verzoekKenmerk": sleutel,
        "aanvragerOin": "00000001999999990001",
        "belastingplichtigen": [{"bsn": b} for b in bsns],
        "nieuweEinddatum": einde,
        "toelichting": "Meer tijd nodig",
    }
    return {**body, **overrides}


def beeindiging(sleutel="b-1", per="2027-01-15", bsns=(BSN,), **overrides):
    body = {
        "verzoekKenmerk": sleutel,
        "aanvragerOin": "00000001999999990001",
        "belastingplichtigen": [{"bsn": b} for b in bsns],
        "beeindigdPer": per,
        "toelichting": "Regeling getroffen",
    }
    return {k: v for k, v in {**body, **overrides}.items() if v is not None}


async def stop(bd, sleutel="k-1", **overrides) -> str:
    r = await bd.post(PAD, json=verzoek(sleutel, **overrides))
    assert r.status_code == 201
    return r.json()["stopKenmerk"]


async def admin(bd) -> dict:
    (enige,) = (await bd.get("/_simulator/opschortingen")).json()["opschortingen"]
    return enige


async def test_found_by_the_key_of_the_registering_request(bd):
    kenmerk = await stop(bd, "orig-1")
    r = await bd.get(PAD, params={"verzoekKenmerk": "orig-1"})
    assert r.status_code == 200
    (gevonden,) = r.json()["invorderingsstops"]
    assert gevonden["stopKenmerk"] == kenmerk
    assert gevonden["status"] == "GEREGISTREERD"
    assert gevonden["einddatum"] == "2027-02-28"
    assert BSN not in r.text
    leeg = await bd.get(PAD, params={"verzoekKenmerk": "onbekend"})
    assert leeg.json() == {"invorderingsstops": []}
    assert (await bd.get(PAD)).status_code == 400


async def test_an_extension(bd):
    kenmerk = await stop(bd)
    r = await bd.post(f"{PAD}/{kenmerk}/verlengingen", json=verlenging())
    assert r.status_code == 201
    body = r.json()
    assert body["stopKenmerk"] == kenmerk
    assert body["verlengingKenmerk"] == f"BD-VL-{VANDAAG.year}-000002"
    assert (body["vorigeEinddatum"], body["einddatum"]) == ("2027-02-28", "2027-05-31")
    assert body["status"] == "VERLENGD"
    o = await admin(bd)
    assert (o["totEnMet"], o["oorspronkelijkTotEnMet"], o["opgeheven"]) == (
        "2027-05-31",
        "2027-02-28",
        False,
    )
    assert o["wijzigingen"] == [
        {
            "referentie": body["verlengingKenmerk"],
            "sleutel": "v-1",
            "soort": "verlenging",
            "totEnMet": "2027-05-31",
        }
    ]


async def test_an_extension_is_idempotent_on_its_own_key(bd):
    kenmerk = await stop(bd)
    pad = f"{PAD}/{kenmerk}/verlengingen"
    eerste = await bd.post(pad, json=verlenging("same"))
    tweede = await bd.post(pad, json=verlenging("same"))
    assert eerste.json() == tweede.json()
    assert tweede.headers["idempotent-replay"] == "true"
    assert len((await admin(bd))["wijzigingen"]) == 1
    anders = await bd.post(pad, json=verlenging("same", einde="2027-06-30"))
    assert anders.status_code == 409
    assert anders.json()["foutcode"] == "SLEUTEL_HERGEBRUIKT"
    ander_stop = await stop(bd, "k-2")
    elders = await bd.post(f"{PAD}/{ander_stop}/verlengingen", json=verlenging("same"))
    assert elders.status_code == 409
    orig_key = await bd.post(pad, json=verlenging("k-1"))  # the stop's own request key
    assert orig_key.status_code == 409


@pytest.mark.parametrize(("einde", "status"), [("2027-11-30", 201), ("2027-12-01", 422)])
async def test_the_whole_stop_lasts_at_most_twelve_months(bd, einde, status):
    kenmerk = await stop(bd)  # from 2026-12-01
    r = await bd.post(f"{PAD}/{kenmerk}/verlengingen", json=verlenging(einde=einde))
    assert r.status_code == status
    if status == 422:
        assert r.json()["foutcode"] == "TERMIJN_TE_LANG"
        assert (await admin(bd))["totEnMet"] == "2027-02-28"


async def test_an_extension_must_end_later(bd):
    kenmerk = await stop(bd)
    r = await bd.post(f"{PAD}/{kenmerk}/verlengingen", json=verlenging(einde="2027-02-28"))
    assert r.status_code == 422
    assert r.json()["foutcode"] == "EINDDATUM_NIET_LATER"


async def test_unknown_stop_is_404(bd):
    r = await bd.post(f"{PAD}/BD-IS-2026-999999/verlengingen", json=verlenging())
    assert r.status_code == 404
    assert r.json()["foutcode"] == "STOP_ONBEKEND"
    r = await bd.post(f"{PAD}/BD-IS-2026-999999/beeindigingen", json=beeindiging())
    assert r.status_code == 404


async def test_the_taxpayers_must_be_the_stops_own(bd):
    kenmerk = await stop(bd)
    ander = await bd.post(f"{PAD}/{kenmerk}/verlengingen", json=verlenging(bsns=(BSN, "999990020")))
    assert ander.status_code == 422
    assert ander.json()["foutcode"] == "BELASTINGPLICHTIGE_WIJKT_AF"
    onbekend = await bd.post(
        f"{PAD}/{kenmerk}/beeindigingen", json=beeindiging(bsns=("999990068",))
    )
    assert onbekend.json()["foutcode"] == "BELASTINGPLICHTIGE_ONBEKEND"
    assert "999990068" not in onbekend.text


async def test_ending_early(bd):
    kenmerk = await stop(bd)
    r = await bd.post(f"{PAD}/{kenmerk}/beeindigingen", json=beeindiging(per="2027-01-15"))
    assert r.status_code == 201
    body = r.json()
    assert body["beeindigingKenmerk"].startswith("BD-BE-")
    assert (body["status"], body["einddatum"], body["beeindigdPer"]) == (
        "BEEINDIGD",
        "2027-01-14",
        "2027-01-15",
    )
    o = await admin(bd)
    assert (o["opgeheven"], o["opgehevenPer"], o["totEnMet"]) == (True, "2027-01-15", "2027-01-14")
    assert o["wijzigingen"][0]["soort"] == "opheffing"


async def test_ending_defaults_to_today(bd):
    kenmerk = await stop(bd, ingangsdatum=VANDAAG.isoformat())
    r = await bd.post(f"{PAD}/{kenmerk}/beeindigingen", json=beeindiging(per=None))
    assert r.json()["beeindigdPer"] == VANDAAG.isoformat()


async def test_an_ended_stop_is_neither_ended_again_nor_extended(bd):
    kenmerk = await stop(bd)
    await bd.post(f"{PAD}/{kenmerk}/beeindigingen", json=beeindiging("b-1"))
    nogmaals = await bd.post(f"{PAD}/{kenmerk}/beeindigingen", json=beeindiging("b-2"))
    assert nogmaals.status_code == 422
    assert nogmaals.json()["foutcode"] == "STOP_BEEINDIGD"
    verlengd = await bd.post(f"{PAD}/{kenmerk}/verlengingen", json=verlenging())
    assert verlengd.json()["foutcode"] == "STOP_BEEINDIGD"
    assert len((await admin(bd))["wijzigingen"]) == 1


async def test_a_stop_that_ran_out_is_not_changed(bd):
    kenmerk = await stop(bd, ingangsdatum="2026-09-01", einddatum="2026-11-21")
    r = await bd.post(f"{PAD}/{kenmerk}/verlengingen", json=verlenging())
    assert r.json()["foutcode"] == "STOP_BEEINDIGD"


async def test_ending_after_the_end_date_is_refused(bd):
    kenmerk = await stop(bd)  # until 2027-02-28
    laat = await bd.post(f"{PAD}/{kenmerk}/beeindigingen", json=beeindiging(per="2027-03-02"))
    assert laat.status_code == 422
    assert laat.json()["foutcode"] == "BEEINDIGDPER_NA_EINDDATUM"
    op_de_dag = await bd.post(
        f"{PAD}/{kenmerk}/beeindigingen", json=beeindiging("b-2", per="2027-03-01")
    )
    assert op_de_dag.status_code == 201


async def test_reset_forgets_changes(bd):
    kenmerk = await stop(bd)
    await bd.post(f"{PAD}/{kenmerk}/verlengingen", json=verlenging())
    await bd.post("/_simulator/reset")
    await stop(bd)
    assert (await admin(bd))["wijzigingen"] == []
