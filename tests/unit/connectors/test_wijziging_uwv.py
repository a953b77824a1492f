"""UWV: extending (PUT einddatum) and ending (POST beeindiging) an invorderingsstop."""

import datetime as dt

import pytest

from connectors.base.backoffice import BackofficeAntwoord
from connectors.base.opdracht import Onverwerkbaar
from connectors.base.opschorting import Weigering
from connectors.uwv import wijziging
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
STOP = "UWV-IS-20261122-00001"


def _origineel():
    return instructie("uwv", [BSN], sleutel().public_key(), ingang=dt.date(2026, 12, 1))


def test_look_up_by_aanvraag_kenmerk_in_the_path():
    verzoek = wijziging.zoek_opschorting("id/1")
    assert (verzoek.methode, verzoek.pad) == ("GET", "/uwv/terugvordering/v1/aanvragen/id%2F1")


def _gezocht(status, body):
    o = verlengingsopdracht(verlenging(_origineel()), [BSN])
    return wijziging.lees_opschorting(o, BackofficeAntwoord(status, body))


def test_reading_the_look_up():
    assert _gezocht(200, {"stopnummer": STOP, "status": "ACTIEF"}) == STOP
    niet = _gezocht(404, {"meldingen": [{"code": "AANVRAAG_NIET_GEVONDEN", "omschrijving": ""}]})
    assert isinstance(niet, Weigering)
    assert niet.redencode is Redencode.ONBEKENDE_VORDERING
    with pytest.raises(Onverwerkbaar):
        _gezocht(401, {})


def test_extension_puts_the_new_last_day():
    o = verlengingsopdracht(
        verlenging(_origineel(), einddatum=dt.date(2027, 4, 30)), [BSN], referentie=STOP
    )
    verzoek = wijziging.naar_verlenging(o)
    assert (verzoek.methode, verzoek.pad) == (
        "PUT",
        f"/uwv/terugvordering/v1/invorderingsstops/{STOP}/einddatum",
    )
    assert verzoek.body == {
        "aanvraag_kenmerk": o.instructie_id,
        "aanvrager_oin": LOKET.oin,
        "toelichting": f"{o.instructie.reden} [casus {o.instructie.casus_id}]",
        "einddatum": "2027-04-30",
    }


def test_lifting_posts_the_day_collection_resumes():
    o = opheffingsopdracht(
        opheffing(_origineel(), opheffingsdatum=dt.date(2027, 1, 10)), [BSN], referentie=STOP
    )
    verzoek = wijziging.naar_opheffing(o)
    assert (verzoek.methode, verzoek.pad) == (
        "POST",
        f"/uwv/terugvordering/v1/invorderingsstops/{STOP}/beeindiging",
    )
    assert verzoek.body is not None and verzoek.body["hervatten_per"] == "2027-01-10"
    assert BSN not in str(verzoek.body)


def _antwoord(status, body):
    o = opheffingsopdracht(opheffing(_origineel()), [BSN], referentie=STOP)
    return wijziging.OPHEFFING.antwoord(o, BackofficeAntwoord(status, body), NU)


def test_answers():
    goed = _antwoord(200, {"stopnummer": STOP, "mutatienummer": "UWV-MUT-20261122-00002"})
    assert isinstance(goed, OpschortingBevestigd)
    assert (goed.referentie, goed.wijzigingsreferentie) == (STOP, "UWV-MUT-20261122-00002")
    for status, code, redencode in [
        (404, "STOP_NIET_GEVONDEN", Redencode.ONBEKENDE_VORDERING),
        (422, "STOP_AFGELOPEN", Redencode.TERMIJN_ONGELDIG),
        (422, "HERVATTEN_NA_EINDDATUM", Redencode.TERMIJN_ONGELDIG),
    ]:
        fout = _antwoord(status, {"meldingen": [{"code": code, "omschrijving": "nee"}]})
        assert isinstance(fout, OpschortingGeweigerd)
        assert (fout.redencode, fout.referentie) == (redencode, STOP)
