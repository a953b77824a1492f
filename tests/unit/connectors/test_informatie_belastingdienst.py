"""Belastingdienst: the information request as an *inlichtingenverzoek* (pure translation)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from connectors.base.backoffice import BackofficeAntwoord
from connectors.base.informatie import Weigering
from connectors.belastingdienst import informatie
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

AANSLAGEN = {
    "items": [
        {
            "aanslagnummer": "2024.IB.000101",
            "middel": "IB",
            "belastingjaar": 2024,
            "oorspronkelijkBedragInCenten": 234000,
            "openstaandBedragInCenten": 184000,
            "invorderingsmaatregelen": ["AANMANING"],
            "bezwaarOfBeroep": False,
            "betalingsregeling": {"regelingnummer": "BD-BR-2025-000101"},
            "invorderingsstop": {
                "stopKenmerk": "BD-IS-2026-000001",
                "ingangsdatum": "2026-11-01",
                "einddatum": "2027-01-31",
            },
        },
        {
            "aanslagnummer": "2023.ZVW.000102",
            "middel": "ZVW",
            "belastingjaar": 2023,
            "oorspronkelijkBedragInCenten": 41250,
            "openstaandBedragInCenten": 41250,
            "invorderingsmaatregelen": ["DWANGBEVEL", "VERREKENING", "ONBEKEND_NIEUW"],
            "bezwaarOfBeroep": True,
            "betalingsregeling": None,
            "invorderingsstop": None,
        },
    ],
    "totaalOpenstaandInCenten": 225250,
}


def _body(**soorten):
    return {
        "verzoekKenmerk": "x",
        "relatienummer": "BD-R-100019",
        "peildatum": "2026-11-30",
        **soorten,
        "nietLeverbaar": [],
    }


def _opdracht(categorieen=(C.VORDERINGEN,), ontvanger=None):
    event = verzoek(
        "belastingdienst",
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


def test_request_asks_only_the_kinds_the_belastingdienst_keeps_bsn_in_the_body_only():
    o = _opdracht((C.VORDERINGEN, C.BESLAGEN, C.INKOMEN, C.TOESLAGEN))
    verzoek_ = informatie.INFORMATIE.naar_verzoek(o)
    assert not isinstance(verzoek_, Weigering)
    assert (verzoek_.methode, verzoek_.pad, dict(verzoek_.query)) == (
        "POST",
        "/api/v1/inlichtingenverzoeken",
        {},
    )
    assert verzoek_.body == {
        "verzoekKenmerk": o.instructie_id,
        "aanvragerOin": LOKET.oin,
        "belastingplichtige": {"bsn": BSN},
        "gegevenssoorten": ["AANSLAGEN", "INKOMEN", "TOESLAGEN"],
        "doelbinding": "schuldenoverzicht",
        "grondslag": "Wet aanpak meervoudige problematiek sociaal domein, artikel 2",
    }


def test_a_request_for_nothing_the_belastingdienst_keeps_is_refused_without_a_query():
    uitkomst = informatie.INFORMATIE.naar_verzoek(_opdracht((C.BESLAGEN, C.ZORGINDICATIE)))
    assert isinstance(uitkomst, Weigering)
    assert uitkomst.redencode is Weigeringsgrond.GEEN_GEGEVENS


def test_each_assessment_is_one_claim_in_cents_with_its_measures_and_stop():
    antwoord, ontvanger = _antwoord(_body(aanslagen=AANSLAGEN))
    assert isinstance(antwoord, InformatieVerstrekt)
    ib, zvw = vorderingen(antwoord, ontvanger)
    assert ib.referentie == "2024.IB.000101"  # the aanslagnummer a time-out's scope names
    assert ib.soort == "inkomstenbelasting 2024"
    assert (ib.oorspronkelijk_bedrag_centen, ib.openstaand_bedrag_centen) == (234000, 184000)
    assert ib.maatregelen == (Maatregel.INVORDERING,)
    assert (ib.betalingsregeling, ib.bezwaar_of_beroep, ib.opgeschort) == (True, False, True)
    assert zvw.referentie == "2023.ZVW.000102"
    assert zvw.maatregelen == (Maatregel.DWANGBEVEL, Maatregel.VERREKENING, Maatregel.INVORDERING)
    assert (zvw.betalingsregeling, zvw.bezwaar_of_beroep, zvw.opgeschort) == (False, True, False)
    assert ib.openstaand_bedrag_centen + zvw.openstaand_bedrag_centen == 225250
    assert {g.peildatum for g in antwoord.gegevens} == {dt.date(2026, 11, 30)}


def test_other_kinds_are_compact_json_without_the_relatienummer_and_extras_are_dropped():
    body = _body(
        aanslagen=AANSLAGEN,
        toeslagen=[
            {"toeslag": "ZORGTOESLAG", "berekeningsjaar": 2026, "voorschotPerMaandInCenten": 13100}
        ],
        inkomen={"belastingjaar": 2024, "verzamelinkomenInCenten": 2845000, "bron": "AANGIFTE"},
        verrekeningen=[],
    )
    antwoord, ontvanger = _antwoord(body, (C.TOESLAGEN, C.VERREKENINGEN))
    assert isinstance(antwoord, InformatieVerstrekt)
    inhoud = geopend(antwoord, ontvanger)
    assert set(inhoud) == {"toeslagen"}  # aanslagen and inkomen were not asked
    assert json.loads(inhoud["toeslagen"][0]) == {
        "aantal": 1,
        "items": [
            {"toeslag": "ZORGTOESLAG", "berekeningsjaar": 2026, "voorschotPerMaandInCenten": 13100}
        ],
    }
    assert antwoord.niet_verstrekt == (
        NietVerstrekt(categorie=C.VERREKENINGEN, redencode=Weigeringsgrond.GEEN_GEGEVENS),
    )
    assert "BD-R-100019" not in str(inhoud)


def test_sealed_content_opens_with_the_receiver_key_only():
    antwoord, ontvanger = _antwoord(_body(aanslagen=AANSLAGEN))
    assert isinstance(antwoord, InformatieVerstrekt)
    for g in antwoord.gegevens:
        assert "2024.IB" in open_sealed(g.inhoud, ontvanger) or "2023.ZVW" in open_sealed(
            g.inhoud, ontvanger
        )
        with pytest.raises(SealError):
            open_sealed(g.inhoud, sleutel())


@pytest.mark.parametrize(
    ("status", "foutcode", "redencode"),
    [
        (404, "BELASTINGPLICHTIGE_ONBEKEND", Weigeringsgrond.ONBEKENDE_PERSOON),
        (403, "VERSTREKKING_NIET_TOEGESTAAN", Weigeringsgrond.GEEN_GRONDSLAG),
        (400, "ONGELDIG_VERZOEK", Weigeringsgrond.ONVERWERKBAAR),
    ],
)
def test_refusals(status, foutcode, redencode):
    antwoord, _ = _antwoord({"foutcode": foutcode, "omschrijving": "nee"}, status=status)
    assert isinstance(antwoord, InformatieGeweigerd)
    assert antwoord.redencode is redencode
    assert antwoord.reden == f"{foutcode}: nee"


def test_no_assessments_is_geweigerd_geen_gegevens():
    antwoord, _ = _antwoord(_body(aanslagen={"items": [], "totaalOpenstaandInCenten": 0}))
    assert isinstance(antwoord, InformatieGeweigerd)
    assert antwoord.redencode is Weigeringsgrond.GEEN_GEGEVENS
