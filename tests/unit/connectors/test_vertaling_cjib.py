import datetime as dt

import pytest

from connectors.base.backoffice import BackofficeAntwoord
from connectors.base.opdracht import Onverwerkbaar
from connectors.base.opschorting import Weigering
from connectors.cjib import vertaling
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
    event = instructie("cjib", [BSN], sleutel().public_key(), **kwargs)
    return opdracht(event, [BSN])


def test_request_shape_and_exclusive_end():
    o = _opdracht(ingang=dt.date(2026, 12, 1), dagen=30, vorderingen=["WAHV-2025-000120"])
    verzoek = vertaling.naar_verzoek(o)
    assert (verzoek.methode, verzoek.pad, dict(verzoek.query)) == (
        "POST",
        "/cjib/opschortingsverzoeken",
        {},
    )
    assert verzoek.body == {
        "referentieKetenpartner": o.instructie_id,
        "ketenpartner": {"oin": LOKET.oin, "naam": LOKET.naam},
        "betrokkenen": [{"burgerservicenummer": BSN}],
        "zaaknummers": ["WAHV-2025-000120"],
        "periode": {"van": "2026-12-01", "tot": "2027-01-01"},
        "maatregelen": ["INNING", "BESLAGLEGGING", "VERREKENING"],
        "grondslag": o.instructie.grondslag,
        "toelichting": f"{o.instructie.reden} [casus {o.instructie.casus_id}]",
    }


def test_rente_is_dropped():
    verzoek = vertaling.naar_verzoek(_opdracht(maatregelen=list(Maatregel)))
    assert verzoek.body["maatregelen"] == [
        "INNING",
        "BESLAGLEGGING",
        "VERREKENING",
        "WETTELIJKE_VERHOGING",
        "DWANGMIDDELEN",
    ]


def test_only_rente_is_refused_without_a_request():
    uitkomst = vertaling.naar_verzoek(_opdracht(maatregelen=[Maatregel.RENTE]))
    assert isinstance(uitkomst, Weigering)
    assert uitkomst.redencode is Redencode.WETTELIJK_UITGESLOTEN


def _antwoord(status, body):
    return vertaling.OPDRACHT.antwoord(_opdracht(), BackofficeAntwoord(status, body), NU)


def test_all_suspended_is_bevestigd():
    a = _antwoord(
        201,
        {
            "cjibReferentie": "CJIB-OPS-00000003",
            "zaken": [{"zaaknummer": "WAHV-2025-000120", "status": "OPGESCHORT", "reden": None}],
        },
    )
    assert isinstance(a, OpschortingBevestigd)
    assert a.referentie == "CJIB-OPS-00000003"


def test_case_under_appeal_makes_it_deels_bevestigd():
    a = _antwoord(
        201,
        {
            "cjibReferentie": "CJIB-OPS-00000004",
            "zaken": [
                {"zaaknummer": "WAHV-2025-000120", "status": "OPGESCHORT"},
                {
                    "zaaknummer": "WAHV-2025-000220",
                    "status": "NIET_OPGESCHORT",
                    "reden": "IN_BEROEP",
                },
            ],
        },
    )
    assert isinstance(a, OpschortingDeelsBevestigd)
    beroep = next(v for v in a.vorderingen if v.vordering == "WAHV-2025-000220")
    assert not beroep.opgeschort
    assert beroep.redencode is Redencode.BEZWAAR_OF_BEROEP


def test_all_under_appeal_is_geweigerd_bezwaar_of_beroep():
    a = _antwoord(
        422,
        {
            "code": "ALLE_ZAKEN_IN_BEROEP",
            "melding": "Alle zaken zijn in beroep",
            "zaken": [
                {
                    "zaaknummer": "WAHV-2025-000132",
                    "status": "NIET_OPGESCHORT",
                    "reden": "IN_BEROEP",
                }
            ],
        },
    )
    assert isinstance(a, OpschortingGeweigerd)
    assert a.redencode is Redencode.BEZWAAR_OF_BEROEP
    assert "ALLE_ZAKEN_IN_BEROEP" in a.reden
    assert a.vorderingen[0].redencode is Redencode.BEZWAAR_OF_BEROEP


def test_unknown_person_and_unknown_cases():
    assert _antwoord(422, {"code": "BETROKKENE_ONBEKEND", "melding": "?"}).redencode is (
        Redencode.ONBEKENDE_PERSOON
    )
    assert _antwoord(422, {"code": "GEEN_OPSCHORTBARE_ZAKEN", "melding": "?"}).redencode is (
        Redencode.ONBEKENDE_VORDERING
    )
    with pytest.raises(Onverwerkbaar, match="backoffice-afgewezen"):
        _antwoord(400, {"code": "ONGELDIG_VERZOEK", "melding": "?"})
