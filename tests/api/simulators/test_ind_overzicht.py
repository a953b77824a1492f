"""IND's query API: ``POST /ind/leges/v1/overzichten``."""

import datetime as dt

from tests.api.simulators import test_ind
from tests.api.simulators.conftest import VANDAAG

PAD = "/ind/leges/v1/overzichten"
ALLE = ("LEGES", "VERBLIJFSSTATUS", "AANVRAGEN")


def vraag(bsn="999990019", onderdelen=("LEGES",), sleutel="q-1", **overrides):
    body = {
        "verzoekReferentie": sleutel,
        "afnemer": {"oin": "00000001999999990001"},
        "betrokkene": {"bsn": bsn},
        "onderdelen": list(onderdelen),
        "doel": "Schuldenoverzicht voor een time-out",
        "grondslag": "Afstemmingsbepaling",
    }
    return {**body, **overrides}


async def test_the_fees_of_the_partner_with_exact_amounts(ind_client):
    r = await ind_client.post(PAD, json=vraag("999990020", ALLE))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["vNummer"] == "3100000020" and body["peildatum"] == VANDAAG.isoformat()
    assert body["leges"] == [
        {
            "legesnummer": "IND-LG-2025-000120",
            "product": "naturalisatie",
            "bedragCent": 139100,
            "openstaandCent": 139100,
            "status": "OPENSTAAND",
            "vervaldatum": "2025-12-01",
            "lopendeOnderdelen": ["INNING", "DWANGBEVEL"],
            "bezwaar": False,
            "uitstel": None,
        },
        {
            "legesnummer": "IND-LG-2021-000220",
            "product": "verblijfsvergunning-verlenging",
            "bedragCent": 22800,
            "openstaandCent": 0,
            "status": "VOLDAAN",
            "vervaldatum": "2021-05-01",
            "lopendeOnderdelen": [],
            "bezwaar": False,
            "uitstel": None,
        },
    ]
    assert body["verblijfsstatus"] == {
        "soort": "regulier-onbepaalde-tijd",
        "geldigTot": "2031-05-01",
    }
    assert [a["status"] for a in body["aanvragen"]] == ["AANGEHOUDEN_WEGENS_LEGES"]
    assert body["nietGeleverd"] == []


async def test_only_fees_no_arrangements(ind_client):
    body = (await ind_client.post(PAD, json=vraag(onderdelen=["BETALINGSREGELINGEN"]))).json()
    assert body["nietGeleverd"] == ["BETALINGSREGELINGEN"]
    assert "leges" not in body and "verblijfsstatus" not in body


async def test_a_running_deferral_shows_on_the_fee(ind_client):
    await ind_client.post(test_ind.PAD, json=test_ind.verzoek())
    (leges,) = (await ind_client.post(PAD, json=vraag())).json()["leges"]
    assert leges["uitstel"] == {
        "uitstelnummer": f"IND-UIT-{VANDAAG:%Y}-000001",
        "uitstelVan": VANDAAG.isoformat(),
        "uitstelTot": (VANDAAG + dt.timedelta(days=90)).isoformat(),
    }


async def test_refusals(ind_client):
    onbekend = await ind_client.post(PAD, json=vraag("999990044"))
    assert (onbekend.status_code, onbekend.json()["code"]) == (404, "PERSOON_ONBEKEND")
    afgeschermd = await ind_client.post(PAD, json=vraag("999990111"))
    assert (afgeschermd.status_code, afgeschermd.json()["code"]) == (403, "AFGESCHERMD")
    zonder = vraag()
    del zonder["doel"]
    ongeldig = await ind_client.post(PAD, json=zonder)
    assert (ongeldig.status_code, ongeldig.json()["code"]) == (400, "ONGELDIG_VERZOEK")
