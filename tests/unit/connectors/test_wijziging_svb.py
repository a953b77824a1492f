"""SVB: a *mutatie* of an *invorderingsonderbreking* to extend or end it (pure translation)."""

import datetime as dt

import pytest

from connectors.base.backoffice import BackofficeAntwoord
from connectors.base.opschorting import Weigering
from connectors.svb import wijziging
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
NUMMER = "SVB-IO-2026-0000001"
PAD = f"/svb/api/terugvordering/v1/invorderingsonderbrekingen/{NUMMER}/mutaties"


def _origineel():
    return instructie("svb", [BSN], sleutel().public_key(), ingang=dt.date(2026, 12, 1))


def test_look_up_by_correlatie_id():
    verzoek = wijziging.zoek_opschorting("id-1")
    assert (verzoek.methode, verzoek.pad, dict(verzoek.query)) == (
        "GET",
        "/svb/api/terugvordering/v1/invorderingsonderbrekingen",
        {"correlatieId": "id-1"},
    )


def _gezocht(body):
    o = verlengingsopdracht(verlenging(_origineel()), [BSN])
    return wijziging.lees_opschorting(o, BackofficeAntwoord(200, body))


def test_reading_the_look_up():
    gevonden = {"resultaat": {"onderbrekingen": [{"onderbrekingsnummer": NUMMER}]}}
    assert _gezocht(gevonden) == NUMMER
    leeg = _gezocht({"resultaat": {"onderbrekingen": []}})
    assert isinstance(leeg, Weigering)
    assert leeg.redencode is Redencode.ONBEKENDE_VORDERING


def test_extension_is_a_verlenging_mutatie():
    o = verlengingsopdracht(
        verlenging(_origineel(), einddatum=dt.date(2027, 4, 30)), [BSN], referentie=NUMMER
    )
    verzoek = wijziging.naar_verlenging(o)
    assert (verzoek.methode, verzoek.pad) == ("POST", PAD)
    assert verzoek.body == {
        "metadata": {"correlatieId": o.instructie_id, "afzender": {"oin": LOKET.oin}},
        "aanvraag": {
            "mutatiesoort": "VERLENGING",
            "einddatum": "2027-04-30",
            "toelichting": f"{o.instructie.reden} [casus {o.instructie.casus_id}]",
        },
    }


def test_lifting_is_a_beeindiging_on_the_last_day():
    o = opheffingsopdracht(
        opheffing(_origineel(), opheffingsdatum=dt.date(2027, 1, 15)), [BSN], referentie=NUMMER
    )
    verzoek = wijziging.naar_opheffing(o)
    assert verzoek.body is not None
    assert verzoek.body["aanvraag"]["mutatiesoort"] == "BEEINDIGING"
    assert verzoek.body["aanvraag"]["einddatum"] == "2027-01-14"  # the day before resumption
    assert BSN not in str(verzoek.body)


def _antwoord(status, body):
    o = opheffingsopdracht(opheffing(_origineel()), [BSN], referentie=NUMMER)
    return o, wijziging.OPHEFFING.antwoord(o, BackofficeAntwoord(status, body), NU)


def test_changed_is_bevestigd_with_the_mutatienummer():
    o, a = _antwoord(
        200,
        {
            "resultaat": {
                "onderbrekingsnummer": NUMMER,
                "status": "BEEINDIGD",
                "mutatie": {"mutatienummer": "SVB-MU-2026-0000002", "mutatiesoort": "BEEINDIGING"},
            }
        },
    )
    assert isinstance(a, OpschortingBevestigd)
    assert (a.referentie, a.wijzigingsreferentie) == (NUMMER, "SVB-MU-2026-0000002")
    assert a.instructie_id == o.instructie_id


@pytest.mark.parametrize(
    ("status", "code", "redencode"),
    [
        (404, "ONDERBREKING_ONBEKEND", Redencode.ONBEKENDE_VORDERING),
        (422, "ONDERBREKING_BEEINDIGD", Redencode.TERMIJN_ONGELDIG),
        (422, "EINDDATUM_NIET_LATER", Redencode.TERMIJN_ONGELDIG),
        (422, "EINDDATUM_NA_HUIDIGE_EINDDATUM", Redencode.TERMIJN_ONGELDIG),
        (422, "ONDERBREKING_LANGER_DAN_12_MAANDEN", Redencode.TERMIJN_ONGELDIG),
        (422, "NIEUW", Redencode.ONVERWERKBAAR),
    ],
)
def test_refusals_name_the_interruption(status, code, redencode):
    _, a = _antwoord(status, {"melding": {"code": code, "tekst": "uitleg"}})
    assert isinstance(a, OpschortingGeweigerd)
    assert (a.redencode, a.reden, a.referentie) == (redencode, f"{code}: uitleg", NUMMER)
