"""CJIB: VERLENGING and INTREKKING of an opschorting (pure translation)."""

import datetime as dt

import pytest

from connectors.base.backoffice import BackofficeAntwoord
from connectors.base.opdracht import Onverwerkbaar
from connectors.base.opschorting import Weigering
from connectors.cjib import wijziging
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

BSN = "999990020"
NU = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)
REF = "CJIB-OPS-00000003"


def _origineel():
    return instructie("cjib", [BSN], sleutel().public_key(), ingang=dt.date(2026, 12, 1))


def test_look_up_is_a_resource_of_the_original_request():
    verzoek = wijziging.zoek_opschorting("abc-123")
    assert (verzoek.methode, verzoek.pad, dict(verzoek.query)) == (
        "GET",
        "/cjib/ketenpartnerverzoeken/abc-123",
        {},
    )


def _gezocht(status, body):
    o = verlengingsopdracht(verlenging(_origineel()), [BSN])
    return wijziging.lees_opschorting(o, BackofficeAntwoord(status, body))


def test_reading_the_look_up():
    assert _gezocht(200, {"cjibReferentie": REF}) == REF
    onbekend = _gezocht(404, {"code": "VERZOEK_ONBEKEND", "melding": "?"})
    assert isinstance(onbekend, Weigering)
    assert onbekend.redencode is Redencode.ONBEKENDE_VORDERING
    assert "VERZOEK_ONBEKEND" in onbekend.reden
    kapot = _gezocht(200, None)
    assert isinstance(kapot, Weigering)
    assert kapot.redencode is Redencode.ONVERWERKBAAR


def test_extension_is_a_verlenging_with_an_exclusive_new_tot():
    o = verlengingsopdracht(
        verlenging(_origineel(), einddatum=dt.date(2027, 4, 30)), [BSN], referentie=REF
    )
    verzoek = wijziging.naar_verlenging(o)
    assert (verzoek.methode, verzoek.pad) == (
        "POST",
        f"/cjib/opschortingsverzoeken/{REF}/wijzigingen",
    )
    assert verzoek.body == {
        "referentieKetenpartner": o.instructie_id,
        "ketenpartner": {"oin": LOKET.oin, "naam": LOKET.naam},
        "soort": "VERLENGING",
        "nieuwTot": "2027-05-01",
        "toelichting": f"{o.instructie.reden} [casus {o.instructie.casus_id}]",
    }


def test_lifting_is_an_intrekking_per_the_lifting_date_and_sends_no_bsn():
    o = opheffingsopdracht(
        opheffing(_origineel(), opheffingsdatum=dt.date(2027, 1, 15)), [BSN], referentie=REF
    )
    verzoek = wijziging.naar_opheffing(o)
    assert verzoek.body is not None
    assert verzoek.body["soort"] == "INTREKKING"
    assert verzoek.body["per"] == "2027-01-15"
    assert "nieuwTot" not in verzoek.body
    assert BSN not in str(verzoek.body)


def _antwoord(status, body):
    o = verlengingsopdracht(verlenging(_origineel()), [BSN], referentie=REF)
    return o, wijziging.VERLENGING.antwoord(o, BackofficeAntwoord(status, body), NU)


def test_a_change_made_is_bevestigd_with_the_suspension_reference():
    o, a = _antwoord(
        201,
        {"wijzigingReferentie": "CJIB-WIJ-00000004", "cjibReferentie": REF, "soort": "VERLENGING"},
    )
    assert isinstance(a, OpschortingBevestigd)
    assert a.referentie == REF
    assert a.wijzigingsreferentie == "CJIB-WIJ-00000004"
    assert a.instructie_id == o.instructie_id


@pytest.mark.parametrize(
    ("code", "redencode"),
    [
        ("OPSCHORTING_ONBEKEND", Redencode.ONBEKENDE_VORDERING),
        ("NIEUW_TOT_NIET_LATER", Redencode.TERMIJN_ONGELDIG),
        ("AL_INGETROKKEN", Redencode.TERMIJN_ONGELDIG),
        ("PER_NA_TOT", Redencode.TERMIJN_ONGELDIG),
        ("NIEUW", Redencode.ONVERWERKBAAR),
    ],
)
def test_refusals(code, redencode):
    _, a = _antwoord(422, {"code": code, "melding": "uitleg"})
    assert isinstance(a, OpschortingGeweigerd)
    assert a.redencode is redencode
    assert a.reden == f"{code}: uitleg"
    assert a.referentie == REF


def test_other_statuses_are_the_request_rejected():
    with pytest.raises(Onverwerkbaar, match="backoffice-afgewezen"):
        _antwoord(400, {"code": "ONGELDIG_VERZOEK", "melding": "soort"})
