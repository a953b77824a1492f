"""IND: the time-out order as uitstel van betaling of fees (pure translation)."""

import datetime as dt

from connectors.base.backoffice import BackofficeAntwoord
from connectors.base.opschorting import Weigering
from connectors.ind import vertaling
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
    event = instructie("ind", [BSN], sleutel().public_key(), **kwargs)
    return opdracht(event, [BSN])


def test_request_shape_and_only_the_fee_steps():
    o = _opdracht(
        ingang=dt.date(2026, 12, 1),
        dagen=30,
        maatregelen=[Maatregel.BESLAG, Maatregel.DWANGBEVEL, Maatregel.INVORDERING],
    )
    verzoek = vertaling.naar_verzoek(o)
    assert not isinstance(verzoek, Weigering)
    assert (verzoek.methode, verzoek.pad, dict(verzoek.query)) == (
        "POST",
        "/ind/leges/v1/uitstelverzoeken",
        {},
    )
    assert verzoek.body == {
        "verzoekReferentie": o.instructie_id,
        "indiener": {"oin": LOKET.oin},
        "aanvragers": [{"bsn": BSN}],
        "legesnummers": None,
        "uitstelVan": "2026-12-01",
        "uitstelTot": "2026-12-31",
        "onderdelen": ["DWANGBEVEL", "INNING"],
        "grondslag": o.instructie.grondslag,
        "motivering": f"{o.instructie.reden} [casus {o.instructie.casus_id}]",
    }


def test_measures_the_ind_does_not_have_are_refused_without_a_request():
    assert set(vertaling.ONDERDELEN) == set(Maatregel)
    alleen_beslag = [Maatregel.BESLAG, Maatregel.VERREKENING, Maatregel.RENTE]
    uitkomst = vertaling.naar_verzoek(_opdracht(maatregelen=alleen_beslag))
    assert isinstance(uitkomst, Weigering)
    assert uitkomst.redencode is Redencode.WETTELIJK_UITGESLOTEN
    assert "beslag, verrekening, rente" in uitkomst.reden


def _antwoord(status, body):
    return vertaling.OPDRACHT.antwoord(_opdracht(), BackofficeAntwoord(status, body), NU)


def test_deferred_is_bevestigd_and_a_paid_fee_makes_it_deels():
    vol = _antwoord(
        201,
        {
            "uitstelnummer": "IND-UIT-2026-000001",
            "leges": [{"legesnummer": "A", "uitgesteld": True, "reden": None}],
        },
    )
    assert isinstance(vol, OpschortingBevestigd)
    assert vol.referentie == "IND-UIT-2026-000001"
    deels = _antwoord(
        201,
        {
            "uitstelnummer": "IND-UIT-2026-000002",
            "leges": [
                {"legesnummer": "A", "uitgesteld": True},
                {"legesnummer": "B", "uitgesteld": False, "reden": "VOLDAAN"},
            ],
        },
    )
    assert isinstance(deels, OpschortingDeelsBevestigd)
    niet = next(v for v in deels.vorderingen if not v.opgeschort)
    assert (niet.vordering, niet.redencode, niet.toelichting) == (
        "B",
        Redencode.ONBEKENDE_VORDERING,
        "VOLDAAN",
    )


def _probleem(code, **extra):
    return {"type": "https://ind.example/problemen/x", "title": "x", "detail": "d", "code": code,
            **extra}  # fmt: skip


def test_refusals_as_problem_details():
    for code, redencode in [
        ("UITSTEL_MET_TERUGWERKENDE_KRACHT", Redencode.TERMIJN_ONGELDIG),
        ("PERSOON_ONBEKEND", Redencode.ONBEKENDE_PERSOON),
        ("GEEN_OPENSTAANDE_LEGES", Redencode.ONBEKENDE_VORDERING),
        ("IETS_ANDERS", Redencode.ONVERWERKBAAR),
    ]:
        geweigerd = _antwoord(422, _probleem(code))
        assert isinstance(geweigerd, OpschortingGeweigerd)
        assert (geweigerd.redencode, geweigerd.reden) == (redencode, f"{code}: d")
    betaald = _antwoord(
        422,
        _probleem(
            "GEEN_OPENSTAANDE_LEGES",
            leges=[{"legesnummer": "IND-LG-1", "uitgesteld": False, "reden": "VOLDAAN"}],
        ),
    )
    assert [v.vordering for v in betaald.vorderingen] == ["IND-LG-1"]
    kapot = _antwoord(422, {"title": "zonder code"})
    assert kapot.redencode is Redencode.ONVERWERKBAAR
