"""CAK: the time-out instruction as an *incassostop* (pure translation)."""

import datetime as dt

import pytest

from connectors.base.backoffice import BackofficeAntwoord
from connectors.cak import vertaling
from schemas.opschorting import (
    Maatregel,
    OpschortingBevestigd,
    OpschortingDeelsBevestigd,
    OpschortingGeweigerd,
    Redencode,
)
from schemas.organisaties import LOKET
from tests.unit.connectors.berichten import instructie, opdracht, sleutel

BSN = "999990044"
NU = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)


def _opdracht(**kwargs):
    event = instructie("cak", [BSN], sleutel().public_key(), **kwargs)
    return opdracht(event, [BSN])


def test_request_shape_snake_case_inclusive_dates_and_own_measure_codes():
    o = _opdracht(
        ingang=dt.date(2026, 12, 1),
        dagen=30,
        maatregelen=[Maatregel.BESLAG, Maatregel.DWANGBEVEL, Maatregel.BESLAG],
    )
    verzoek = vertaling.naar_verzoek(o)
    assert (verzoek.methode, verzoek.pad, dict(verzoek.query)) == (
        "POST",
        "/cak/api/v1/incassostops",
        {},
    )
    assert verzoek.body == {
        "berichtkenmerk": o.instructie_id,
        "afzender_oin": LOKET.oin,
        "relaties": [{"bsn": BSN}],
        "regelingsnummers": None,
        "ingangsdatum": "2026-12-01",
        "einddatum": "2026-12-31",
        "maatregelen": ["BRONINHOUDING", "OVERDRACHT_CJIB"],
        "wettelijke_grondslag": o.instructie.grondslag,
        "motivatie": f"{o.instructie.reden} [casus {o.instructie.casus_id}]",
    }


def test_every_measure_has_its_own_cak_code():
    assert set(vertaling.MAATREGELEN) == set(Maatregel)
    assert len(set(vertaling.MAATREGELEN.values())) == len(Maatregel)


def test_scope_is_passed_as_regelingsnummers():
    o = _opdracht(vorderingen=["BRP-2025-000144"])
    assert vertaling.naar_verzoek(o).body["regelingsnummers"] == ["BRP-2025-000144"]


def _antwoord(status, body):
    return vertaling.OPDRACHT.antwoord(_opdracht(), BackofficeAntwoord(status, body), NU)


def test_stopped_is_bevestigd():
    a = _antwoord(
        201,
        {
            "cak_referentie": "CAK-OPS-2026-000001",
            "regelingen": [
                {"regelingsnummer": "BRP-2025-000144", "resultaat": "GESTOPT", "reden_code": None}
            ],
        },
    )
    assert isinstance(a, OpschortingBevestigd)
    assert a.referentie == "CAK-OPS-2026-000001"


def test_a_regeling_with_the_cjib_makes_it_deels_bevestigd():
    a = _antwoord(
        201,
        {
            "cak_referentie": "CAK-OPS-2026-000002",
            "regelingen": [
                {"regelingsnummer": "BRP-2025-000144", "resultaat": "GESTOPT"},
                {
                    "regelingsnummer": "BRP-2022-000244",
                    "resultaat": "NIET_GESTOPT",
                    "reden_code": "OVERGEDRAGEN_AAN_CJIB",
                },
            ],
        },
    )
    assert isinstance(a, OpschortingDeelsBevestigd)
    niet = {v.vordering: (v.redencode, v.toelichting) for v in a.vorderingen if not v.opgeschort}
    assert niet == {"BRP-2022-000244": (Redencode.WETTELIJK_UITGESLOTEN, "OVERGEDRAGEN_AAN_CJIB")}


@pytest.mark.parametrize(
    ("code", "redencode"),
    [
        ("INGANGSDATUM_VOOR_LOPENDE_MAAND", Redencode.TERMIJN_ONGELDIG),
        ("RELATIE_ONBEKEND", Redencode.ONBEKENDE_PERSOON),
        ("ALLE_REGELINGEN_OVERGEDRAGEN", Redencode.WETTELIJK_UITGESLOTEN),
        ("GEEN_STOPBARE_REGELINGEN", Redencode.ONBEKENDE_VORDERING),
        ("IETS_NIEUWS", Redencode.ONVERWERKBAAR),
    ],
)
def test_refusals_read_the_first_of_the_error_list(code, redencode):
    a = _antwoord(
        422,
        {
            "fouten": [{"code": code, "omschrijving": "uitleg"}, {"code": "X"}],
            "regelingen": [
                {
                    "regelingsnummer": "BRP-2023-000132",
                    "resultaat": "NIET_GESTOPT",
                    "reden_code": "OVERGEDRAGEN_AAN_CJIB",
                }
            ],
        },
    )
    assert isinstance(a, OpschortingGeweigerd)
    assert (a.redencode, a.reden) == (redencode, f"{code}: uitleg")
    assert [v.vordering for v in a.vorderingen] == ["BRP-2023-000132"]


@pytest.mark.parametrize("body", [{"fouten": []}, {"fout": {"code": "X"}}, {"code": "X"}])
def test_an_error_in_another_shape_is_onverwerkbaar(body):
    a = _antwoord(422, body)
    assert isinstance(a, OpschortingGeweigerd)
    assert a.redencode is Redencode.ONVERWERKBAAR
