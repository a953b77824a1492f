"""The information request's base part: the answer built from an outcome (sealed content,
minimisation, not given, refusals), the reader of a back-office's answer, the checks before a
query is sent."""

from __future__ import annotations

import base64
import datetime as dt
import json

import pytest
from pydantic import Field

from connectors.base import informatie
from connectors.base.backoffice import BackofficeAntwoord, HttpVerzoek
from connectors.base.informatie import Opgave, Opgavelezer, Vordering, Weigering, maak_antwoord
from connectors.base.lezer import Foutbericht, Gelukt, Lezer
from connectors.base.opdracht import DeadLetterReden, Onverwerkbaar
from schemas.informatie import (
    MAX_INHOUD_TEKST,
    Gegevenscategorie,
    InformatieGeweigerd,
    InformatieVerstrekt,
    NietVerstrekt,
    VorderingInhoud,
    Weigeringsgrond,
)
from schemas.opschorting import Maatregel
from schemas.versleuteling import SealError, open_sealed
from tests.unit.connectors.berichten import sleutel
from tests.unit.connectors.informatieverzoeken import geopend, opdracht, verzoek, vorderingen

BSN = "999990019"
NU = dt.datetime(2026, 11, 30, 23, 30, tzinfo=dt.UTC)  # 1 December in the Netherlands
C = Gegevenscategorie


def _claim(ref: str, open_: int, *, opschorting=None) -> Vordering:
    return Vordering(
        VorderingInhoud(
            referentie=ref,
            soort="verkeersboete",
            oorspronkelijk_bedrag_centen=open_ + 100,
            openstaand_bedrag_centen=open_,
            maatregelen=(Maatregel.INVORDERING,),
        ),
        opschorting,
    )


def _opdracht(categorieen=(C.VORDERINGEN,), **kwargs):
    agency = sleutel()
    ontvanger = kwargs.pop("ontvanger", sleutel())
    event = verzoek(
        "cjib",
        kwargs.pop("bsns", [BSN]),
        agency.public_key(),
        ontvanger=ontvanger.public_key() if ontvanger is not None else None,
        categorieen=categorieen,
        **kwargs,
    )
    return opdracht(event, [BSN] * len(event.data.personen)), ontvanger


def _readable_in(sealed: str) -> set[str]:
    """The claim words readable in a sealed text, as it stands or with its parts decoded.

    The words are longer than chance lets random ciphertext spell out (a short reference such
    as "A-1" is in about one sealed text in five hundred, urlsafe base64 having "-").
    """
    parts = [
        sealed.encode(),
        *(base64.urlsafe_b64decode(p + "=" * (-len(p) % 4)) for p in sealed.split(".")[1:]),
    ]
    words = ("verkeersboete", "referentie", "openstaand_bedrag_centen")
    return {w for w in words for part in parts if w.encode() in part}


def test_every_claim_is_one_gegeven_sealed_for_the_receiver_only():
    o, ontvanger = _opdracht()
    claims = (_claim("A-1", 1000), _claim("A-2", 2500))
    antwoord = maak_antwoord(o, Opgave(vorderingen=claims), NU)

    assert isinstance(antwoord, InformatieVerstrekt)
    assert [g.categorie for g in antwoord.gegevens] == [C.VORDERINGEN, C.VORDERINGEN]
    assert {g.pseudoniem for g in antwoord.gegevens} == {o.instructie.personen[0].pseudoniem}
    assert [v.referentie for v in vorderingen(antwoord, ontvanger)] == ["A-1", "A-2"]
    assert sum(v.openstaand_bedrag_centen for v in vorderingen(antwoord, ontvanger)) == 3500
    for g in antwoord.gegevens:
        assert _readable_in(g.inhoud) == set()  # sealed: no word of the plain text shows
        with pytest.raises(SealError):
            open_sealed(g.inhoud, sleutel())  # not for another key
    assert antwoord.verzoek_event_id == o.instructie_id
    assert antwoord.verzoek_id == o.instructie.verzoek_id
    assert antwoord.gevraagde_categorieen == o.instructie.gevraagde_categorieen
    assert antwoord.niet_verstrekt == ()
    assert antwoord.verstrekt_op == NU


def test_only_categories_asked_are_given_and_asked_ones_without_data_are_geen_gegevens():
    o, ontvanger = _opdracht((C.VORDERINGEN, C.BESLAGEN, C.PROCEDURES))
    opgave = Opgave(
        vorderingen=(_claim("A-1", 1000),),
        teksten={
            C.BESLAGEN: '{"aantal":1,"items":[{"soort":"LOONBESLAG"}]}',
            C.INKOMEN: '{"aantal":1,"items":[{"bedrag":1}]}',  # not asked: dropped
            C.TOESLAGEN: '{"aantal":1,"items":[]}',  # not asked: dropped
        },
    )
    antwoord = maak_antwoord(o, opgave, NU)

    assert isinstance(antwoord, InformatieVerstrekt)
    assert {g.categorie for g in antwoord.gegevens} == {C.VORDERINGEN, C.BESLAGEN}
    assert antwoord.niet_verstrekt == (
        NietVerstrekt(categorie=C.PROCEDURES, redencode=Weigeringsgrond.GEEN_GEGEVENS),
    )
    assert json.loads(geopend(antwoord, ontvanger)["beslagen"][0])["items"] == [
        {"soort": "LOONBESLAG"}
    ]


def test_nothing_to_give_is_geweigerd_geen_gegevens():
    o, _ = _opdracht((C.VORDERINGEN, C.BESLAGEN))
    antwoord = maak_antwoord(o, Opgave(teksten={C.INKOMEN: "{}"}), NU)
    assert isinstance(antwoord, InformatieGeweigerd)
    assert antwoord.redencode is Weigeringsgrond.GEEN_GEGEVENS
    assert "vorderingen, beslagen" in antwoord.reden


def test_peildatum_is_the_back_offices_else_today_in_the_netherlands():
    o, _ = _opdracht()
    eigen = maak_antwoord(
        o, Opgave(vorderingen=(_claim("A-1", 1),), peildatum=dt.date(2026, 11, 2)), NU
    )
    vandaag = maak_antwoord(o, Opgave(vorderingen=(_claim("A-1", 1),)), NU)
    assert isinstance(eigen, InformatieVerstrekt) and isinstance(vandaag, InformatieVerstrekt)
    assert eigen.gegevens[0].peildatum == dt.date(2026, 11, 2)
    assert vandaag.gegevens[0].peildatum == dt.date(2026, 12, 1)


def test_a_claim_is_opgeschort_only_while_its_suspension_runs_on_the_peildatum():
    o, ontvanger = _opdracht()
    dag = dt.date(2026, 12, 1)
    claims = (
        _claim("loopt", 1, opschorting=(dag, dag + dt.timedelta(days=90))),
        _claim("later", 1, opschorting=(dag + dt.timedelta(days=1), dag.replace(year=2027))),
        _claim("laatste-dag", 1, opschorting=(dag - dt.timedelta(days=9), dag)),
        _claim("geen", 1),
    )
    antwoord = maak_antwoord(o, Opgave(vorderingen=claims, peildatum=dag), NU)
    assert isinstance(antwoord, InformatieVerstrekt)
    assert {v.referentie: v.opgeschort for v in vorderingen(antwoord, ontvanger)} == {
        "loopt": True,
        "later": False,
        "laatste-dag": True,
        "geen": False,
    }


@pytest.mark.parametrize(
    ("wat", "kwargs", "tekst"),
    [
        ("no key", {"ontvanger": None}, "no ontvanger_sleutel"),
        ("not a key", {"ontvanger": None, "ontvanger_sleutel": "A" * 43}, "not an X25519"),
        ("two persons", {"bsns": [BSN, "999990020"]}, "2 persons"),
    ],
)
def test_a_request_that_cannot_be_answered_is_onverwerkbaar_before_any_query(wat, kwargs, tekst):
    o, _ = _opdracht(**kwargs)
    gevraagd: list[object] = []

    def naar_verzoek(opdracht):
        gevraagd.append(opdracht)
        return HttpVerzoek("POST", "/vraag", body={})

    vertaling = informatie.vertaling(naar_verzoek, lambda o, a: Opgave())
    uitkomst = vertaling.naar_verzoek(o)
    assert gevraagd == []
    assert isinstance(uitkomst, Weigering)
    assert uitkomst.redencode is Weigeringsgrond.ONVERWERKBAAR
    assert tekst in uitkomst.reden
    antwoord = vertaling.maak_antwoord(o, uitkomst, NU)
    assert isinstance(antwoord, InformatieGeweigerd)
    assert antwoord.redencode is Weigeringsgrond.ONVERWERKBAAR
    # And an outcome with content is never built into an answer in clear.
    assert isinstance(
        maak_antwoord(o, Opgave(vorderingen=(_claim("A", 1),)), NU), InformatieGeweigerd
    )


def test_a_refusal_is_geweigerd_with_its_code_and_no_bsn_in_the_reason():
    o, _ = _opdracht()
    antwoord = maak_antwoord(
        o, Weigering(Weigeringsgrond.ONBEKENDE_PERSOON, f"ONBEKEND: {BSN} niet gevonden"), NU
    )
    assert isinstance(antwoord, InformatieGeweigerd)
    assert antwoord.redencode is Weigeringsgrond.ONBEKENDE_PERSOON
    assert BSN not in antwoord.reden
    assert antwoord.geweigerd_op == NU


class _Item(Lezer):
    naam: str


def test_tekst_is_compact_json_of_declared_fields_cut_to_fit():
    assert informatie.tekst(None) is None
    assert informatie.tekst([]) is None
    een = _Item.model_validate({"naam": "x", "bsn": BSN})  # an undeclared field is not kept
    assert informatie.tekst(een) == '{"aantal":1,"items":[{"naam":"x"}]}'
    veel = [_Item(naam="y" * 100) for _ in range(100)]
    tekst = informatie.tekst(veel)
    assert tekst is not None and len(tekst) <= MAX_INHOUD_TEKST
    inhoud = json.loads(tekst)
    assert inhoud["aantal"] == 100
    assert 30 < len(inhoud["items"]) < 100


# ------------------------------------------------------------------------------- the reader


class _Goed(Gelukt[Opgave]):
    items: list[_Item] = Field(default_factory=list)

    def uitkomst(self) -> Opgave:
        return Opgave(teksten=informatie.teksten({C.INKOMEN: self.items}))


class _Fout(Foutbericht):
    code: str
    tekst: str = ""

    def code_en_tekst(self) -> tuple[str, str]:
        return self.code, self.tekst


LEES = Opgavelezer(
    "Test", gelukt=_Goed, fout=_Fout, codes={"WIE": Weigeringsgrond.ONBEKENDE_PERSOON}
)


@pytest.mark.parametrize(
    ("status", "body", "redencode"),
    [
        (404, {"code": "WIE", "tekst": "?"}, Weigeringsgrond.ONBEKENDE_PERSOON),
        (403, {"code": "ANDERS", "tekst": "?"}, Weigeringsgrond.ONVERWERKBAAR),
        (400, {"niets": 1}, Weigeringsgrond.ONVERWERKBAAR),
        (200, {"items": "geen lijst"}, Weigeringsgrond.ONVERWERKBAAR),
    ],
)
def test_the_reader_maps_refusals_and_unreadable_bodies(status, body, redencode):
    o, _ = _opdracht()
    uitkomst = LEES(o, BackofficeAntwoord(status, body))
    assert isinstance(uitkomst, Weigering)
    assert uitkomst.redencode is redencode


def test_the_reader_reads_a_success_and_dead_letters_a_rejected_request():
    o, _ = _opdracht()
    uitkomst = LEES(o, BackofficeAntwoord(200, {"items": [{"naam": "a"}]}))
    assert isinstance(uitkomst, Opgave) and C.INKOMEN in uitkomst.teksten
    with pytest.raises(Onverwerkbaar) as fout:
        LEES(o, BackofficeAntwoord(409, {"code": "X"}))
    assert fout.value.reden is DeadLetterReden.BACKOFFICE_AFGEWEZEN


def test_grondslag_is_one_line_a_back_office_takes():
    o, _ = _opdracht()
    regel = o.instructie.grondslag
    assert informatie.grondslag(regel) == f"{regel.regeling}, {regel.artikel}"
    lang = regel.model_copy(update={"artikel": "a" * 200})
    assert len(informatie.grondslag(lang)) == informatie.MAX_GRONDSLAG
