"""Gemeente: one connector for many municipalities. The translations (pure) name the municipality
on every request and answer; the router sends each request to that municipality's back-office
and answers for one it does not serve."""

from __future__ import annotations

import datetime as dt
import json

import httpx
import pytest

from connectors.base.backoffice import BackofficeAntwoord, BackofficeClient, HttpVerzoek
from connectors.base.informatie import Weigering as InformatieWeigering
from connectors.base.opschorting import Weigering
from connectors.gemeente import KOPPELING, informatie, vertaling, wijziging
from connectors.gemeente.gemeenten import STANDAARD, Gemeenten, Gemeenterouter
from schemas.informatie import Gegevenscategorie, InformatieGeweigerd, InformatieVerstrekt
from schemas.opschorting import (
    Maatregel,
    OpschortingBevestigd,
    OpschortingDeelsBevestigd,
    OpschortingGeweigerd,
    Redencode,
)
from schemas.organisaties import LOKET
from tests.unit.connectors import informatieverzoeken
from tests.unit.connectors.berichten import (
    instructie,
    opdracht,
    opheffing,
    opheffingsopdracht,
    sleutel,
    verlenging,
    verlengingsopdracht,
)

BSN = "999990019"
UTRECHT = "00000001999999990201"
ROTTERDAM = "00000001999999990202"
NU = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)
BESLUIT = "GEM0344-OPS-2026-000001"


def _opdracht(gemeente: str | None = UTRECHT, **kwargs):
    event = instructie("gemeente", [BSN], sleutel().public_key(), gemeente=gemeente, **kwargs)
    return opdracht(event, [BSN])


def test_the_order_goes_to_the_municipality_it_names_in_its_own_words():
    o = _opdracht(
        ingang=dt.date(2026, 12, 1),
        dagen=30,
        maatregelen=[Maatregel.VERREKENING, Maatregel.RENTE, Maatregel.VERHOGING],
        vorderingen=["BB-0344-2025-000419"],
    )
    verzoek = vertaling.naar_verzoek(o)
    assert isinstance(verzoek, HttpVerzoek)
    assert (verzoek.methode, verzoek.pad, verzoek.bestemming) == ("POST", "/opschortingen", UTRECHT)
    assert verzoek.body == {
        "verzoekId": o.instructie_id,
        "aanvragerOin": LOKET.oin,
        "burgers": [{"bsn": BSN}],
        "dossiernummers": ["BB-0344-2025-000419"],
        "ingangsdatum": "2026-12-01",
        "totEnMet": "2026-12-31",
        "maatregelen": ["VERREKENING", "INVORDERINGSKOSTEN"],
        "grondslag": o.instructie.grondslag,
        "toelichting": f"{o.instructie.reden} [casus {o.instructie.casus_id}]",
    }


def test_an_order_naming_no_municipality_or_only_interest_is_refused_without_a_request():
    geen = vertaling.OPDRACHT.maak_antwoord(
        _opdracht(None), vertaling.naar_verzoek(_opdracht(None)), NU
    )
    assert isinstance(geen, OpschortingGeweigerd)
    assert geen.redencode is Redencode.ONVERWERKBAAR
    assert "noemt geen gemeente" in geen.reden
    rente = vertaling.naar_verzoek(_opdracht(maatregelen=[Maatregel.RENTE]))
    assert isinstance(rente, Weigering)
    assert rente.redencode is Redencode.WETTELIJK_UITGESLOTEN


def _antwoord(status, body, gemeente=UTRECHT):
    return vertaling.OPDRACHT.antwoord(_opdracht(gemeente), BackofficeAntwoord(status, body), NU)


def test_the_answer_carries_the_decision_and_names_the_municipality():
    vol = _antwoord(
        201,
        {
            "besluitnummer": BESLUIT,
            "gemeente": {"code": "0344", "oin": UTRECHT},
            "dossiers": [{"dossiernummer": "A", "besluit": "OPGESCHORT", "weigercode": None}],
        },
    )
    assert isinstance(vol, OpschortingBevestigd)
    assert (vol.referentie, vol.gemeente) == (BESLUIT, UTRECHT)
    deels = _antwoord(
        201,
        {
            "besluitnummer": BESLUIT,
            "dossiers": [
                {"dossiernummer": "A", "besluit": "OPGESCHORT"},
                {
                    "dossiernummer": "B",
                    "besluit": "NIET_OPGESCHORT",
                    "weigercode": "INNING_DOOR_CAK",
                },
            ],
        },
        gemeente=ROTTERDAM,
    )
    assert isinstance(deels, OpschortingDeelsBevestigd)
    assert deels.gemeente == ROTTERDAM
    niet = next(v for v in deels.vorderingen if not v.opgeschort)
    assert (niet.redencode, niet.toelichting) == (
        Redencode.WETTELIJK_UITGESLOTEN,
        "INNING_DOOR_CAK",
    )


@pytest.mark.parametrize(
    ("status", "code", "redencode"),
    [
        (422, "BURGER_NIET_INGESCHREVEN", Redencode.ONBEKENDE_PERSOON),
        (422, "TERMIJN_TE_LANG", Redencode.TERMIJN_ONGELDIG),
        (422, "INGANGSDATUM_TE_VER_TERUG", Redencode.TERMIJN_ONGELDIG),
        (422, "GEEN_DOSSIER", Redencode.ONBEKENDE_VORDERING),
        (422, "NIETS_OP_TE_SCHORTEN", Redencode.WETTELIJK_UITGESLOTEN),
        (421, "GEMEENTE_NIET_BEDIEND", Redencode.ONVERWERKBAAR),
    ],
)
def test_refusals(status, code, redencode):
    geweigerd = _antwoord(status, {"fouten": [{"code": code, "melding": "x"}]})
    assert isinstance(geweigerd, OpschortingGeweigerd)
    assert (geweigerd.redencode, geweigerd.reden, geweigerd.gemeente) == (
        redencode,
        f"{code}: x",
        UTRECHT,
    )


def test_fraud_claims_alone_refuse_with_the_dossiers():
    geweigerd = _antwoord(
        422,
        {
            "fouten": [{"code": "NIETS_OP_TE_SCHORTEN", "melding": "niets"}],
            "dossiers": [
                {
                    "dossiernummer": "LO-1",
                    "besluit": "NIET_OPGESCHORT",
                    "weigercode": "FRAUDEVORDERING",
                }
            ],
        },
    )
    assert isinstance(geweigerd, OpschortingGeweigerd)
    (lo,) = geweigerd.vorderingen
    assert (lo.vordering, lo.redencode) == ("LO-1", Redencode.WETTELIJK_UITGESLOTEN)


def _origineel(gemeente=UTRECHT):
    return instructie(
        "gemeente", [BSN], sleutel().public_key(), ingang=dt.date(2026, 12, 1), gemeente=gemeente
    )


def test_changes_are_looked_up_extended_and_lifted_at_the_same_municipality():
    origineel = _origineel()
    v = verlengingsopdracht(verlenging(origineel, einddatum=dt.date(2027, 4, 30)), [BSN])
    zoek = wijziging.zoek_besluit(v)
    assert (zoek.methode, zoek.pad, dict(zoek.query), zoek.bestemming) == (
        "GET",
        "/opschortingen",
        {"verzoekId": origineel.id},
        UTRECHT,
    )
    assert wijziging.lees_besluit(v, BackofficeAntwoord(200, {"besluitnummer": BESLUIT})) == BESLUIT
    niet = wijziging.lees_besluit(
        v, BackofficeAntwoord(404, {"fouten": [{"code": "VERZOEK_ONBEKEND", "melding": ""}]})
    )
    assert isinstance(niet, Weigering)
    assert niet.redencode is Redencode.ONBEKENDE_VORDERING
    gevonden = verlengingsopdracht(
        verlenging(origineel, einddatum=dt.date(2027, 4, 30)), [BSN], BESLUIT
    )
    verzoek = wijziging.naar_verlenging(gevonden)
    assert (verzoek.methode, verzoek.pad, verzoek.bestemming) == (
        "PATCH",
        f"/opschortingen/{BESLUIT}",
        UTRECHT,
    )
    assert verzoek.body is not None and verzoek.body["totEnMet"] == "2027-04-30"
    o = opheffingsopdracht(
        opheffing(origineel, opheffingsdatum=dt.date(2027, 1, 5)), [BSN], BESLUIT
    )
    intrekking = wijziging.naar_opheffing(o)
    assert (intrekking.pad, intrekking.bestemming) == (
        f"/opschortingen/{BESLUIT}/intrekking",
        UTRECHT,
    )
    assert intrekking.body is not None and intrekking.body["hervattenPer"] == "2027-01-05"
    antwoord = wijziging.OPHEFFING.antwoord(
        o, BackofficeAntwoord(200, {"besluitnummer": BESLUIT, "wijzigingsnummer": "W-2"}), NU
    )
    assert isinstance(antwoord, OpschortingBevestigd)
    assert (antwoord.wijzigingsreferentie, antwoord.gemeente) == ("W-2", UTRECHT)
    te_lang = wijziging.VERLENGING.antwoord(
        gevonden,
        BackofficeAntwoord(422, {"fouten": [{"code": "TERMIJN_TE_LANG", "melding": "6 mnd"}]}),
        NU,
    )
    assert isinstance(te_lang, OpschortingGeweigerd)
    assert (te_lang.redencode, te_lang.referentie) == (Redencode.TERMIJN_ONGELDIG, BESLUIT)


def _informatie(categorieen, gemeente=UTRECHT):
    ontvanger = sleutel()
    event = informatieverzoeken.verzoek(
        "gemeente",
        [BSN],
        sleutel().public_key(),
        ontvanger=ontvanger.public_key(),
        categorieen=categorieen,
        gemeente=gemeente,
    )
    return informatieverzoeken.opdracht(event, [BSN]), ontvanger


def test_the_information_request_is_a_dossier_overview_at_the_municipality():
    o, _ = _informatie([Gegevenscategorie.VORDERINGEN, Gegevenscategorie.ZORGINDICATIE])
    verzoek = informatie.naar_verzoek(o)
    assert isinstance(verzoek, HttpVerzoek)
    assert (verzoek.pad, verzoek.bestemming) == ("/dossieroverzicht", UTRECHT)
    assert verzoek.body is not None
    assert verzoek.body["onderdelen"] == ["VORDERINGEN", "WMO_BESLUITEN"]
    geen, _ = _informatie([Gegevenscategorie.VORDERINGEN], gemeente=None)
    assert isinstance(informatie.naar_verzoek(geen), InformatieWeigering)
    niets, _ = _informatie([Gegevenscategorie.VERBLIJFSSTATUS])
    assert isinstance(informatie.naar_verzoek(niets), InformatieWeigering)


def test_claims_and_wmo_decisions_are_shared_but_not_what_the_cak_collects():
    o, ontvanger = _informatie([Gegevenscategorie.VORDERINGEN, Gegevenscategorie.ZORGINDICATIE])
    vordering = {
        "dossiernummer": "BB-0344-2025-000419",
        "soort": "BIJZONDERE_BIJSTAND",
        "oorspronkelijkBedragCenten": 68000,
        "openstaandBedragCenten": 45000,
        "maatregelen": ["VERREKENING"],
        "inningDoor": "GEMEENTE",
        "opschorting": {"besluitnummer": BESLUIT, "van": "2026-11-01", "totEnMet": "2027-02-01"},
    }
    cak = {
        **vordering,
        "dossiernummer": "WMO-0344-1",
        "soort": "WMO_EIGEN_BIJDRAGE",
        "inningDoor": "CAK",
    }
    wmo = {
        "besluitnummer": "WMO-0344-2024-001190",
        "voorziening": "huishoudelijke ondersteuning",
        "ingangsdatum": "2024-05-01",
        "eigenBijdragePerPeriodeCenten": 1900,
        "inningDoor": "CAK",
    }
    body = {
        "peildatum": "2026-11-22",
        "clientnummer": "UTR-SD-4100019",
        "overzicht": {"vorderingen": [vordering, cak], "wmoBesluiten": [wmo]},
    }
    antwoord = informatie.INFORMATIE.antwoord(o, BackofficeAntwoord(200, body), NU)
    assert isinstance(antwoord, InformatieVerstrekt)
    assert antwoord.gemeente == UTRECHT
    (gedeeld,) = informatieverzoeken.vorderingen(antwoord, ontvanger)
    assert (gedeeld.referentie, gedeeld.soort) == (
        "BB-0344-2025-000419",
        "terugvordering-bijzondere-bijstand",
    )
    assert (gedeeld.openstaand_bedrag_centen, gedeeld.opgeschort) == (45000, True)
    assert gedeeld.maatregelen == (Maatregel.VERREKENING,)
    (zorg,) = informatieverzoeken.geopend(antwoord, ontvanger)["zorgindicatie"]
    assert json.loads(zorg)["items"][0]["voorziening"] == "huishoudelijke ondersteuning"
    assert "UTR-SD" not in json.dumps(antwoord.model_dump(mode="json"))


def test_an_unknown_client_and_an_unserved_municipality_are_refusals():
    o, _ = _informatie([Gegevenscategorie.VORDERINGEN])
    for status, code in [(404, "BURGER_NIET_INGESCHREVEN"), (421, "GEMEENTE_NIET_BEDIEND")]:
        antwoord = informatie.INFORMATIE.antwoord(
            o, BackofficeAntwoord(status, {"fouten": [{"code": code, "melding": "m"}]}), NU
        )
        assert isinstance(antwoord, InformatieGeweigerd)
        assert (antwoord.reden, antwoord.gemeente) == (f"{code}: m", UTRECHT)


CONFIG = {
    "gemeenten": [
        {"oin": UTRECHT, "code": "0344", "naam": "Utrecht", "backoffice_url": "/gemeenten/0344/v2"},
        {
            "oin": ROTTERDAM,
            "code": "0599",
            "naam": "Rotterdam",
            "backoffice_url": "https://rotterdam.example/sd/v2",
            "certfile": "pki/rotterdam.pem",
            "keyfile": "pki/rotterdam.key",
        },
    ]
}


def test_the_configuration_resolves_urls_and_certificates(tmp_path):
    pad = tmp_path / "gemeenten.json"
    pad.write_text(json.dumps(CONFIG))
    gemeenten = Gemeenten.lees(pad)
    utrecht, rotterdam = gemeenten.gemeenten
    assert utrecht.url("http://127.0.0.1:8108") == "http://127.0.0.1:8108/gemeenten/0344/v2"
    assert rotterdam.url("http://127.0.0.1:8108") == "https://rotterdam.example/sd/v2"
    assert rotterdam.certfile == tmp_path / "pki/rotterdam.pem"
    dubbel = {"gemeenten": [CONFIG["gemeenten"][0], CONFIG["gemeenten"][0]]}
    with pytest.raises(ValueError, match="twice"):
        Gemeenten.model_validate(dubbel)
    half = {**CONFIG["gemeenten"][1], "keyfile": None}
    with pytest.raises(ValueError, match="together"):
        Gemeenten.model_validate({"gemeenten": [half]})


def test_the_shipped_configuration_serves_the_seeded_municipalities():
    gemeenten = Gemeenten.lees(STANDAARD)
    assert [g.code for g in gemeenten.gemeenten] == ["0344", "0599", "0193"]
    assert KOPPELING.proefpersonen.gemeente == UTRECHT


async def test_the_router_sends_each_request_to_its_municipality_and_answers_for_others():
    gezien: list[str] = []

    def backoffice(request: httpx.Request) -> httpx.Response:
        gezien.append(str(request.url))
        return httpx.Response(201, json={"besluitnummer": "B"})

    transport = httpx.MockTransport(backoffice)
    router = Gemeenterouter(
        {
            UTRECHT: BackofficeClient(base_url="http://sd/gemeenten/0344/v2", transport=transport),
            ROTTERDAM: BackofficeClient(
                base_url="http://sd/gemeenten/0599/v2", transport=transport
            ),
        }
    )
    async with router:
        for oin in (UTRECHT, ROTTERDAM):
            antwoord = await router.stuur(HttpVerzoek("POST", "/opschortingen", bestemming=oin))
            assert antwoord.status == 201
        zwolle = await router.stuur(
            HttpVerzoek("POST", "/opschortingen", bestemming="00000001999999990203")
        )
        geen = await router.stuur(HttpVerzoek("POST", "/opschortingen"))
    assert gezien == [
        "http://sd/gemeenten/0344/v2/opschortingen",
        "http://sd/gemeenten/0599/v2/opschortingen",
    ]
    assert zwolle.status == geen.status == 421
    assert zwolle.body["fouten"][0]["code"] == "GEMEENTE_NIET_BEDIEND"
    assert "00000001999999990203" in zwolle.body["fouten"][0]["melding"]


async def test_the_connector_command_serves_the_configured_municipalities(tmp_path, monkeypatch):
    """``maatwerk-connector run --agency gemeente``: the router over CONNECTOR_GEMEENTEN_FILE,
    under CONNECTOR_BACKOFFICE_URL; every other agency one client on its back-office."""
    from connectors.base.koppeling import laad_koppeling
    from connectors.base.settings import ConnectorSettings
    from connectors.cli import _backoffice

    pad = tmp_path / "gemeenten.json"
    pad.write_text(json.dumps({"gemeenten": CONFIG["gemeenten"][:1]}))
    monkeypatch.setenv("CONNECTOR_GEMEENTEN_FILE", str(pad))
    settings = ConnectorSettings(backoffice_url="http://sd.example")
    async with _backoffice(KOPPELING, settings) as router:
        assert isinstance(router, Gemeenterouter)
        assert router.bediend == (UTRECHT,)
    async with _backoffice(laad_koppeling("cjib"), settings) as client:
        assert isinstance(client, BackofficeClient)
