"""The debt overview: claims per agency, totals in cents, who has not answered and who is late,
and the scope a time-out from it gets."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools

from hub.domain.informatieverzoek import (
    Deel,
    Informatieverzoek,
    OntvangenGegeven,
    Verstrekking,
    Weigering,
)
from hub.domain.schuldenoverzicht import samengestelde_status, stel_samen
from hub.domain.verzoek import KetenStatus, VerzoekStatus
from schemas.gedeeld import Regel
from schemas.informatie import VorderingInhoud
from schemas.versleuteling import generate_private_key, open_sealed, seal

NU = dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC)
HUB = generate_private_key()


def overzicht_verzoek(*agencies: str, personen=("psn-a", "psn-b")) -> Informatieverzoek:
    teller = itertools.count(1)
    verzoek = Informatieverzoek.vraag(
        informatieverzoek_id="so-1",
        casus_id="MW-2026-000001",
        verzoeker="loket",
        doel="schuldenoverzicht",
        grondslag=Regel(regeling="Wet aanpak meervoudige problematiek sociaal domein"),
        delen=[Deel(a, ("vorderingen",), f"AFS-{a}", 1, ("vorderingen",)) for a in agencies],
        personen=personen,
        ontvanger_sleutel=None,
        reageer_uiterlijk=NU + dt.timedelta(hours=48),
        nieuw_id=lambda: f"i-{next(teller)}",
        nu=NU,
        door="urn:nld:oin:00000001999999990001",
        schuldenoverzicht=True,
    )
    verzoek.neem_gebeurtenissen()
    return verzoek


def claim(
    referentie: str, oorspronkelijk: int, openstaand: int, pseudoniem="psn-a"
) -> OntvangenGegeven:
    inhoud = VorderingInhoud(
        referentie=referentie,
        soort="vordering",
        oorspronkelijk_bedrag_centen=oorspronkelijk,
        openstaand_bedrag_centen=openstaand,
        maatregelen=("beslag",),
    )
    return OntvangenGegeven(
        categorie="vorderingen",
        pseudoniem=pseudoniem,
        peildatum=dt.date(2026, 11, 30),
        inhoud=seal(inhoud.model_dump_json(), HUB.public_key()),
        ontvangen_op=NU,
    )


def geef(
    verzoek: Informatieverzoek, agency: str, pseudoniem: str, *claims: OntvangenGegeven
) -> None:
    vraag = next(v for v in verzoek.vragen if v.uitvoerder == agency and v.pseudoniem == pseudoniem)
    verzoek.neem_verstrekt(
        agency,
        Verstrekking(vraag.instructie_id, "so-1", ("vorderingen",), claims, (), NU),
        nu=NU,
        door=agency,
        antwoord_id=vraag.instructie_id,
    )


def weiger(
    verzoek: Informatieverzoek, agency: str, pseudoniem: str, reden: str = "onbekende-persoon"
) -> None:
    vraag = next(v for v in verzoek.vragen if v.uitvoerder == agency and v.pseudoniem == pseudoniem)
    verzoek.neem_geweigerd(
        agency,
        Weigering(vraag.instructie_id, "so-1", reden, "Persoon onbekend", NU),
        nu=NU,
        door=agency,
        antwoord_id="x",
    )


def opener(inhoud: str) -> VorderingInhoud:
    return VorderingInhoud.model_validate_json(open_sealed(inhoud, HUB))


def test_totals_per_agency_and_for_the_household_in_cents():
    verzoek = overzicht_verzoek("belastingdienst", "cjib", "duo", personen=("psn-a",))
    geef(
        verzoek,
        "belastingdienst",
        "psn-a",
        claim("BD-1", 200000, 190750),
        claim("BD-2", 100000, 100000),
    )
    geef(verzoek, "cjib", "psn-a", claim("CJIB-1", 67800, 67800), claim("CJIB-2", 50000, 50000))
    geef(verzoek, "duo", "psn-a", claim("DUO-1", 2000000, 1845000))
    overzicht = stel_samen(verzoek, opener, NU)
    per = {u.uitvoerder: u for u in overzicht.uitvoerders}
    assert per["belastingdienst"].totaal_openstaand_centen == 290750
    assert per["cjib"].totaal_openstaand_centen == 117800
    assert per["duo"].totaal_openstaand_centen == 1845000
    assert overzicht.totaal_openstaand_centen == 2253550
    assert overzicht.totaal_oorspronkelijk_centen == 2417800
    assert overzicht.compleet and overzicht.ontbrekend == [] and overzicht.late == []
    assert overzicht.status is KetenStatus.CONFIRMED
    assert per["duo"].vorderingen[0].maatregelen == ("beslag",)
    assert overzicht.scope() == {
        "belastingdienst": ("BD-1", "BD-2"),
        "cjib": ("CJIB-1", "CJIB-2"),
        "duo": ("DUO-1",),
    }


def test_missing_and_late_agencies_and_a_scope_only_of_agencies_with_claims():
    verzoek = overzicht_verzoek("belastingdienst", "cjib", "duo")
    geef(verzoek, "belastingdienst", "psn-a", claim("BD-1", 1000, 500))
    geef(verzoek, "belastingdienst", "psn-b", claim("BD-9", 300, 300, pseudoniem="psn-b"))
    weiger(verzoek, "cjib", "psn-a")
    weiger(verzoek, "cjib", "psn-b")
    geef(verzoek, "duo", "psn-a", claim("DUO-1", 700, 700))
    binnen = stel_samen(verzoek, opener, NU)
    assert binnen.ontbrekend == ["duo"] and binnen.late == [] and not binnen.compleet
    te_laat = stel_samen(verzoek, opener, NU + dt.timedelta(hours=49))
    assert te_laat.late == ["duo"]
    per = {u.uitvoerder: u for u in te_laat.uitvoerders}
    assert per["cjib"].status is VerzoekStatus.REFUSED
    assert per["cjib"].redencode == "onbekende-persoon"
    assert per["duo"].status is VerzoekStatus.PENDING
    assert per["belastingdienst"].totaal_openstaand_centen == 800
    assert [v.pseudoniem for v in per["belastingdienst"].vorderingen] == ["psn-a", "psn-b"]
    assert te_laat.scope() == {"belastingdienst": ("BD-1", "BD-9"), "duo": ("DUO-1",)}


def test_after_the_purge_agencies_and_statuses_stay_and_the_claims_are_gone():
    verzoek = overzicht_verzoek("cjib", personen=("psn-a",))
    geef(verzoek, "cjib", "psn-a", claim("CJIB-1", 100, 100))
    gewist = NU + dt.timedelta(days=30)
    for vraag in verzoek.vragen:
        vraag.gegevens = [
            dataclasses.replace(g, inhoud=None, verwijderd_op=gewist) for g in vraag.gegevens
        ]
    overzicht = stel_samen(verzoek, opener, NU)
    [cjib] = overzicht.uitvoerders
    assert cjib.status is VerzoekStatus.CONFIRMED and cjib.vorderingen == ()
    assert overzicht.totaal_openstaand_centen == 0 and overzicht.verwijderd_op == gewist
    assert overzicht.scope() == {}


def test_an_agencys_status_over_the_household():
    p, c, r, u, d = (
        VerzoekStatus.PENDING,
        VerzoekStatus.CONFIRMED,
        VerzoekStatus.REFUSED,
        VerzoekStatus.UNDELIVERABLE,
        VerzoekStatus.PARTIALLY_CONFIRMED,
    )
    verzoek = overzicht_verzoek("cjib")

    def met(*statussen: VerzoekStatus) -> VerzoekStatus:
        for v, s in zip(verzoek.keten, statussen, strict=True):
            v.status = s
        return samengestelde_status(verzoek.keten)

    assert met(c, p) is p
    assert met(u, c) is u
    assert met(c, c) is c
    assert met(r, r) is r
    assert met(c, r) is d


def test_a_content_that_does_not_open_as_a_claim_is_counted_not_added():
    verzoek = overzicht_verzoek("duo", personen=("psn-a",))
    anders = OntvangenGegeven(
        categorie="vorderingen",
        pseudoniem="psn-a",
        peildatum=dt.date(2026, 11, 30),
        inhoud=seal("geen vordering", HUB.public_key()),
        ontvangen_op=NU,
    )
    geef(verzoek, "duo", "psn-a", claim("DUO-1", 700, 700), anders)

    def open_of_niets(inhoud: str) -> VorderingInhoud | None:
        try:
            return opener(inhoud)
        except ValueError:
            return None

    [duo] = stel_samen(verzoek, open_of_niets, NU).uitvoerders
    assert duo.onleesbaar == 1 and [v.referentie for v in duo.vorderingen] == ["DUO-1"]
    assert duo.totaal_openstaand_centen == 700


def test_a_person_unknown_to_an_agency_leaves_the_overview_complete_and_confirmed():
    """The README's household: DUO knows only the applicant. Its refusal for the partner is a
    full answer (no claims there), so the overview is ``confirmed`` and ``compleet`` (it once
    answered ``incomplete`` beside ``compleet: true``)."""
    verzoek = overzicht_verzoek("cjib", "duo")
    geef(verzoek, "cjib", "psn-a", claim("CJIB-1", 100, 100))
    geef(verzoek, "cjib", "psn-b", claim("CJIB-2", 50, 50, pseudoniem="psn-b"))
    geef(verzoek, "duo", "psn-a", claim("DUO-1", 700, 700))
    weiger(verzoek, "duo", "psn-b")
    overzicht = stel_samen(verzoek, opener, NU)
    assert overzicht.status is KetenStatus.CONFIRMED and overzicht.compleet
    assert overzicht.ontbrekend == [] and overzicht.totaal_openstaand_centen == 850


def test_a_refusal_for_a_known_person_leaves_the_overview_incomplete_and_says_so():
    """Every agency answered, but the CJIB gave nothing for the partner: the totals miss its
    claims, so ``status`` is ``incomplete`` and ``compleet`` false, in agreement."""
    verzoek = overzicht_verzoek("cjib", "duo")
    geef(verzoek, "cjib", "psn-a", claim("CJIB-1", 100, 100))
    weiger(verzoek, "cjib", "psn-b", reden="geen-grondslag")
    geef(verzoek, "duo", "psn-a", claim("DUO-1", 700, 700))
    weiger(verzoek, "duo", "psn-b")
    overzicht = stel_samen(verzoek, opener, NU)
    assert overzicht.status is KetenStatus.INCOMPLETE and not overzicht.compleet
    assert overzicht.ontbrekend == []
