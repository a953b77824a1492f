"""SVB: the time-out instruction as an *invorderingsonderbreking* (pure translation)."""

import datetime as dt

import pytest

from connectors.base.backoffice import BackofficeAntwoord
from connectors.base.opschorting import Weigering
from connectors.svb import vertaling
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
    event = instructie("svb", [BSN], sleutel().public_key(), **kwargs)
    return opdracht(event, [BSN])


def test_request_is_an_envelope_with_inclusive_dates_and_own_codes():
    o = _opdracht(
        ingang=dt.date(2026, 12, 1),
        dagen=30,
        maatregelen=[Maatregel.VERREKENING, Maatregel.RENTE, Maatregel.VERHOGING],
    )
    verzoek = vertaling.naar_verzoek(o)
    assert not isinstance(verzoek, Weigering)
    assert (verzoek.methode, verzoek.pad) == (
        "POST",
        "/svb/api/terugvordering/v1/invorderingsonderbrekingen",
    )
    assert verzoek.body == {
        "metadata": {"correlatieId": o.instructie_id, "afzender": {"oin": LOKET.oin}},
        "aanvraag": {
            "klanten": [{"bsn": BSN}],
            "vorderingnummers": None,
            "periode": {"begindatum": "2026-12-01", "einddatum": "2026-12-31"},
            "onderdelen": ["VERREKENING", "INCASSOKOSTEN"],  # no interest at the SVB
            "grondslag": o.instructie.grondslag,
            "toelichting": f"{o.instructie.reden} [casus {o.instructie.casus_id}]",
        },
    }


def test_only_interest_asked_is_refused_without_a_call():
    uitkomst = vertaling.naar_verzoek(_opdracht(maatregelen=[Maatregel.RENTE]))
    assert isinstance(uitkomst, Weigering)
    assert uitkomst.redencode is Redencode.WETTELIJK_UITGESLOTEN


def test_scope_is_passed_as_vorderingnummers():
    verzoek = vertaling.naar_verzoek(_opdracht(vorderingen=["TV-2025-000144"]))
    assert not isinstance(verzoek, Weigering)
    assert verzoek.body is not None
    assert verzoek.body["aanvraag"]["vorderingnummers"] == ["TV-2025-000144"]


def _antwoord(status, body):
    return vertaling.OPDRACHT.antwoord(_opdracht(), BackofficeAntwoord(status, body), NU)


def test_interrupted_is_bevestigd_and_a_fraud_claim_makes_it_deels():
    vol = _antwoord(
        201,
        {
            "resultaat": {
                "onderbrekingsnummer": "SVB-IO-2026-0000001",
                "vorderingen": [{"vorderingnummer": "TV-2025-000144", "status": "ONDERBROKEN"}],
            }
        },
    )
    assert isinstance(vol, OpschortingBevestigd)
    assert vol.referentie == "SVB-IO-2026-0000001"
    deels = _antwoord(
        201,
        {
            "resultaat": {
                "onderbrekingsnummer": "SVB-IO-2026-0000002",
                "vorderingen": [
                    {"vorderingnummer": "TV-2025-000144", "status": "ONDERBROKEN"},
                    {
                        "vorderingnummer": "BB-2025-000244",
                        "status": "NIET_ONDERBROKEN",
                        "reden": "FRAUDEVORDERING",
                    },
                ],
            }
        },
    )
    assert isinstance(deels, OpschortingDeelsBevestigd)
    (niet,) = [v for v in deels.vorderingen if not v.opgeschort]
    assert (niet.vordering, niet.redencode) == ("BB-2025-000244", Redencode.WETTELIJK_UITGESLOTEN)


@pytest.mark.parametrize(
    ("code", "redencode"),
    [
        ("ONDERBREKING_LANGER_DAN_12_MAANDEN", Redencode.TERMIJN_ONGELDIG),
        ("KLANT_ONBEKEND", Redencode.ONBEKENDE_PERSOON),
        ("ALLE_VORDERINGEN_UITGESLOTEN", Redencode.WETTELIJK_UITGESLOTEN),
        ("GEEN_ONDERBREEKBARE_VORDERINGEN", Redencode.ONBEKENDE_VORDERING),
        ("IETS_NIEUWS", Redencode.ONVERWERKBAAR),
    ],
)
def test_refusals(code, redencode):
    a = _antwoord(
        422,
        {
            "melding": {"code": code, "tekst": "uitleg", "soort": "FUNCTIONEEL"},
            "vorderingen": [
                {
                    "vorderingnummer": "BB-2024-000132",
                    "status": "NIET_ONDERBROKEN",
                    "reden": "FRAUDEVORDERING",
                }
            ],
        },
    )
    assert isinstance(a, OpschortingGeweigerd)
    assert (a.redencode, a.reden) == (redencode, f"{code}: uitleg")
    assert [v.vordering for v in a.vorderingen] == ["BB-2024-000132"]


def test_an_error_in_another_shape_is_onverwerkbaar():
    a = _antwoord(422, {"fouten": [{"code": "X"}]})
    assert isinstance(a, OpschortingGeweigerd)
    assert a.redencode is Redencode.ONVERWERKBAAR
