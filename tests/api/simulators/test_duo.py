import datetime as dt

import pytest

from tests.api.simulators.conftest import VANDAAG
from tests.api.simulators.test_belastingdienst import aantal

PAD = "/duo/v2/betalingspauzes"


def verzoek(sleutel="k-1", bsns=("999990019",), start=VANDAAG, **overrides):
    body = {
        "verzoekId": sleutel,
        "opdrachtgever": {"oin": "00000001999999990001"},
        "debiteuren": [{"bsn": b} for b in bsns],
        "schuldnummers": None,
        "startDatum": start.isoformat(),
        "eindDatum": (start + dt.timedelta(days=90)).isoformat(),
        "pauzeSoorten": [10, 20],
        "wettelijkeGrondslag": "Time-outbevoegdheid",
        "motivering": "Ruimte voor een regeling",
    }
    return {**body, **overrides}


async def test_a_pause(duo_client):
    r = await duo_client.post(PAD, json=verzoek())
    assert r.status_code == 201
    body = r.json()
    assert body["duoKenmerk"] == f"DUO-BP-{VANDAAG:%Y%m%d}-00001"
    assert body["status"] == "ACTIEF"
    assert body["schulden"] == [
        {"schuldnummer": "SF-2019-000119", "gepauzeerd": True, "toelichting": None}
    ]


async def test_a_future_pause_is_planned(duo_client):
    r = await duo_client.post(PAD, json=verzoek(start=VANDAAG + dt.timedelta(days=3)))
    assert r.json()["status"] == "GEPLAND"


@pytest.mark.parametrize(("dagen_terug", "status"), [(30, 201), (31, 422), (365, 422)])
async def test_no_pause_more_than_30_days_back(duo_client, dagen_terug, status):
    r = await duo_client.post(PAD, json=verzoek(start=VANDAAG - dt.timedelta(days=dagen_terug)))
    assert r.status_code == status
    if status == 422:
        assert r.json()["fout"]["code"] == "STARTDATUM_TE_VER_IN_VERLEDEN"
        assert await aantal(duo_client) == 0


async def test_unknown_debtor(duo_client):
    r = await duo_client.post(PAD, json=verzoek(bsns=("999990020",)))
    assert r.status_code == 422
    assert r.json()["fout"]["code"] == "DEBITEUR_ONBEKEND"


async def test_debt_scope(duo_client):
    r = await duo_client.post(
        PAD, json=verzoek(bsns=("999990032",), schuldnummers=["LG-2020-000232", "XX-0000-000000"])
    )
    schulden = {s["schuldnummer"]: s["gepauzeerd"] for s in r.json()["schulden"]}
    assert schulden == {"LG-2020-000232": True, "XX-0000-000000": False}
    r = await duo_client.post(PAD, json=verzoek("k-2", schuldnummers=["XX-0000-000000"]))
    assert r.status_code == 422
    assert r.json()["fout"]["code"] == "SCHULD_ONBEKEND"


async def test_idempotent_on_verzoek_id(duo_client):
    a = await duo_client.post(PAD, json=verzoek("same"))
    b = await duo_client.post(PAD, json=verzoek("same"))
    assert a.json()["duoKenmerk"] == b.json()["duoKenmerk"]
    assert await aantal(duo_client) == 1
    c = await duo_client.post(PAD, json=verzoek("same", pauzeSoorten=[10]))
    assert c.status_code == 409
    assert c.json()["fout"]["code"] == "SLEUTEL_HERGEBRUIKT"


async def test_unknown_pause_code_is_400(duo_client):
    r = await duo_client.post(PAD, json=verzoek(pauzeSoorten=[99]))
    assert r.status_code == 400
    assert r.json()["fout"]["code"] == "ONGELDIG_VERZOEK"
