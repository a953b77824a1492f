"""DUO simulator: PATCH a betalingspauze to extend or end it, and find one."""

import datetime as dt

from tests.api.simulators.conftest import VANDAAG
from tests.api.simulators.test_duo import PAD, verzoek

EINDE = VANDAAG + dt.timedelta(days=90)  # of verzoek()


def mutatie(sleutel="m-1", **velden):
    body = {
        "verzoekId": sleutel,
        "opdrachtgever": {"oin": "00000001999999990001"},
        "motivering": "Wijziging van de time-out",
    }
    return {**body, **velden}


async def pauze(client, sleutel="k-1", **overrides) -> str:
    r = await client.post(PAD, json=verzoek(sleutel, **overrides))
    assert r.status_code == 201
    return r.json()["duoKenmerk"]


async def admin(client) -> dict:
    (enige,) = (await client.get("/_simulator/opschortingen")).json()["opschortingen"]
    return enige


async def test_found_by_verzoek_id(duo_client):
    kenmerk = await pauze(duo_client, "orig-1")
    r = await duo_client.get(PAD, params={"verzoekId": "orig-1"})
    assert r.json()["totaal"] == 1
    (item,) = r.json()["items"]
    assert (item["duoKenmerk"], item["status"], item["eindDatum"]) == (
        kenmerk,
        "ACTIEF",
        EINDE.isoformat(),
    )
    assert "999990019" not in r.text
    assert (await duo_client.get(PAD, params={"verzoekId": "x"})).json() == {
        "items": [],
        "totaal": 0,
    }


async def test_extend_by_patching_the_end_date(duo_client):
    kenmerk = await pauze(duo_client)
    nieuw = EINDE + dt.timedelta(days=60)
    r = await duo_client.patch(f"{PAD}/{kenmerk}", json=mutatie(eindDatum=nieuw.isoformat()))
    assert r.status_code == 200
    body = r.json()
    assert (body["duoKenmerk"], body["status"], body["eindDatum"]) == (
        kenmerk,
        "ACTIEF",
        nieuw.isoformat(),
    )
    assert body["mutatie"]["soort"] == "VERLENGING"
    assert body["mutatie"]["mutatieId"].startswith("DUO-MUT-")
    o = await admin(duo_client)
    assert (o["totEnMet"], o["oorspronkelijkTotEnMet"], o["opgeheven"]) == (
        nieuw.isoformat(),
        EINDE.isoformat(),
        False,
    )


async def test_a_pause_is_not_shortened_by_its_end_date(duo_client):
    kenmerk = await pauze(duo_client)
    r = await duo_client.patch(f"{PAD}/{kenmerk}", json=mutatie(eindDatum=EINDE.isoformat()))
    assert r.status_code == 422
    assert r.json()["fout"]["code"] == "EINDDATUM_NIET_LATER"


async def test_end_it_as_of_today_by_default(duo_client):
    kenmerk = await pauze(duo_client)
    r = await duo_client.patch(f"{PAD}/{kenmerk}", json=mutatie(status="BEEINDIGD"))
    assert r.status_code == 200
    gisteren = (VANDAAG - dt.timedelta(days=1)).isoformat()
    assert (r.json()["status"], r.json()["eindDatum"]) == ("BEEINDIGD", gisteren)
    assert r.json()["mutatie"]["soort"] == "BEEINDIGING"
    o = await admin(duo_client)
    assert (o["opgeheven"], o["opgehevenPer"], o["totEnMet"]) == (
        True,
        VANDAAG.isoformat(),
        gisteren,
    )


async def test_end_it_on_a_later_day(duo_client):
    kenmerk = await pauze(duo_client)
    laatste = VANDAAG + dt.timedelta(days=10)
    r = await duo_client.patch(
        f"{PAD}/{kenmerk}", json=mutatie(status="BEEINDIGD", eindDatum=laatste.isoformat())
    )
    assert r.json()["eindDatum"] == laatste.isoformat()
    assert (await admin(duo_client))["opgehevenPer"] == (laatste + dt.timedelta(days=1)).isoformat()
    te_laat = await duo_client.patch(
        f"{PAD}/{await pauze(duo_client, 'k-2')}",
        json=mutatie(
            "m-2", status="BEEINDIGD", eindDatum=(EINDE + dt.timedelta(days=1)).isoformat()
        ),
    )
    assert te_laat.json()["fout"]["code"] == "EINDDATUM_NA_HUIDIGE_EINDDATUM"


async def test_a_pause_that_has_ended_is_not_ended_again(duo_client):
    start = VANDAAG - dt.timedelta(days=20)
    kenmerk = await pauze(
        duo_client, start=start, eindDatum=(VANDAAG - dt.timedelta(days=1)).isoformat()
    )
    r = await duo_client.patch(f"{PAD}/{kenmerk}", json=mutatie(status="BEEINDIGD"))
    assert r.status_code == 422
    assert r.json()["fout"]["code"] == "PAUZE_AL_BEEINDIGD"
    verlengd = await duo_client.patch(
        f"{PAD}/{kenmerk}", json=mutatie("m-2", eindDatum=EINDE.isoformat())
    )
    assert verlengd.json()["fout"]["code"] == "PAUZE_AL_BEEINDIGD"


async def test_a_pause_ended_before_is_not_ended_again(duo_client):
    kenmerk = await pauze(duo_client)
    await duo_client.patch(f"{PAD}/{kenmerk}", json=mutatie("m-1", status="BEEINDIGD"))
    r = await duo_client.patch(f"{PAD}/{kenmerk}", json=mutatie("m-2", status="BEEINDIGD"))
    assert r.json()["fout"]["code"] == "PAUZE_AL_BEEINDIGD"
    assert len((await admin(duo_client))["wijzigingen"]) == 1


async def test_unknown_pause_and_empty_patch(duo_client):
    r = await duo_client.patch(f"{PAD}/DUO-BP-20261122-99999", json=mutatie(status="BEEINDIGD"))
    assert r.status_code == 404
    assert r.json()["fout"]["code"] == "PAUZE_ONBEKEND"
    kenmerk = await pauze(duo_client)
    leeg = await duo_client.patch(f"{PAD}/{kenmerk}", json=mutatie())
    assert leeg.status_code == 400
    assert leeg.json()["fout"]["code"] == "ONGELDIG_VERZOEK"


async def test_idempotent_on_the_mutations_own_key(duo_client):
    kenmerk = await pauze(duo_client)
    nieuw = (EINDE + dt.timedelta(days=30)).isoformat()
    a = await duo_client.patch(f"{PAD}/{kenmerk}", json=mutatie("dup", eindDatum=nieuw))
    b = await duo_client.patch(f"{PAD}/{kenmerk}", json=mutatie("dup", eindDatum=nieuw))
    assert a.json() == b.json()
    assert b.headers["idempotent-replay"] == "true"
    assert len((await admin(duo_client))["wijzigingen"]) == 1
    c = await duo_client.patch(f"{PAD}/{kenmerk}", json=mutatie("dup", status="BEEINDIGD"))
    assert c.status_code == 409
    assert c.json()["fout"]["code"] == "SLEUTEL_HERGEBRUIKT"
