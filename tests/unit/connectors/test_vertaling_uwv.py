"""UWV: the time-out order as an invorderingsstop (pure translation)."""

import datetime as dt

from connectors.base.backoffice import BackofficeAntwoord
from connectors.base.opschorting import Weigering
from connectors.uwv import vertaling
from schemas.opschorting import (
    Maatregel,
    OpschortingBevestigd,
    OpschortingDeelsBevestigd,
    OpschortingGeweigerd,
    Redencode,
)
from schemas.organisaties import LOKET
from tests.unit.connectors.berichten import instructie, opdracht, sleutel

BSN = "999990020"
NU = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)


def _opdracht(**kwargs):
    event = instructie("uwv", [BSN], sleutel().public_key(), **kwargs)
    return opdracht(event, [BSN])


def test_request_shape_snake_case_and_the_uwvs_actions():
    o = _opdracht(
        ingang=dt.date(2026, 12, 1),
        dagen=30,
        maatregelen=[Maatregel.VERREKENING, Maatregel.RENTE, Maatregel.VERHOGING],
        vorderingen=["TV-ZW-2024-000120"],
    )
    verzoek = vertaling.naar_verzoek(o)
    assert not isinstance(verzoek, Weigering)
    assert (verzoek.methode, verzoek.pad, dict(verzoek.query)) == (
        "POST",
        "/uwv/terugvordering/v1/invorderingsstops",
        {},
    )
    assert verzoek.body == {
        "aanvraag_kenmerk": o.instructie_id,
        "aanvrager_oin": LOKET.oin,
        "klanten": [{"bsn": BSN}],
        "terugvorderingsnummers": ["TV-ZW-2024-000120"],
        "ingangsdatum": "2026-12-01",
        "einddatum": "2026-12-31",
        "acties": ["VERREKENING", "INCASSOKOSTEN"],
        "wettelijke_grondslag": o.instructie.grondslag,
        "toelichting": f"{o.instructie.reden} [casus {o.instructie.casus_id}]",
    }


def test_every_measure_but_interest_has_an_action():
    assert set(vertaling.ACTIES) == set(Maatregel)
    assert [m for m, a in vertaling.ACTIES.items() if a is None] == [Maatregel.RENTE]


def test_interest_only_is_refused_without_a_request():
    uitkomst = vertaling.naar_verzoek(_opdracht(maatregelen=[Maatregel.RENTE]))
    assert isinstance(uitkomst, Weigering)
    assert uitkomst.redencode is Redencode.WETTELIJK_UITGESLOTEN


def _antwoord(status, body):
    return vertaling.OPDRACHT.antwoord(_opdracht(), BackofficeAntwoord(status, body), NU)


def test_stopped_is_bevestigd_and_a_court_ordered_set_off_makes_it_deels():
    vol = _antwoord(
        201,
        {
            "stopnummer": "UWV-IS-20261122-00001",
            "terugvorderingen": [
                {"terugvorderingsnummer": "A", "status": "GESTOPT", "reden_code": None}
            ],
        },
    )
    assert isinstance(vol, OpschortingBevestigd)
    assert vol.referentie == "UWV-IS-20261122-00001"
    deels = _antwoord(
        201,
        {
            "stopnummer": "UWV-IS-20261122-00002",
            "terugvorderingen": [
                {"terugvorderingsnummer": "A", "status": "GESTOPT"},
                {
                    "terugvorderingsnummer": "B",
                    "status": "NIET_GESTOPT",
                    "reden_code": "RECHTERLIJKE_VERREKENING",
                },
            ],
        },
    )
    assert isinstance(deels, OpschortingDeelsBevestigd)
    niet = next(v for v in deels.vorderingen if not v.opgeschort)
    assert (niet.vordering, niet.redencode) == ("B", Redencode.WETTELIJK_UITGESLOTEN)
    assert niet.toelichting == "RECHTERLIJKE_VERREKENING"


def test_refusals():
    rechter = _antwoord(
        422,
        {
            "meldingen": [{"code": "RECHTERLIJKE_VERREKENING", "omschrijving": "rechter"}],
            "terugvorderingen": [
                {
                    "terugvorderingsnummer": "TV-WIA-2022-000132",
                    "status": "NIET_GESTOPT",
                    "reden_code": "RECHTERLIJKE_VERREKENING",
                }
            ],
        },
    )
    assert isinstance(rechter, OpschortingGeweigerd)
    assert rechter.redencode is Redencode.WETTELIJK_UITGESLOTEN
    assert rechter.reden == "RECHTERLIJKE_VERREKENING: rechter"
    assert [v.vordering for v in rechter.vorderingen] == ["TV-WIA-2022-000132"]
    for code, redencode in [
        ("INGANGSDATUM_TE_VER_TERUG", Redencode.TERMIJN_ONGELDIG),
        ("KLANT_NIET_GEVONDEN", Redencode.ONBEKENDE_PERSOON),
        ("GEEN_TERUGVORDERING", Redencode.ONBEKENDE_VORDERING),
        ("IETS_ANDERS", Redencode.ONVERWERKBAAR),
    ]:
        geweigerd = _antwoord(422, {"meldingen": [{"code": code, "omschrijving": "x"}]})
        assert isinstance(geweigerd, OpschortingGeweigerd)
        assert geweigerd.redencode is redencode, code
    kapot = _antwoord(422, {"meldingen": []})
    assert kapot.redencode is Redencode.ONVERWERKBAAR
