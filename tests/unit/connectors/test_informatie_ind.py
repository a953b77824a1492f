"""IND: the information request as an overzicht of fees (pure translation)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from connectors.base.backoffice import BackofficeAntwoord
from connectors.base.informatie import Weigering
from connectors.ind import informatie
from schemas.informatie import (
    Gegevenscategorie,
    InformatieGeweigerd,
    InformatieVerstrekt,
    Weigeringsgrond,
)
from schemas.opschorting import Maatregel
from schemas.organisaties import LOKET
from tests.unit.connectors.berichten import sleutel
from tests.unit.connectors.informatieverzoeken import geopend, opdracht, verzoek, vorderingen

BSN = "999990020"
NU = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
C = Gegevenscategorie


def _leges(nummer, status="OPENSTAAND", **extra):
    return {
        "legesnummer": nummer,
        "product": "naturalisatie",
        "bedragCent": 139100,
        "openstaandCent": 0 if status == "VOLDAAN" else 139100,
        "status": status,
        "vervaldatum": "2025-12-01",
        "lopendeOnderdelen": ["INNING", "DWANGBEVEL"],
        "bezwaar": False,
        "uitstel": None,
        **extra,
    }


def _body(**onderdelen):
    return {
        "verzoekReferentie": "x",
        "vNummer": "3100000020",
        "peildatum": "2026-12-01",
        **onderdelen,
        "nietGeleverd": [],
    }


def _opdracht(categorieen=(C.VORDERINGEN,), ontvanger=None):
    event = verzoek(
        "ind",
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


def test_request_asks_the_inds_onderdelen_bsn_in_the_body_only():
    o = _opdracht((C.PROCEDURES, C.VORDERINGEN, C.BETALINGSREGELINGEN, C.VERBLIJFSSTATUS))
    verzoek_ = informatie.INFORMATIE.naar_verzoek(o)
    assert not isinstance(verzoek_, Weigering)
    assert (verzoek_.methode, verzoek_.pad) == ("POST", "/ind/leges/v1/overzichten")
    assert verzoek_.body == {
        "verzoekReferentie": o.instructie_id,
        "afnemer": {"oin": LOKET.oin},
        "betrokkene": {"bsn": BSN},
        "onderdelen": ["AANVRAGEN", "LEGES", "VERBLIJFSSTATUS"],
        "doel": "schuldenoverzicht",
        "grondslag": "Wet aanpak meervoudige problematiek sociaal domein, artikel 2",
    }


def test_arrangements_set_offs_garnishments_are_never_asked():
    uitkomst = informatie.INFORMATIE.naar_verzoek(
        _opdracht((C.BETALINGSREGELINGEN, C.VERREKENINGEN, C.BESLAGEN))
    )
    assert isinstance(uitkomst, Weigering)
    assert uitkomst.redencode is Weigeringsgrond.GEEN_GEGEVENS


def test_only_open_fees_are_claims():
    uitstel = {"uitstelnummer": "IND-UIT-1", "uitstelVan": "2026-11-01", "uitstelTot": "2027-01-31"}
    body = _body(leges=[_leges("IND-LG-2025-000120", uitstel=uitstel), _leges("B", "VOLDAAN")])
    antwoord, ontvanger = _antwoord(body)
    assert isinstance(antwoord, InformatieVerstrekt)
    (fee,) = vorderingen(antwoord, ontvanger)
    assert (fee.referentie, fee.soort) == ("IND-LG-2025-000120", "leges-naturalisatie")
    assert (fee.oorspronkelijk_bedrag_centen, fee.openstaand_bedrag_centen) == (139100, 139100)
    assert fee.maatregelen == (Maatregel.INVORDERING, Maatregel.DWANGBEVEL)
    assert (fee.betalingsregeling, fee.opgeschort) == (False, True)


def test_only_paid_fees_is_geen_gegevens():
    antwoord, _ = _antwoord(_body(leges=[_leges("B", "VOLDAAN")]))
    assert isinstance(antwoord, InformatieGeweigerd)
    assert antwoord.redencode is Weigeringsgrond.GEEN_GEGEVENS


def test_residence_status_is_compact_json_without_the_v_number():
    body = _body(verblijfsstatus={"soort": "regulier-onbepaalde-tijd", "geldigTot": "2031-05-01"})
    antwoord, ontvanger = _antwoord(body, (C.VERBLIJFSSTATUS,))
    assert isinstance(antwoord, InformatieVerstrekt)
    inhoud = geopend(antwoord, ontvanger)
    assert json.loads(inhoud["verblijfsstatus"][0]) == {
        "aantal": 1,
        "items": [{"soort": "regulier-onbepaalde-tijd", "geldigTot": "2031-05-01"}],
    }
    assert "3100000020" not in str(inhoud)


@pytest.mark.parametrize(
    ("status", "code", "redencode"),
    [
        (404, "PERSOON_ONBEKEND", Weigeringsgrond.ONBEKENDE_PERSOON),
        (403, "AFGESCHERMD", Weigeringsgrond.GEEN_GRONDSLAG),
        (400, "ONGELDIG_VERZOEK", Weigeringsgrond.ONVERWERKBAAR),
    ],
)
def test_refusals(status, code, redencode):
    antwoord, _ = _antwoord({"code": code, "detail": "nee", "status": status}, status=status)
    assert isinstance(antwoord, InformatieGeweigerd)
    assert antwoord.redencode is redencode
    assert antwoord.reden == f"{code}: nee"
