"""Belastingdienst: extension and ending of an invorderingsstop (pure translation)."""

import datetime as dt

import pytest

from connectors.base.backoffice import BackofficeAntwoord
from connectors.base.opdracht import Onverwerkbaar
from connectors.base.opschorting import Weigering
from connectors.belastingdienst import wijziging
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

BSN, PARTNER = "999990019", "999990020"
NU = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)
STOP = "BD-IS-2026-000007"


def _origineel():
    return instructie(
        "belastingdienst", [BSN, PARTNER], sleutel().public_key(), ingang=dt.date(2026, 12, 1)
    )


def _verlenging(referentie=STOP, **kwargs):
    return verlengingsopdracht(
        verlenging(_origineel(), **kwargs), [BSN, PARTNER], referentie=referentie
    )


def _opheffing(**kwargs):
    return opheffingsopdracht(opheffing(_origineel(), **kwargs), [BSN, PARTNER], referentie=STOP)


def _gezocht(status, body):
    return wijziging.lees_opschorting(
        _verlenging(referentie=None), BackofficeAntwoord(status, body)
    )


def test_look_up_by_the_original_instruction_id():
    verzoek = wijziging.zoek_opschorting("0b3c-id")
    assert (verzoek.methode, verzoek.pad) == ("GET", "/api/v1/invorderingsstops")
    assert verzoek.query == {"verzoekKenmerk": "0b3c-id"}
    assert verzoek.body is None


def test_reading_the_look_up():
    assert _gezocht(200, {"invorderingsstops": [{"stopKenmerk": STOP}]}) == STOP
    niets = _gezocht(200, {"invorderingsstops": []})
    assert isinstance(niets, Weigering)
    assert niets.redencode is Redencode.ONBEKENDE_VORDERING
    with pytest.raises(Onverwerkbaar, match="backoffice-afgewezen"):
        _gezocht(400, {"foutcode": "ONGELDIG_VERZOEK"})


def test_extension_request():
    o = _verlenging(einddatum=dt.date(2027, 5, 31))
    verzoek = wijziging.naar_verlenging(o)
    assert (verzoek.methode, verzoek.pad) == (
        "POST",
        f"/api/v1/invorderingsstops/{STOP}/verlengingen",
    )
    assert verzoek.query == {}
    assert verzoek.body == {
        "verzoekKenmerk": o.instructie_id,
        "aanvragerOin": LOKET.oin,
        "belastingplichtigen": [{"bsn": BSN}, {"bsn": PARTNER}],
        "nieuweEinddatum": "2027-05-31",
        "toelichting": f"{o.instructie.reden} [casus {o.instructie.casus_id}]",
    }
    assert BSN not in repr(verzoek)


def test_ending_request_takes_the_lifting_date_as_is():
    o = _opheffing(opheffingsdatum=dt.date(2027, 1, 15))
    verzoek = wijziging.naar_opheffing(o)
    assert verzoek.pad == f"/api/v1/invorderingsstops/{STOP}/beeindigingen"
    assert verzoek.body is not None
    assert verzoek.body["beeindigdPer"] == "2027-01-15"
    assert verzoek.body["verzoekKenmerk"] == o.instructie_id
    assert "nieuweEinddatum" not in verzoek.body


def test_a_reference_cannot_change_the_path():
    verzoek = wijziging.naar_verlenging(_verlenging(referentie="../x?y=1"))
    assert verzoek.pad == "/api/v1/invorderingsstops/..%2Fx%3Fy%3D1/verlengingen"


def test_confirmed_change_answers_the_change_with_the_stop_reference():
    o = _verlenging()
    body = {"verlengingKenmerk": "BD-VL-2026-000009", "stopKenmerk": STOP, "einddatum": "x"}
    a = wijziging.VERLENGING.antwoord(o, BackofficeAntwoord(201, body), NU)
    assert isinstance(a, OpschortingBevestigd)
    assert a.instructie_id == o.instructie_id
    assert a.instructie_id != o.instructie.instructie_id
    assert a.referentie == STOP
    assert a.wijzigingsreferentie == "BD-VL-2026-000009"
    assert (a.opschorting_id, a.casus_id) == (o.instructie.opschorting_id, o.instructie.casus_id)
    assert a.beantwoord_op == NU


@pytest.mark.parametrize(
    ("status", "foutcode", "redencode"),
    [
        (422, "TERMIJN_TE_LANG", Redencode.TERMIJN_ONGELDIG),
        (422, "EINDDATUM_NIET_LATER", Redencode.TERMIJN_ONGELDIG),
        (422, "STOP_BEEINDIGD", Redencode.TERMIJN_ONGELDIG),
        (422, "BEEINDIGDPER_NA_EINDDATUM", Redencode.TERMIJN_ONGELDIG),
        (422, "BELASTINGPLICHTIGE_WIJKT_AF", Redencode.ONBEKENDE_PERSOON),
        (404, "STOP_ONBEKEND", Redencode.ONBEKENDE_VORDERING),
        (422, "IETS_NIEUWS", Redencode.ONVERWERKBAAR),
    ],
)
def test_refusals(status, foutcode, redencode):
    o = _opheffing()
    body = {"foutcode": foutcode, "omschrijving": "uitleg"}
    a = wijziging.OPHEFFING.antwoord(o, BackofficeAntwoord(status, body), NU)
    assert isinstance(a, OpschortingGeweigerd)
    assert a.redencode is redencode
    assert a.reden == f"{foutcode}: uitleg"
    assert a.referentie == STOP
    assert a.instructie_id == o.instructie_id


@pytest.mark.parametrize(
    ("status", "body"),
    [(201, {"onzin": 1}), (201, None)],
)
def test_unexpected_answers_are_onverwerkbaar(status, body):
    a = wijziging.VERLENGING.antwoord(_verlenging(), BackofficeAntwoord(status, body), NU)
    assert isinstance(a, OpschortingGeweigerd)
    assert a.redencode is Redencode.ONVERWERKBAAR
    assert str(status) in a.reden
