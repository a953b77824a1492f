"""CJIB: the information request as a *bevraging* (pure translation)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from connectors.base.backoffice import BackofficeAntwoord
from connectors.base.informatie import Weigering
from connectors.cjib import informatie
from schemas.informatie import (
    Gegevenscategorie,
    InformatieGeweigerd,
    InformatieVerstrekt,
    NietVerstrekt,
    Weigeringsgrond,
)
from schemas.opschorting import Maatregel
from schemas.organisaties import LOKET
from schemas.versleuteling import SealError, open_sealed
from tests.unit.connectors.berichten import sleutel
from tests.unit.connectors.informatieverzoeken import geopend, opdracht, verzoek, vorderingen

BSN = "999990019"
NU = dt.datetime(2026, 11, 30, 23, 30, tzinfo=dt.UTC)  # 1 December in the Netherlands
C = Gegevenscategorie

ZAKEN = {
    "aantal": 2,
    "totaalOpenstaandCent": 68900,
    "lijst": [
        {
            "zaaknummer": "WAHV-2025-000119",
            "soort": "verkeersboete",
            "bedrag": {"opgelegdCent": 23900, "openstaandCent": 23900},
            "maatregelen": ["INNING"],
            "inBeroep": False,
            "betalingsregeling": None,
            # tot is exclusive: the suspension's last day is 30 November
            "opschorting": {
                "cjibReferentie": "CJIB-OPS-1",
                "van": "2026-09-01",
                "tot": "2026-12-01",
            },
        },
        {
            "zaaknummer": "STRAF-2024-000219",
            "soort": "geldboete",
            "bedrag": {"opgelegdCent": 60000, "openstaandCent": 45000},
            "maatregelen": ["INNING", "BESLAGLEGGING"],
            "inBeroep": True,
            "betalingsregeling": {"regelingId": "CJIB-BR-1"},
            "opschorting": {
                "cjibReferentie": "CJIB-OPS-2",
                "van": "2026-12-01",
                "tot": "2027-01-01",
            },
        },
    ],
}


def _body(**rubrieken):
    return {
        "referentieKetenpartner": "x",
        "zoekresultaat": {"betrokkeneId": "CJ-B-0000019", **rubrieken},
        "nietBeschikbaar": [],
    }


def _opdracht(categorieen=(C.VORDERINGEN,), ontvanger=None):
    event = verzoek(
        "cjib",
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


def test_request_is_a_search_in_the_cjibs_rubrics_bsn_in_the_body_only():
    o = _opdracht((C.PROCEDURES, C.VORDERINGEN, C.INKOMEN))
    verzoek_ = informatie.INFORMATIE.naar_verzoek(o)
    assert not isinstance(verzoek_, Weigering)
    assert (verzoek_.methode, verzoek_.pad, dict(verzoek_.query)) == (
        "POST",
        "/cjib/bevragingen/zoeken",
        {},
    )
    assert verzoek_.body == {
        "referentieKetenpartner": o.instructie_id,
        "ketenpartner": {"oin": LOKET.oin, "naam": LOKET.naam},
        "betrokkene": {"burgerservicenummer": BSN},
        "rubrieken": ["PROCEDURES", "ZAKEN"],
        "doel": "schuldenoverzicht",
        "wettelijkeGrondslag": "Wet aanpak meervoudige problematiek sociaal domein, artikel 2",
    }


def test_a_request_for_nothing_the_cjib_keeps_is_refused_without_a_query():
    uitkomst = informatie.INFORMATIE.naar_verzoek(_opdracht((C.INKOMEN,)))
    assert isinstance(uitkomst, Weigering)
    assert uitkomst.redencode is Weigeringsgrond.GEEN_GEGEVENS


def test_each_case_is_one_claim_by_its_zaaknummer_in_cents():
    antwoord, ontvanger = _antwoord(_body(zaken=ZAKEN))
    assert isinstance(antwoord, InformatieVerstrekt)
    wahv, straf = vorderingen(antwoord, ontvanger)
    assert (wahv.referentie, wahv.soort) == ("WAHV-2025-000119", "verkeersboete")
    assert (wahv.oorspronkelijk_bedrag_centen, wahv.openstaand_bedrag_centen) == (23900, 23900)
    assert wahv.maatregelen == (Maatregel.INVORDERING,)
    assert (wahv.betalingsregeling, wahv.bezwaar_of_beroep) == (False, False)
    assert (straf.oorspronkelijk_bedrag_centen, straf.openstaand_bedrag_centen) == (60000, 45000)
    assert straf.maatregelen == (Maatregel.INVORDERING, Maatregel.BESLAG)
    assert (straf.betalingsregeling, straf.bezwaar_of_beroep) == (True, True)
    assert wahv.openstaand_bedrag_centen + straf.openstaand_bedrag_centen == 68900
    # No reference date from the CJIB: today in the Netherlands, 1 December. The first
    # suspension ended on 30 November (tot exclusive), the second runs from 1 December.
    assert {g.peildatum for g in antwoord.gegevens} == {dt.date(2026, 12, 1)}
    assert (wahv.opgeschort, straf.opgeschort) == (False, True)


def test_other_rubrics_are_compact_json_and_extras_are_dropped():
    body = _body(
        zaken=ZAKEN,
        beslagen=[
            {
                "beslagkenmerk": "CJIB-BS-00000219",
                "soort": "LOONBESLAG",
                "zaaknummer": "STRAF-2024-000219",
                "maandbedragCent": 7500,
                "sinds": "2025-06-01",
                "burgerservicenummer": BSN,  # never passed on
            }
        ],
    )
    antwoord, ontvanger = _antwoord(body, (C.BESLAGEN, C.PROCEDURES))
    assert isinstance(antwoord, InformatieVerstrekt)
    inhoud = geopend(antwoord, ontvanger)
    assert set(inhoud) == {"beslagen"}
    (beslag,) = json.loads(inhoud["beslagen"][0])["items"]
    assert beslag == {
        "beslagkenmerk": "CJIB-BS-00000219",
        "soort": "LOONBESLAG",
        "zaaknummer": "STRAF-2024-000219",
        "maandbedragCent": 7500,
        "sinds": "2025-06-01",
    }
    assert antwoord.niet_verstrekt == (
        NietVerstrekt(categorie=C.PROCEDURES, redencode=Weigeringsgrond.GEEN_GEGEVENS),
    )
    assert BSN not in str(inhoud) and "CJ-B-0000019" not in str(inhoud)


def test_sealed_content_opens_with_the_receiver_key_only():
    antwoord, ontvanger = _antwoord(_body(zaken=ZAKEN))
    assert isinstance(antwoord, InformatieVerstrekt)
    for g in antwoord.gegevens:
        assert "zaaknummer" not in g.inhoud
        open_sealed(g.inhoud, ontvanger)
        with pytest.raises(SealError):
            open_sealed(g.inhoud, sleutel())


@pytest.mark.parametrize(
    ("status", "code", "redencode"),
    [
        (404, "BETROKKENE_ONBEKEND", Weigeringsgrond.ONBEKENDE_PERSOON),
        (403, "GEHEIMHOUDING", Weigeringsgrond.GEEN_GRONDSLAG),
        (400, "ONGELDIG_VERZOEK", Weigeringsgrond.ONVERWERKBAAR),
    ],
)
def test_refusals(status, code, redencode):
    antwoord, _ = _antwoord({"code": code, "melding": "nee"}, status=status)
    assert isinstance(antwoord, InformatieGeweigerd)
    assert antwoord.redencode is redencode
    assert antwoord.reden == f"{code}: nee"
