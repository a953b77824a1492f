"""UWV: the information request as a klantbeeld query (pure translation)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from connectors.base.backoffice import BackofficeAntwoord
from connectors.base.informatie import Weigering
from connectors.uwv import informatie
from schemas.informatie import (
    Gegevenscategorie,
    InformatieGeweigerd,
    InformatieVerstrekt,
    NietVerstrekt,
    Weigeringsgrond,
)
from schemas.opschorting import Maatregel
from schemas.organisaties import LOKET
from tests.unit.connectors.berichten import sleutel
from tests.unit.connectors.informatieverzoeken import geopend, opdracht, verzoek, vorderingen

BSN = "999990020"
NU = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
C = Gegevenscategorie

TERUGVORDERINGEN = [
    {
        "terugvorderingsnummer": "TV-WIA-2023-000220",
        "wet": "WIA",
        "reden": "samenloop met loon",
        "oorspronkelijk_bedrag_centen": 310000,
        "openstaand_bedrag_centen": 230000,
        "lopende_acties": ["VERREKENING", "ONBEKEND"],
        "bezwaar_lopend": True,
        "betalingsregeling": None,
        "invorderingsstop": {
            "stopnummer": "UWV-IS-1",
            "ingangsdatum": "2026-11-15",
            "einddatum": "2027-02-15",
        },
    }
]


def _body(**klantbeeld):
    return {
        "aanvraag_kenmerk": "x",
        "klantnummer": "UWV-K-3100020",
        "peildatum": "2026-12-01",
        "klantbeeld": klantbeeld,
        "niet_geleverd": [],
    }


def _opdracht(categorieen=(C.VORDERINGEN,), ontvanger=None):
    event = verzoek(
        "uwv",
        [BSN],
        sleutel().public_key(),
        ontvanger=(ontvanger or sleutel()).public_key(),
        categorieen=categorieen,
    )
    return opdracht(event, [BSN])


def _antwoord(body, categorieen=(C.VORDERINGEN,), status=200):
    ontvanger = sleutel()
    o = _opdracht(categorieen, ontvanger)
    return informatie.INFORMATIE.antwoord(o, BackofficeAntwoord(status, body), NU), ontvanger


def test_request_asks_the_uwvs_products_bsn_in_the_body_only():
    o = _opdracht((C.UITKERINGEN, C.VORDERINGEN, C.TOESLAGEN, C.VERREKENINGEN))
    verzoek_ = informatie.INFORMATIE.naar_verzoek(o)
    assert not isinstance(verzoek_, Weigering)
    assert (verzoek_.methode, verzoek_.pad, dict(verzoek_.query)) == (
        "POST",
        "/uwv/gegevensdiensten/v1/klantbeeld",
        {},
    )
    assert verzoek_.body == {
        "aanvraag_kenmerk": o.instructie_id,
        "afnemer_oin": LOKET.oin,
        "bsn": BSN,
        "producten": ["UITKERINGEN", "TERUGVORDERINGEN", "VERREKENINGEN"],
        "doelbinding": "schuldenoverzicht",
        "wettelijke_grondslag": "Wet aanpak meervoudige problematiek sociaal domein, artikel 2",
    }


def test_a_request_for_nothing_the_uwv_keeps_is_refused_without_a_query():
    uitkomst = informatie.INFORMATIE.naar_verzoek(_opdracht((C.STUDIEFINANCIERING,)))
    assert isinstance(uitkomst, Weigering)
    assert uitkomst.redencode is Weigeringsgrond.GEEN_GEGEVENS


def test_each_recovery_is_one_claim_in_cents():
    antwoord, ontvanger = _antwoord(_body(terugvorderingen=TERUGVORDERINGEN))
    assert isinstance(antwoord, InformatieVerstrekt)
    (t,) = vorderingen(antwoord, ontvanger)
    assert (t.referentie, t.soort) == ("TV-WIA-2023-000220", "terugvordering-wia")
    assert (t.oorspronkelijk_bedrag_centen, t.openstaand_bedrag_centen) == (310000, 230000)
    assert t.maatregelen == (Maatregel.VERREKENING, Maatregel.INVORDERING)
    assert (t.bezwaar_of_beroep, t.betalingsregeling, t.opgeschort) == (True, False, True)


def test_set_offs_are_compact_json_and_the_customer_number_is_never_passed_on():
    body = _body(
        terugvorderingen=TERUGVORDERINGEN,
        verrekeningen=[
            {
                "terugvorderingsnummer": "TV-WIA-2023-000220",
                "bedrag_per_maand_centen": 15000,
                "rechterlijk_opgelegd": True,
                "klantnummer": "UWV-K-3100020",
            }
        ],
        betalingsregelingen=[],
    )
    antwoord, ontvanger = _antwoord(body, (C.VERREKENINGEN, C.BETALINGSREGELINGEN))
    assert isinstance(antwoord, InformatieVerstrekt)
    inhoud = geopend(antwoord, ontvanger)
    assert set(inhoud) == {"verrekeningen"}
    assert json.loads(inhoud["verrekeningen"][0]) == {
        "aantal": 1,
        "items": [
            {
                "terugvorderingsnummer": "TV-WIA-2023-000220",
                "bedrag_per_maand_centen": 15000,
                "rechterlijk_opgelegd": True,
            }
        ],
    }
    assert antwoord.niet_verstrekt == (
        NietVerstrekt(categorie=C.BETALINGSREGELINGEN, redencode=Weigeringsgrond.GEEN_GEGEVENS),
    )
    assert "UWV-K-3100020" not in str(inhoud)


@pytest.mark.parametrize(
    ("status", "code", "redencode"),
    [
        (404, "KLANT_NIET_GEVONDEN", Weigeringsgrond.ONBEKENDE_PERSOON),
        (403, "GEHEIMHOUDING", Weigeringsgrond.GEEN_GRONDSLAG),
        (400, "ONGELDIG_VERZOEK", Weigeringsgrond.ONVERWERKBAAR),
    ],
)
def test_refusals(status, code, redencode):
    body = {"meldingen": [{"code": code, "omschrijving": "nee"}]}
    antwoord, _ = _antwoord(body, status=status)
    assert isinstance(antwoord, InformatieGeweigerd)
    assert antwoord.redencode is redencode
    assert antwoord.reden == f"{code}: nee"
