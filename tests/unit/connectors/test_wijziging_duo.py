"""DUO: PATCH of a betalingspauze to extend or end it (pure translation)."""

import datetime as dt

import pytest

from connectors.base.backoffice import BackofficeAntwoord
from connectors.base.opschorting import Weigering
from connectors.duo import wijziging
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

BSN = "999990032"
NU = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)
KENMERK = "DUO-BP-20261122-00001"


def _origineel():
    return instructie("duo", [BSN], sleutel().public_key(), ingang=dt.date(2026, 12, 1))


def test_look_up_by_verzoek_id():
    verzoek = wijziging.zoek_opschorting("id-1")
    assert (verzoek.methode, verzoek.pad, dict(verzoek.query)) == (
        "GET",
        "/duo/v2/betalingspauzes",
        {"verzoekId": "id-1"},
    )


def _gezocht(status, body):
    o = verlengingsopdracht(verlenging(_origineel()), [BSN])
    return wijziging.lees_opschorting(o, BackofficeAntwoord(status, body))


def test_reading_the_look_up():
    assert _gezocht(200, {"items": [{"duoKenmerk": KENMERK}], "totaal": 1}) == KENMERK
    leeg = _gezocht(200, {"items": [], "totaal": 0})
    assert isinstance(leeg, Weigering)
    assert leeg.redencode is Redencode.ONBEKENDE_VORDERING


def test_extension_patches_the_end_date_only():
    o = verlengingsopdracht(
        verlenging(_origineel(), einddatum=dt.date(2027, 4, 30)), [BSN], referentie=KENMERK
    )
    verzoek = wijziging.naar_verlenging(o)
    assert (verzoek.methode, verzoek.pad) == ("PATCH", f"/duo/v2/betalingspauzes/{KENMERK}")
    assert verzoek.body == {
        "verzoekId": o.instructie_id,
        "opdrachtgever": {"oin": LOKET.oin},
        "eindDatum": "2027-04-30",
        "motivering": f"{o.instructie.reden} [casus {o.instructie.casus_id}]",
    }


def test_lifting_patches_status_and_the_last_pause_day():
    o = opheffingsopdracht(
        opheffing(_origineel(), opheffingsdatum=dt.date(2027, 1, 15)), [BSN], referentie=KENMERK
    )
    verzoek = wijziging.naar_opheffing(o)
    assert verzoek.methode == "PATCH"
    assert verzoek.body is not None
    assert verzoek.body["status"] == "BEEINDIGD"
    assert verzoek.body["eindDatum"] == "2027-01-14"  # inclusive: the day before resumption
    assert BSN not in str(verzoek.body)


def _antwoord(status, body):
    o = opheffingsopdracht(opheffing(_origineel()), [BSN], referentie=KENMERK)
    return o, wijziging.OPHEFFING.antwoord(o, BackofficeAntwoord(status, body), NU)


def test_patched_is_bevestigd_with_the_pause_reference():
    o, a = _antwoord(
        200,
        {
            "duoKenmerk": KENMERK,
            "status": "BEEINDIGD",
            "mutatie": {"mutatieId": "DUO-MUT-20261122-00002"},
        },
    )
    assert isinstance(a, OpschortingBevestigd)
    assert a.referentie == KENMERK
    assert a.wijzigingsreferentie == "DUO-MUT-20261122-00002"
    assert a.instructie_id == o.instructie_id


@pytest.mark.parametrize(
    ("status", "code", "redencode"),
    [
        (404, "PAUZE_ONBEKEND", Redencode.ONBEKENDE_VORDERING),
        (422, "PAUZE_AL_BEEINDIGD", Redencode.TERMIJN_ONGELDIG),
        (422, "EINDDATUM_NIET_LATER", Redencode.TERMIJN_ONGELDIG),
        (422, "EINDDATUM_NA_HUIDIGE_EINDDATUM", Redencode.TERMIJN_ONGELDIG),
        (422, "NIEUW", Redencode.ONVERWERKBAAR),
    ],
)
def test_refusals(status, code, redencode):
    _, a = _antwoord(status, {"fout": {"code": code, "bericht": "uitleg"}})
    assert isinstance(a, OpschortingGeweigerd)
    assert a.redencode is redencode
    assert a.reden == f"{code}: uitleg"
    assert a.referentie == KENMERK


def test_an_error_in_another_shape_is_onverwerkbaar():
    _, a = _antwoord(422, {"code": "verkeerde vorm"})
    assert isinstance(a, OpschortingGeweigerd)
    assert a.redencode is Redencode.ONVERWERKBAAR
