import datetime as dt

from connectors.base.backoffice import BackofficeAntwoord
from connectors.duo import vertaling
from schemas.opschorting import (
    Maatregel,
    OpschortingBevestigd,
    OpschortingDeelsBevestigd,
    OpschortingGeweigerd,
    Redencode,
)
from schemas.organisaties import LOKET
from tests.unit.connectors.berichten import instructie, opdracht, sleutel

BSN = "999990032"
NU = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)


def _opdracht(**kwargs):
    event = instructie("duo", [BSN], sleutel().public_key(), **kwargs)
    return opdracht(event, [BSN])


def test_request_shape_and_numeric_pause_codes():
    o = _opdracht(
        ingang=dt.date(2026, 12, 1),
        dagen=30,
        maatregelen=[Maatregel.RENTE, Maatregel.INVORDERING, Maatregel.RENTE],
    )
    verzoek = vertaling.naar_verzoek(o)
    assert (verzoek.methode, verzoek.pad, dict(verzoek.query)) == (
        "POST",
        "/duo/v2/betalingspauzes",
        {},
    )
    assert verzoek.body == {
        "verzoekId": o.instructie_id,
        "opdrachtgever": {"oin": LOKET.oin},
        "debiteuren": [{"bsn": BSN}],
        "schuldnummers": None,
        "startDatum": "2026-12-01",
        "eindDatum": "2026-12-31",
        "pauzeSoorten": [10, 50],
        "wettelijkeGrondslag": o.instructie.grondslag,
        "motivering": f"{o.instructie.reden} [casus {o.instructie.casus_id}]",
    }


def test_every_measure_has_a_pause_code():
    assert set(vertaling.PAUZESOORTEN) == set(Maatregel)
    assert len(set(vertaling.PAUZESOORTEN.values())) == len(Maatregel)


def test_scope_is_passed_as_debt_numbers():
    o = _opdracht(vorderingen=["SF-2018-000132"])
    assert vertaling.naar_verzoek(o).body["schuldnummers"] == ["SF-2018-000132"]


def _antwoord(status, body):
    return vertaling.OPDRACHT.antwoord(_opdracht(), BackofficeAntwoord(status, body), NU)


def test_paused_is_bevestigd_and_partly_is_deels():
    vol = _antwoord(
        201,
        {
            "duoKenmerk": "DUO-BP-20261122-00001",
            "schulden": [{"schuldnummer": "A", "gepauzeerd": True}],
        },
    )
    assert isinstance(vol, OpschortingBevestigd)
    assert vol.referentie == "DUO-BP-20261122-00001"
    deels = _antwoord(
        201,
        {
            "duoKenmerk": "DUO-BP-20261122-00002",
            "schulden": [
                {"schuldnummer": "A", "gepauzeerd": True},
                {"schuldnummer": "B", "gepauzeerd": False, "toelichting": "Schuldnummer onbekend"},
            ],
        },
    )
    assert isinstance(deels, OpschortingDeelsBevestigd)


def test_refusals():
    te_oud = _antwoord(
        422, {"fout": {"code": "STARTDATUM_TE_VER_IN_VERLEDEN", "bericht": "30 dagen"}}
    )
    assert isinstance(te_oud, OpschortingGeweigerd)
    assert te_oud.redencode is Redencode.TERMIJN_ONGELDIG
    assert "30 dagen" in te_oud.reden
    onbekend = _antwoord(422, {"fout": {"code": "DEBITEUR_ONBEKEND", "bericht": "?"}})
    assert onbekend.redencode is Redencode.ONBEKENDE_PERSOON
    kapot = _antwoord(422, {"code": "verkeerde vorm"})
    assert kapot.redencode is Redencode.ONVERWERKBAAR
