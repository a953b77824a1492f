"""CAK: the information request as a *gegevenslevering* (pure translation)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from connectors.base.backoffice import BackofficeAntwoord
from connectors.base.informatie import Weigering
from connectors.cak import informatie
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

BSN = "999990019"
NU = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
C = Gegevenscategorie

REGELINGEN = {
    "aantal": 1,
    "totaal_openstaand_centen": 94500,
    "lijst": [
        {
            "regelingsnummer": "BRP-2025-000119",
            "soort": "bestuursrechtelijke-premie-zvw",
            "hoofdsom_centen": 126000,
            "openstaand_centen": 94500,
            "maatregelen": ["BRONINHOUDING", "OVERDRACHT_CJIB", "ONBEKEND"],
            "bezwaar": True,
            "overgedragen_aan_cjib": False,
            "betalingsregeling": None,
            "incassostop": {
                "cak_referentie": "CAK-OPS-2026-000001",
                "ingangsdatum": "2026-11-15",
                "einddatum": "2027-02-15",
            },
        }
    ],
}


def _body(**levering):
    return {
        "berichtkenmerk": "x",
        "relatienummer": "CAK-R-0190019",
        "peildatum": "2026-12-01",
        "levering": levering,
        "niet_geleverd": [],
    }


def _opdracht(categorieen=(C.VORDERINGEN,), ontvanger=None):
    event = verzoek(
        "cak",
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


def test_request_asks_the_cak_groups_bsn_in_the_body_only():
    o = _opdracht((C.ZORGVERZEKERING, C.VORDERINGEN, C.BESLAGEN, C.TOESLAGEN))
    verzoek_ = informatie.INFORMATIE.naar_verzoek(o)
    assert not isinstance(verzoek_, Weigering)
    assert (verzoek_.methode, verzoek_.pad, dict(verzoek_.query)) == (
        "POST",
        "/cak/api/v1/gegevensleveringen",
        {},
    )
    assert verzoek_.body == {
        "berichtkenmerk": o.instructie_id,
        "afnemer_oin": LOKET.oin,
        "bsn": BSN,
        "gegevensgroepen": ["WANBETALERSREGISTRATIE", "REGELINGEN", "BRONINHOUDINGEN"],
        "doelbinding": "schuldenoverzicht",
        "grondslag": "Wet aanpak meervoudige problematiek sociaal domein, artikel 2",
    }


def test_a_request_for_nothing_the_cak_keeps_is_refused_without_a_query():
    uitkomst = informatie.INFORMATIE.naar_verzoek(_opdracht((C.STUDIEFINANCIERING,)))
    assert isinstance(uitkomst, Weigering)
    assert uitkomst.redencode is Weigeringsgrond.GEEN_GEGEVENS


def test_each_regeling_is_one_claim_in_cents_with_its_measures_read_backwards():
    antwoord, ontvanger = _antwoord(_body(regelingen=REGELINGEN))
    assert isinstance(antwoord, InformatieVerstrekt)
    (claim,) = vorderingen(antwoord, ontvanger)
    assert (claim.referentie, claim.soort) == ("BRP-2025-000119", "bestuursrechtelijke-premie-zvw")
    assert (claim.oorspronkelijk_bedrag_centen, claim.openstaand_bedrag_centen) == (126000, 94500)
    # BRONINHOUDING is beslag, OVERDRACHT_CJIB dwangbevel, an unknown code invordering
    assert claim.maatregelen == (Maatregel.BESLAG, Maatregel.DWANGBEVEL, Maatregel.INVORDERING)
    assert (claim.bezwaar_of_beroep, claim.betalingsregeling, claim.opgeschort) == (
        True,
        False,
        True,
    )
    assert {g.peildatum for g in antwoord.gegevens} == {dt.date(2026, 12, 1)}


def test_the_wanbetalers_registration_is_the_zorgverzekering_category():
    registratie = {
        "aangemeld_op": "2025-03-01",
        "zorgverzekeraar": "Zorgverzekeraar Voorbeeld",
        "achterstand_maanden": 6,
        "status": "AANGEMELD",
        "intern": "niet doorgeven",
    }
    body = _body(wanbetalersregistratie=registratie, broninhoudingen=[])
    antwoord, ontvanger = _antwoord(body, (C.ZORGVERZEKERING, C.BESLAGEN))
    assert isinstance(antwoord, InformatieVerstrekt)
    inhoud = geopend(antwoord, ontvanger)
    assert set(inhoud) == {"zorgverzekering"}
    (item,) = json.loads(inhoud["zorgverzekering"][0])["items"]
    assert "intern" not in item and item["achterstand_maanden"] == 6
    assert antwoord.niet_verstrekt == (
        NietVerstrekt(categorie=C.BESLAGEN, redencode=Weigeringsgrond.GEEN_GEGEVENS),
    )
    assert "CAK-R-0190019" not in str(inhoud)


@pytest.mark.parametrize(
    ("status", "code", "redencode"),
    [
        (404, "RELATIE_ONBEKEND", Weigeringsgrond.ONBEKENDE_PERSOON),
        (403, "AFSCHERMING", Weigeringsgrond.GEEN_GRONDSLAG),
        (400, "ONGELDIG_VERZOEK", Weigeringsgrond.ONVERWERKBAAR),
    ],
)
def test_refusals(status, code, redencode):
    antwoord, _ = _antwoord({"fouten": [{"code": code, "omschrijving": "nee"}]}, status=status)
    assert isinstance(antwoord, InformatieGeweigerd)
    assert (antwoord.redencode, antwoord.reden) == (redencode, f"{code}: nee")
