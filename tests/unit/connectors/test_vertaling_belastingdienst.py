import datetime as dt

import pytest

from connectors.base.backoffice import BackofficeAntwoord
from connectors.base.opdracht import Onverwerkbaar
from connectors.belastingdienst import vertaling
from schemas.opschorting import (
    Maatregel,
    OpschortingBevestigd,
    OpschortingDeelsBevestigd,
    OpschortingGeweigerd,
    Redencode,
)
from schemas.organisaties import LOKET
from tests.unit.connectors.berichten import instructie, opdracht, sleutel

BSN, PARTNER = "999990019", "999990020"
NU = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)


def _opdracht(**kwargs):
    key = sleutel()
    event = instructie("belastingdienst", [BSN, PARTNER], key.public_key(), **kwargs)
    return opdracht(event, [BSN, PARTNER])


def test_request_shape_and_fields():
    o = _opdracht(ingang=dt.date(2026, 12, 1), dagen=89, vorderingen=["2024.IB.000101"])
    verzoek = vertaling.naar_verzoek(o)
    assert (verzoek.methode, verzoek.pad, dict(verzoek.query)) == (
        "POST",
        "/api/v1/invorderingsstops",
        {},
    )
    assert verzoek.body == {
        "verzoekKenmerk": o.instructie_id,
        "aanvragerOin": LOKET.oin,
        "belastingplichtigen": [{"bsn": BSN}, {"bsn": PARTNER}],
        "aanslagnummers": ["2024.IB.000101"],
        "ingangsdatum": "2026-12-01",
        "einddatum": "2027-02-28",
        "maatregelen": ["UITSTEL_BETALING", "BESLAG_OPSCHORTEN", "VERREKENING_AANHOUDEN"],
        "grondslag": o.instructie.grondslag,
        "toelichting": f"{o.instructie.reden} [casus {o.instructie.casus_id}]",
    }


def test_null_scope_means_all_assessments():
    assert vertaling.naar_verzoek(_opdracht()).body["aanslagnummers"] is None


def test_every_measure_has_a_code_and_duplicates_go():
    o = _opdracht(maatregelen=[*Maatregel, Maatregel.RENTE])
    codes = vertaling.naar_verzoek(o).body["maatregelen"]
    assert codes == [vertaling.MAATREGELEN[m] for m in Maatregel]
    assert set(vertaling.MAATREGELEN) == set(Maatregel)


def _antwoord(status, body):
    return vertaling.OPDRACHT.antwoord(_opdracht(), BackofficeAntwoord(status, body), NU)


def test_all_stopped_is_bevestigd_with_the_stop_reference():
    body = {
        "stopKenmerk": "BD-IS-2026-000007",
        "aanslagen": [{"aanslagnummer": "2024.IB.000101", "resultaat": "GESTOPT", "reden": None}],
    }
    a = _antwoord(201, body)
    assert isinstance(a, OpschortingBevestigd)
    assert a.referentie == "BD-IS-2026-000007"
    assert [v.vordering for v in a.vorderingen] == ["2024.IB.000101"]
    assert a.beantwoord_op == NU


def test_some_not_stopped_is_deels_bevestigd():
    body = {
        "stopKenmerk": "BD-IS-2026-000008",
        "aanslagen": [
            {"aanslagnummer": "2024.IB.000101", "resultaat": "GESTOPT"},
            {
                "aanslagnummer": "1999.IB.000000",
                "resultaat": "NIET_GESTOPT",
                "reden": "AANSLAG_NIET_GEVONDEN",
            },
        ],
    }
    a = _antwoord(201, body)
    assert isinstance(a, OpschortingDeelsBevestigd)
    niet = [v for v in a.vorderingen if not v.opgeschort]
    assert niet[0].redencode is Redencode.ONBEKENDE_VORDERING


def test_none_stopped_is_geweigerd_with_reference():
    body = {
        "stopKenmerk": "BD-IS-2026-000009",
        "aanslagen": [
            {"aanslagnummer": "X", "resultaat": "NIET_GESTOPT", "reden": "AANSLAG_NIET_GEVONDEN"}
        ],
    }
    a = _antwoord(201, body)
    assert isinstance(a, OpschortingGeweigerd)
    assert a.redencode is Redencode.ONBEKENDE_VORDERING
    assert a.referentie == "BD-IS-2026-000009"


def test_refusals_map_to_reason_codes():
    termijn = _antwoord(422, {"foutcode": "TERMIJN_TE_LANG", "omschrijving": "max 12 maanden"})
    assert isinstance(termijn, OpschortingGeweigerd)
    assert termijn.redencode is Redencode.TERMIJN_ONGELDIG
    assert "max 12 maanden" in termijn.reden
    onbekend = _antwoord(422, {"foutcode": "BELASTINGPLICHTIGE_ONBEKEND", "omschrijving": "?"})
    assert onbekend.redencode is Redencode.ONBEKENDE_PERSOON
    anders = _antwoord(422, {"foutcode": "IETS_NIEUWS", "omschrijving": "?"})
    assert anders.redencode is Redencode.ONVERWERKBAAR


def test_unreadable_answers_are_onverwerkbaar():
    for status, body in [(201, {"onzin": 1}), (201, None)]:
        a = _antwoord(status, body)
        assert isinstance(a, OpschortingGeweigerd)
        assert a.redencode is Redencode.ONVERWERKBAAR
        assert str(status) in a.reden


def test_a_client_error_that_is_no_refusal_is_the_request_rejected():
    with pytest.raises(Onverwerkbaar) as fout:
        _antwoord(409, {"foutcode": "SLEUTEL_HERGEBRUIKT"})
    assert fout.value.reden.value == "backoffice-afgewezen"
    assert "409" in fout.value.detail
