"""DUO: the information request as a *gegevensopvraging* (pure translation)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from connectors.base.backoffice import BackofficeAntwoord
from connectors.base.informatie import Weigering
from connectors.duo import informatie
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
NU = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
C = Gegevenscategorie

SCHULDEN = {
    "items": [
        {
            "schuldnummer": "SF-2019-000119",
            "soort": "studieschuld",
            "hoofdsomCenten": 2100000,
            "restschuldCenten": 1845000,
            "invorderingsstappen": [10, 50, 99],
            "bezwaarLopend": False,
            "aflosregeling": {"regelingId": "DUO-AR-7000019"},
            "betalingspauze": {
                "duoKenmerk": "DUO-BP-1",
                "startDatum": "2026-11-15",
                "eindDatum": "2027-02-15",
            },
        }
    ],
    "totaal": 1,
    "restschuldTotaalCenten": 1845000,
}


def _body(**gegevens):
    return {
        "verzoekId": "x",
        "debiteurnummer": "DUO-D-7000019",
        "peildatum": "2026-12-01",
        "gegevens": gegevens,
        "nietBeschikbaar": [],
    }


def _opdracht(categorieen=(C.VORDERINGEN,), ontvanger=None):
    event = verzoek(
        "duo",
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


def test_request_asks_duos_numeric_kinds_bsn_in_the_body_only():
    o = _opdracht((C.STUDIEFINANCIERING, C.VORDERINGEN, C.BESLAGEN))
    verzoek_ = informatie.INFORMATIE.naar_verzoek(o)
    assert not isinstance(verzoek_, Weigering)
    assert (verzoek_.methode, verzoek_.pad, dict(verzoek_.query)) == (
        "POST",
        "/duo/v2/gegevensopvragingen",
        {},
    )
    assert verzoek_.body == {
        "verzoekId": o.instructie_id,
        "opdrachtgever": {"oin": LOKET.oin},
        "debiteur": {"bsn": BSN},
        "gegevensSoorten": [300, 100],
        "doelomschrijving": "schuldenoverzicht",
        "wettelijkeGrondslag": "Wet aanpak meervoudige problematiek sociaal domein, artikel 2",
    }


def test_a_request_for_nothing_duo_keeps_is_refused_without_a_query():
    uitkomst = informatie.INFORMATIE.naar_verzoek(_opdracht((C.BESLAGEN,)))
    assert isinstance(uitkomst, Weigering)
    assert uitkomst.redencode is Weigeringsgrond.GEEN_GEGEVENS


def test_each_debt_is_one_claim_by_its_schuldnummer_in_cents():
    antwoord, ontvanger = _antwoord(_body(schulden=SCHULDEN))
    assert isinstance(antwoord, InformatieVerstrekt)
    (schuld,) = vorderingen(antwoord, ontvanger)
    assert (schuld.referentie, schuld.soort) == ("SF-2019-000119", "studieschuld")
    assert (schuld.oorspronkelijk_bedrag_centen, schuld.openstaand_bedrag_centen) == (
        2100000,
        1845000,
    )
    assert schuld.maatregelen == (Maatregel.INVORDERING, Maatregel.RENTE)  # 99: invordering too
    assert (schuld.betalingsregeling, schuld.bezwaar_of_beroep, schuld.opgeschort) == (
        True,
        False,
        True,
    )
    assert {g.peildatum for g in antwoord.gegevens} == {dt.date(2026, 12, 1)}


def test_other_kinds_are_compact_json_and_extras_are_dropped():
    body = _body(
        schulden=SCHULDEN,
        studiefinanciering={
            "lopend": False,
            "aflosfaseVanaf": "2021-01-01",
            "looptijdJaren": 35,
            "aflosvrijeMaandenResterend": 60,
        },
        aflosregelingen={"items": [], "totaal": 0},
    )
    antwoord, ontvanger = _antwoord(body, (C.STUDIEFINANCIERING, C.BETALINGSREGELINGEN))
    assert isinstance(antwoord, InformatieVerstrekt)
    inhoud = geopend(antwoord, ontvanger)
    assert set(inhoud) == {"studiefinanciering"}
    assert json.loads(inhoud["studiefinanciering"][0]) == {
        "aantal": 1,
        "items": [
            {
                "lopend": False,
                "aflosfaseVanaf": "2021-01-01",
                "looptijdJaren": 35,
                "aflosvrijeMaandenResterend": 60,
            }
        ],
    }
    assert antwoord.niet_verstrekt == (
        NietVerstrekt(categorie=C.BETALINGSREGELINGEN, redencode=Weigeringsgrond.GEEN_GEGEVENS),
    )
    assert "DUO-D-7000019" not in str(inhoud)


def test_sealed_content_opens_with_the_receiver_key_only():
    antwoord, ontvanger = _antwoord(_body(schulden=SCHULDEN))
    assert isinstance(antwoord, InformatieVerstrekt)
    (g,) = antwoord.gegevens
    assert "SF-2019" in open_sealed(g.inhoud, ontvanger)
    with pytest.raises(SealError):
        open_sealed(g.inhoud, sleutel())


@pytest.mark.parametrize(
    ("status", "code", "redencode"),
    [
        (404, "DEBITEUR_ONBEKEND", Weigeringsgrond.ONBEKENDE_PERSOON),
        (403, "DEBITEUR_VERTROUWELIJK", Weigeringsgrond.GEEN_GRONDSLAG),
        (400, "ONGELDIG_VERZOEK", Weigeringsgrond.ONVERWERKBAAR),
    ],
)
def test_refusals(status, code, redencode):
    antwoord, _ = _antwoord({"fout": {"code": code, "bericht": "nee"}}, status=status)
    assert isinstance(antwoord, InformatieGeweigerd)
    assert antwoord.redencode is redencode
    assert antwoord.reden == f"{code}: nee"
