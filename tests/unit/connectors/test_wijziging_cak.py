"""CAK: extension and ending of an *incassostop* (pure translation)."""

import datetime as dt

import pytest

from connectors.base.backoffice import BackofficeAntwoord
from connectors.base.opschorting import Weigering
from connectors.cak import wijziging
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
REFERENTIE = "CAK-OPS-2026-000001"


def _origineel():
    return instructie("cak", [BSN], sleutel().public_key(), ingang=dt.date(2026, 12, 1))


def test_look_up_by_berichtkenmerk():
    verzoek = wijziging.zoek_opschorting("id-1")
    assert (verzoek.methode, verzoek.pad, dict(verzoek.query)) == (
        "GET",
        "/cak/api/v1/incassostops",
        {"berichtkenmerk": "id-1"},
    )


def _gezocht(status, body):
    o = verlengingsopdracht(verlenging(_origineel()), [BSN])
    return wijziging.lees_opschorting(o, BackofficeAntwoord(status, body))


def test_reading_the_look_up():
    assert _gezocht(200, {"resultaten": [{"cak_referentie": REFERENTIE}], "aantal": 1}) == (
        REFERENTIE
    )
    leeg = _gezocht(200, {"resultaten": [], "aantal": 0})
    assert isinstance(leeg, Weigering)
    assert leeg.redencode is Redencode.ONBEKENDE_VORDERING


def test_extension_posts_the_new_inclusive_end():
    o = verlengingsopdracht(
        verlenging(_origineel(), einddatum=dt.date(2027, 4, 30)), [BSN], referentie=REFERENTIE
    )
    verzoek = wijziging.naar_verlenging(o)
    assert (verzoek.methode, verzoek.pad) == (
        "POST",
        f"/cak/api/v1/incassostops/{REFERENTIE}/verlengingen",
    )
    assert verzoek.body == {
        "berichtkenmerk": o.instructie_id,
        "afzender_oin": LOKET.oin,
        "nieuwe_einddatum": "2027-04-30",
        "motivatie": f"{o.instructie.reden} [casus {o.instructie.casus_id}]",
    }


def test_ending_posts_the_day_collection_resumes():
    o = opheffingsopdracht(
        opheffing(_origineel(), opheffingsdatum=dt.date(2027, 1, 15)), [BSN], referentie=REFERENTIE
    )
    verzoek = wijziging.naar_opheffing(o)
    assert (verzoek.methode, verzoek.pad) == (
        "POST",
        f"/cak/api/v1/incassostops/{REFERENTIE}/beeindigingen",
    )
    assert verzoek.body is not None
    assert verzoek.body["hervatten_per"] == "2027-01-15"
    assert BSN not in str(verzoek.body)


def _antwoord(status, body):
    o = opheffingsopdracht(opheffing(_origineel()), [BSN], referentie=REFERENTIE)
    return o, wijziging.OPHEFFING.antwoord(o, BackofficeAntwoord(status, body), NU)


def test_changed_is_bevestigd_with_the_mutatiekenmerk():
    o, a = _antwoord(
        200,
        {
            "cak_referentie": REFERENTIE,
            "status": "BEEINDIGD",
            "mutatiekenmerk": "CAK-MUT-2026-000002",
        },
    )
    assert isinstance(a, OpschortingBevestigd)
    assert (a.referentie, a.wijzigingsreferentie) == (REFERENTIE, "CAK-MUT-2026-000002")
    assert a.instructie_id == o.instructie_id


@pytest.mark.parametrize(
    ("status", "code", "redencode"),
    [
        (404, "INCASSOSTOP_ONBEKEND", Redencode.ONBEKENDE_VORDERING),
        (422, "INCASSOSTOP_BEEINDIGD", Redencode.TERMIJN_ONGELDIG),
        (422, "EINDDATUM_NIET_LATER", Redencode.TERMIJN_ONGELDIG),
        (422, "HERVATTEN_NA_EINDDATUM", Redencode.TERMIJN_ONGELDIG),
        (422, "NIEUW", Redencode.ONVERWERKBAAR),
    ],
)
def test_refusals_name_the_stop(status, code, redencode):
    _, a = _antwoord(status, {"fouten": [{"code": code, "omschrijving": "uitleg"}]})
    assert isinstance(a, OpschortingGeweigerd)
    assert (a.redencode, a.reden, a.referentie) == (redencode, f"{code}: uitleg", REFERENTIE)
