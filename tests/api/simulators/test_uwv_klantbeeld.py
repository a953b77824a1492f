"""UWV's query API: ``POST /uwv/gegevensdiensten/v1/klantbeeld``."""

import datetime as dt

from tests.api.simulators import test_uwv
from tests.api.simulators.conftest import VANDAAG

PAD = "/uwv/gegevensdiensten/v1/klantbeeld"
ALLE = ("TERUGVORDERINGEN", "BETALINGSREGELINGEN", "VERREKENINGEN", "UITKERINGEN")


def vraag(bsn="999990019", producten=("TERUGVORDERINGEN",), sleutel="q-1", **overrides):
    body = {
        "aanvraag_kenmerk": sleutel,
        "afnemer_oin": "00000001999999990001",
        "bsn": bsn,
        "producten": list(producten),
        "doelbinding": "Schuldenoverzicht voor een time-out",
        "wettelijke_grondslag": "Afstemmingsbepaling",
    }
    return {**body, **overrides}


async def test_the_recoveries_of_the_partner_with_exact_amounts(uwv_client):
    r = await uwv_client.post(PAD, json=vraag("999990020", ALLE))
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["klantnummer"], body["peildatum"]) == ("UWV-K-3100020", VANDAAG.isoformat())
    kb = body["klantbeeld"]
    per = {t["terugvorderingsnummer"]: t for t in kb["terugvorderingen"]}
    assert per["TV-ZW-2024-000120"] == {
        "terugvorderingsnummer": "TV-ZW-2024-000120",
        "wet": "ZW",
        "reden": "herstel te laat gemeld",
        "oorspronkelijk_bedrag_centen": 64000,
        "openstaand_bedrag_centen": 64000,
        "lopende_acties": ["INNING"],
        "bezwaar_lopend": False,
        "betalingsregeling": {
            "regeling_nummer": "UWV-BR-3100020",
            "termijnbedrag_centen": 4000,
            "termijnen_resterend": 16,
            "startdatum": "2025-09-01",
        },
        "invorderingsstop": None,
    }
    assert per["TV-WIA-2023-000220"]["oorspronkelijk_bedrag_centen"] == 310000
    assert kb["verrekeningen"] == [
        {
            "terugvorderingsnummer": "TV-WIA-2023-000220",
            "bedrag_per_maand_centen": 15000,
            "rechterlijk_opgelegd": True,
        }
    ]
    assert [r["regeling_nummer"] for r in kb["betalingsregelingen"]] == ["UWV-BR-3100020"]
    assert kb["uitkeringen"] == [
        {"wet": "WIA", "ingangsdatum": "2022-06-01", "einddatum": None,
         "bruto_per_maand_centen": 142000}
    ]  # fmt: skip
    assert body["niet_geleverd"] == []


async def test_only_the_products_asked_and_unknown_ones_named(uwv_client):
    body = (await uwv_client.post(PAD, json=vraag(producten=["UITKERINGEN", "TOESLAGEN"]))).json()
    assert set(body["klantbeeld"]) == {"uitkeringen"}
    assert body["niet_geleverd"] == ["TOESLAGEN"]


async def test_a_running_stop_shows_on_the_recovery(uwv_client):
    await uwv_client.post(test_uwv.PAD, json=test_uwv.verzoek())
    (t,) = (await uwv_client.post(PAD, json=vraag())).json()["klantbeeld"]["terugvorderingen"]
    assert t["invorderingsstop"] == {
        "stopnummer": f"UWV-IS-{VANDAAG:%Y%m%d}-00001",
        "ingangsdatum": VANDAAG.isoformat(),
        "einddatum": (VANDAAG + dt.timedelta(days=90)).isoformat(),
    }


async def test_refusals(uwv_client):
    onbekend = await uwv_client.post(PAD, json=vraag("999990081"))
    assert (onbekend.status_code, test_uwv.code(onbekend)) == (404, "KLANT_NIET_GEVONDEN")
    geheim = await uwv_client.post(PAD, json=vraag("999990111"))
    assert (geheim.status_code, test_uwv.code(geheim)) == (403, "GEHEIMHOUDING")
    zonder_doel = vraag()
    del zonder_doel["doelbinding"]
    ongeldig = await uwv_client.post(PAD, json=zonder_doel)
    assert (ongeldig.status_code, test_uwv.code(ongeldig)) == (400, "ONGELDIG_VERZOEK")
