"""SVB: the information request as a *klantbeeld* query (pure translation)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from connectors.base.backoffice import BackofficeAntwoord
from connectors.base.informatie import Weigering
from connectors.svb import informatie
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

VORDERINGEN = {
    "aantal": 1,
    "openstaandTotaalCent": 41250,
    "items": [
        {
            "vorderingnummer": "TV-2025-000119",
            "soort": "terugvordering-kinderbijslag",
            "regeling": "AKW",
            "oorspronkelijkCent": 55000,
            "openstaandCent": 41250,
            "invorderingsonderdelen": ["VERREKENING", "INCASSOKOSTEN"],
            "bezwaarOfBeroep": False,
            "fraude": False,
            "betalingsregeling": {"regelingnummer": "SVB-BR-1"},
            "onderbreking": None,
        }
    ],
}


def _body(**resultaat):
    return {
        "resultaat": {"klantnummer": "SVB-K-40000019", "peildatum": "2026-12-01", **resultaat},
        "nietGeleverd": [],
    }


def _opdracht(categorieen=(C.VORDERINGEN,), ontvanger=None):
    event = verzoek(
        "svb",
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


def test_request_is_an_envelope_bsn_in_the_body_only():
    o = _opdracht((C.UITKERINGEN, C.VORDERINGEN, C.PROCEDURES, C.VERREKENINGEN))
    verzoek_ = informatie.INFORMATIE.naar_verzoek(o)
    assert not isinstance(verzoek_, Weigering)
    assert (verzoek_.methode, verzoek_.pad, dict(verzoek_.query)) == (
        "POST",
        "/svb/api/klantbeeld/v1/bevragingen",
        {},
    )
    assert verzoek_.body == {
        "metadata": {"correlatieId": o.instructie_id, "afzender": {"oin": LOKET.oin}},
        "aanvraag": {
            "bsn": BSN,
            "onderdelen": ["UITKERINGEN", "VORDERINGEN", "VERREKENINGEN"],
            "doel": "schuldenoverzicht",
            "grondslag": "Wet aanpak meervoudige problematiek sociaal domein, artikel 2",
        },
    }


def test_a_request_for_nothing_the_svb_keeps_is_refused_without_a_query():
    uitkomst = informatie.INFORMATIE.naar_verzoek(_opdracht((C.BESLAGEN,)))
    assert isinstance(uitkomst, Weigering)
    assert uitkomst.redencode is Weigeringsgrond.GEEN_GEGEVENS


def test_each_recovery_is_one_claim_in_cents():
    antwoord, ontvanger = _antwoord(_body(vorderingen=VORDERINGEN))
    assert isinstance(antwoord, InformatieVerstrekt)
    (claim,) = vorderingen(antwoord, ontvanger)
    assert (claim.referentie, claim.soort) == ("TV-2025-000119", "terugvordering-kinderbijslag")
    assert (claim.oorspronkelijk_bedrag_centen, claim.openstaand_bedrag_centen) == (55000, 41250)
    assert claim.maatregelen == (Maatregel.VERREKENING, Maatregel.VERHOGING)
    assert (claim.betalingsregeling, claim.opgeschort) == (True, False)
    assert {g.peildatum for g in antwoord.gegevens} == {dt.date(2026, 12, 1)}


def test_benefits_are_compact_json_and_an_empty_part_is_not_given():
    uitkeringen = [
        {
            "regeling": "AKW",
            "bedragPerPeriodeCent": 31234,
            "periode": "KWARTAAL",
            "sinds": "2019-04-01",
        }
    ]
    body = _body(uitkeringen=uitkeringen, verrekeningen=[], vorderingen=VORDERINGEN)
    antwoord, ontvanger = _antwoord(body, (C.UITKERINGEN, C.VERREKENINGEN))
    assert isinstance(antwoord, InformatieVerstrekt)
    inhoud = geopend(antwoord, ontvanger)
    assert set(inhoud) == {"uitkeringen"}  # the claims were not asked
    assert json.loads(inhoud["uitkeringen"][0]) == {"aantal": 1, "items": uitkeringen}
    assert antwoord.niet_verstrekt == (
        NietVerstrekt(categorie=C.VERREKENINGEN, redencode=Weigeringsgrond.GEEN_GEGEVENS),
    )
    assert "SVB-K-40000019" not in str(inhoud)


@pytest.mark.parametrize(
    ("status", "code", "redencode"),
    [
        (404, "KLANT_ONBEKEND", Weigeringsgrond.ONBEKENDE_PERSOON),
        (403, "KLANT_AFGESCHERMD", Weigeringsgrond.GEEN_GRONDSLAG),
        (400, "ONGELDIG_VERZOEK", Weigeringsgrond.ONVERWERKBAAR),
    ],
)
def test_refusals(status, code, redencode):
    body = {"melding": {"code": code, "tekst": "nee", "soort": "FUNCTIONEEL"}}
    antwoord, _ = _antwoord(body, status=status)
    assert isinstance(antwoord, InformatieGeweigerd)
    assert (antwoord.redencode, antwoord.reden) == (redencode, f"{code}: nee")
