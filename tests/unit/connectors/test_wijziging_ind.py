"""IND: verlenging and intrekking of an uitstel van betaling (pure translation)."""

import datetime as dt

from connectors.base.backoffice import BackofficeAntwoord
from connectors.base.opschorting import Weigering
from connectors.ind import wijziging
from schemas.opschorting import OpschortingBevestigd, OpschortingGeweigerd, Redencode
from schemas.organisaties import LOKET
from tests.unit.connectors.berichten import (
    instructie,
    opheffing,
    opheffingsopdracht,
    sleutel,
    verlenging,
    verlengingsopdracht,
)

BSN = "999990019"
NU = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)
UITSTEL = "IND-UIT-2026-000001"
PAD = f"/ind/leges/v1/uitstelverzoeken/{UITSTEL}"


def _origineel():
    return instructie("ind", [BSN], sleutel().public_key(), ingang=dt.date(2026, 12, 1))


def test_look_up_by_verzoek_referentie():
    verzoek = wijziging.zoek_opschorting("id-1")
    assert (verzoek.methode, verzoek.pad, dict(verzoek.query)) == (
        "GET",
        "/ind/leges/v1/uitstelverzoeken",
        {"verzoekReferentie": "id-1"},
    )


def _gezocht(status, body):
    o = verlengingsopdracht(verlenging(_origineel()), [BSN])
    return wijziging.lees_opschorting(o, BackofficeAntwoord(status, body))


def test_reading_the_look_up():
    assert _gezocht(200, {"resultaten": [{"uitstelnummer": UITSTEL}]}) == UITSTEL
    leeg = _gezocht(200, {"resultaten": []})
    assert isinstance(leeg, Weigering)
    assert leeg.redencode is Redencode.ONBEKENDE_VORDERING


def test_extension_and_withdrawal_are_decisions_on_the_deferral():
    v = verlengingsopdracht(
        verlenging(_origineel(), einddatum=dt.date(2027, 4, 30)), [BSN], referentie=UITSTEL
    )
    verzoek = wijziging.naar_verlenging(v)
    assert (verzoek.methode, verzoek.pad) == ("POST", f"{PAD}/verlenging")
    assert verzoek.body == {
        "verzoekReferentie": v.instructie_id,
        "indiener": {"oin": LOKET.oin},
        "nieuweUitstelTot": "2027-04-30",
        "motivering": f"{v.instructie.reden} [casus {v.instructie.casus_id}]",
    }
    o = opheffingsopdracht(
        opheffing(_origineel(), opheffingsdatum=dt.date(2027, 1, 10)), [BSN], referentie=UITSTEL
    )
    intrekking = wijziging.naar_opheffing(o)
    assert (intrekking.methode, intrekking.pad) == ("POST", f"{PAD}/intrekking")
    assert intrekking.body is not None and intrekking.body["betalenVanaf"] == "2027-01-10"


def _antwoord(status, body):
    o = verlengingsopdracht(verlenging(_origineel()), [BSN], referentie=UITSTEL)
    return wijziging.VERLENGING.antwoord(o, BackofficeAntwoord(status, body), NU)


def test_answers():
    goed = _antwoord(200, {"uitstelnummer": UITSTEL, "besluitnummer": "IND-BES-2026-000002"})
    assert isinstance(goed, OpschortingBevestigd)
    assert (goed.referentie, goed.wijzigingsreferentie) == (UITSTEL, "IND-BES-2026-000002")
    for status, code, redencode in [
        (404, "UITSTEL_ONBEKEND", Redencode.ONBEKENDE_VORDERING),
        (422, "UITSTEL_VERLOPEN", Redencode.TERMIJN_ONGELDIG),
        (422, "NIEUWE_DATUM_NIET_LATER", Redencode.TERMIJN_ONGELDIG),
    ]:
        fout = _antwoord(status, {"code": code, "detail": "nee", "status": status})
        assert isinstance(fout, OpschortingGeweigerd)
        assert (fout.redencode, fout.referentie, fout.reden) == (redencode, UITSTEL, f"{code}: nee")
