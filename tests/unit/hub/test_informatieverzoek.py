"""The information request aggregate: one question per agency per person, the second
minimisation check on answers, and the statuses they give."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools

import pytest

from hub.domain.informatieverzoek import (
    Beantwoord,
    Deel,
    Gevraagd,
    Informatieverzoek,
    NietGegeven,
    OntvangenGegeven,
    Ontvanger,
    Verstrekking,
    Weigering,
)
from hub.domain.verzoek import KetenStatus, OnverwachtAntwoord, VerzoekSoort, VerzoekStatus
from schemas.gedeeld import Regel
from schemas.versleuteling import generate_private_key, seal

NU = dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC)
SLEUTEL = generate_private_key()
WAMS = Regel(regeling="Wet aanpak meervoudige problematiek sociaal domein")


def deel(uitvoerder: str, *categorieen: str) -> Deel:
    return Deel(uitvoerder, categorieen, f"AFS-{uitvoerder}", 1, (*categorieen, "procedures"))


def vraag(*delen: Deel, personen: tuple[str, ...] = ("psn-a", "psn-b")) -> Informatieverzoek:
    teller = itertools.count(1)
    return Informatieverzoek.vraag(
        informatieverzoek_id="iv-1",
        casus_id="MW-2026-000001",
        verzoeker="loket",
        doel="schuldenoverzicht",
        grondslag=WAMS,
        delen=delen or (deel("belastingdienst", "vorderingen", "beslagen"),),
        personen=personen,
        ontvanger_sleutel=None,
        reageer_uiterlijk=NU + dt.timedelta(hours=48),
        nieuw_id=lambda: f"instr-{next(teller)}",
        nu=NU,
        door="urn:nld:oin:00000001999999990001",
    )


def gegeven(
    categorie: str, pseudoniem: str = "psn-a", inhoud: str | None = None
) -> OntvangenGegeven:
    return OntvangenGegeven(
        categorie=categorie,
        pseudoniem=pseudoniem,
        peildatum=dt.date(2026, 11, 30),
        inhoud=seal("{}", SLEUTEL.public_key()) if inhoud is None else inhoud,
        ontvangen_op=NU,
    )


def verstrekking(
    instructie_id: str,
    *gegevens: OntvangenGegeven,
    gevraagd: tuple[str, ...] = ("vorderingen", "beslagen"),
    niet: tuple[NietGegeven, ...] = (),
) -> Verstrekking:
    return Verstrekking(
        instructie_id=instructie_id,
        verzoek_id="iv-1",
        gevraagde_categorieen=gevraagd,
        gegevens=gegevens,
        niet_verstrekt=niet,
        verstrekt_op=NU,
    )


def neem(verzoek: Informatieverzoek, uitvoerder: str, antwoord: Verstrekking) -> bool:
    return verzoek.neem_verstrekt(uitvoerder, antwoord, nu=NU, door="bd", antwoord_id="a-1")


def test_one_question_and_one_request_per_agency_per_person():
    verzoek = vraag(deel("belastingdienst", "vorderingen"), deel("cjib", "vorderingen"))
    assert [(v.uitvoerder, v.pseudoniem) for v in verzoek.vragen] == [
        ("belastingdienst", "psn-a"),
        ("belastingdienst", "psn-b"),
        ("cjib", "psn-a"),
        ("cjib", "psn-b"),
    ]
    assert {v.soort for v in verzoek.keten} == {VerzoekSoort.INFORMATIE}
    assert {(v.keten_id, v.instrument_id) for v in verzoek.keten} == {("iv-1", "iv-1")}
    assert [v.instructie_id for v in verzoek.keten] == [q.instructie_id for q in verzoek.vragen]
    assert verzoek.ontvanger is Ontvanger.HUB and verzoek.status is KetenStatus.PENDING
    [g] = verzoek.neem_gebeurtenissen()
    assert isinstance(g, Gevraagd)


def test_everything_asked_given_is_confirmed_and_withheld_is_partially_confirmed():
    verzoek = vraag()
    assert neem(
        verzoek,
        "belastingdienst",
        verstrekking("instr-1", gegeven("vorderingen"), gegeven("beslagen")),
    )
    niet = (NietGegeven("beslagen", "geen-gegevens"),)
    assert neem(
        verzoek,
        "belastingdienst",
        verstrekking("instr-2", gegeven("vorderingen", "psn-b"), niet=niet),
    )
    assert [v.status for v in verzoek.keten] == [
        VerzoekStatus.CONFIRMED,
        VerzoekStatus.PARTIALLY_CONFIRMED,
    ]
    assert verzoek.vraag_van("instr-2").niet_verstrekt == niet
    assert verzoek.status is KetenStatus.INCOMPLETE


def test_an_answer_with_an_extra_category_is_rejected_naming_it_and_a_later_valid_one_taken():
    verzoek = vraag()
    extra = verstrekking("instr-1", gegeven("vorderingen"), gegeven("toeslagen"))
    with pytest.raises(
        OnverwachtAntwoord, match="gegevens carries toeslagen, not asked of belastingdienst"
    ):
        neem(verzoek, "belastingdienst", extra)
    assert verzoek.keten[0].status is VerzoekStatus.PENDING
    assert verzoek.vraag_van("instr-1").gegevens == []
    assert verzoek.neem_gebeurtenissen()[1:] == []  # only the request's own event
    assert neem(
        verzoek,
        "belastingdienst",
        verstrekking("instr-1", gegeven("vorderingen"), gegeven("beslagen")),
    )
    assert verzoek.keten[0].status is VerzoekStatus.CONFIRMED


@pytest.mark.parametrize(
    ("antwoord", "reden"),
    [
        (
            verstrekking("instr-1", gegeven("vorderingen"), gevraagd=("vorderingen", "toeslagen")),
            "gevraagde_categorieen vorderingen, toeslagen are not what was asked",
        ),
        (
            verstrekking("instr-1", gegeven("vorderingen", "psn-b")),
            "gegevens.0 is about psn-b, not the person asked",
        ),
        (
            verstrekking("instr-1", gegeven("vorderingen", inhoud="open tekst: 1200 euro")),
            "gegevens.0.inhoud is not sealed",
        ),
        (
            verstrekking(
                "instr-1", gegeven("vorderingen"), niet=(NietGegeven("inkomen", "geen-grondslag"),)
            ),
            "niet_verstrekt names inkomen, not asked of belastingdienst",
        ),
        (
            dataclasses.replace(verstrekking("instr-1", gegeven("vorderingen")), verzoek_id="iv-2"),
            "verzoek_id iv-2 is not the request",
        ),
    ],
)
def test_the_second_minimisation_check(antwoord, reden):
    verzoek = vraag()
    with pytest.raises(OnverwachtAntwoord, match=reden):
        neem(verzoek, "belastingdienst", antwoord)
    assert verzoek.keten[0].status is VerzoekStatus.PENDING


def test_an_answer_from_another_agency_or_for_an_unknown_question_is_rejected():
    verzoek = vraag()
    with pytest.raises(OnverwachtAntwoord, match="was for belastingdienst, not cjib"):
        neem(verzoek, "cjib", verstrekking("instr-1", gegeven("vorderingen")))
    with pytest.raises(OnverwachtAntwoord, match="no question instr-9"):
        neem(verzoek, "belastingdienst", verstrekking("instr-9", gegeven("vorderingen")))


def test_a_refusal_and_the_first_answer_wins():
    verzoek = vraag(personen=("psn-a",))
    weigering = Weigering("instr-1", "iv-1", "onbekende-persoon", "Niet bekend", NU)
    assert verzoek.neem_geweigerd("belastingdienst", weigering, nu=NU, door="bd", antwoord_id="a")
    assert verzoek.keten[0].status is VerzoekStatus.REFUSED
    assert (verzoek.keten[0].redencode, verzoek.keten[0].reden) == (
        "onbekende-persoon",
        "Niet bekend",
    )
    assert verzoek.status is KetenStatus.INCOMPLETE
    assert not neem(verzoek, "belastingdienst", verstrekking("instr-1", gegeven("vorderingen")))
    events = verzoek.neem_gebeurtenissen()
    assert [e.gewijzigd for e in events if isinstance(e, Beantwoord)] == [True, False]


def test_late_is_unanswered_past_the_deadline():
    verzoek = vraag(personen=("psn-a",))
    later = NU + dt.timedelta(hours=49)
    assert verzoek.keten[0].is_late(later)
    neem(
        verzoek,
        "belastingdienst",
        verstrekking("instr-1", gegeven("vorderingen"), gegeven("beslagen")),
    )
    assert not verzoek.keten[0].is_late(later)


def test_the_requesters_key_makes_the_requester_the_receiver():
    verzoek = dataclasses.replace(vraag(), ontvanger_sleutel="k" * 43)
    assert vraag().ontvanger is Ontvanger.HUB
    teller = itertools.count()
    eigen = Informatieverzoek.vraag(
        informatieverzoek_id="iv-2",
        casus_id="MW-2026-000001",
        verzoeker="cjib",
        doel="maatwerkoplossing",
        grondslag=WAMS,
        delen=[deel("duo", "vorderingen")],
        personen=["psn-a"],
        ontvanger_sleutel=verzoek.ontvanger_sleutel,
        reageer_uiterlijk=NU,
        nieuw_id=lambda: str(next(teller)),
        nu=NU,
        door="x",
    )
    assert eigen.ontvanger is Ontvanger.VERZOEKER
