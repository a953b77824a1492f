"""The agreement table and the hub's check of an information request against it (pure), and
the loader's checks of the agreement file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from hub.adapters.afspraken_loader import AfsprakenOngeldig, laad_afspraken, lees_afspraken
from hub.domain.afspraak import Afsprakentabel, Doel, beoordeel, dekt
from schemas.gedeeld import Regel
from schemas.informatie import Gegevenscategorie as C
from schemas.informatie import Weigeringsgrond
from schemas.organisaties import Uitvoerder

WAMS = Regel(regeling="Wet aanpak meervoudige problematiek sociaal domein")
NA_ZOMER = dt.date(2026, 9, 1)
VOORJAAR = dt.date(2026, 3, 1)


@pytest.fixture(scope="module")
def tabel() -> Afsprakentabel:
    return laad_afspraken()


def test_the_shipped_table_covers_the_three_agencies_for_the_debt_overview(tabel):
    for uitvoerder in (Uitvoerder.BELASTINGDIENST, Uitvoerder.CJIB, Uitvoerder.DUO):
        afspraak = tabel.geldend(uitvoerder, Doel.SCHULDENOVERZICHT, "loket", NA_ZOMER)
        assert afspraak is not None
        assert {C.VORDERINGEN, C.BETALINGSREGELINGEN, C.BESLAGEN, C.VERREKENINGEN} <= set(
            afspraak.categorieen
        )
    bd = tabel.geldend(Uitvoerder.BELASTINGDIENST, Doel.MAATWERKOPLOSSING, "loket", NA_ZOMER)
    duo = tabel.geldend(Uitvoerder.DUO, Doel.MAATWERKOPLOSSING, "loket", NA_ZOMER)
    assert bd is not None and C.TOESLAGEN in bd.categorieen
    assert duo is not None and C.STUDIEFINANCIERING in duo.categorieen


def test_allowed_request_relies_on_the_version_in_force(tabel):
    afspraak, weigeringen = beoordeel(
        tabel,
        verzoeker="loket",
        uitvoerder=Uitvoerder.DUO,
        doel=Doel.SCHULDENOVERZICHT,
        grondslag=WAMS,
        categorieen=[C.VORDERINGEN, C.PROCEDURES],
        op=NA_ZOMER,
    )
    assert weigeringen == []
    assert afspraak is not None and afspraak.naam == "AFS-DUO-2026-01 v2"


def test_a_category_added_in_a_later_version_is_refused_before_it(tabel):
    afspraak, weigeringen = beoordeel(
        tabel,
        verzoeker="loket",
        uitvoerder=Uitvoerder.DUO,
        doel=Doel.SCHULDENOVERZICHT,
        grondslag=WAMS,
        categorieen=[C.VORDERINGEN, C.PROCEDURES],
        op=VOORJAAR,
    )
    assert afspraak is not None and afspraak.naam == "AFS-DUO-2026-01 v1"
    [weigering] = weigeringen
    assert (weigering.categorie, weigering.index) == (C.PROCEDURES, 1)
    assert "not in agreement AFS-DUO-2026-01 v1" in weigering.reden


def test_category_outside_the_agreement_is_refused_naming_category_and_agreement(tabel):
    _, [weigering] = beoordeel(
        tabel,
        verzoeker="loket",
        uitvoerder=Uitvoerder.DUO,
        doel=Doel.SCHULDENOVERZICHT,
        grondslag=WAMS,
        categorieen=[C.TOESLAGEN, C.VORDERINGEN],
        op=NA_ZOMER,
    )
    assert weigering.categorie is C.TOESLAGEN and weigering.index == 0
    assert weigering.grond is Weigeringsgrond.BUITEN_AFSPRAAK
    assert weigering.reden == (
        "duo may not give toeslagen for schuldenoverzicht: not in agreement AFS-DUO-2026-01 v2"
    )


def test_no_agreement_for_the_purpose_refuses_every_category(tabel):
    afspraak, weigeringen = beoordeel(
        tabel,
        verzoeker="loket",
        uitvoerder=Uitvoerder.CJIB,
        doel=Doel.MAATWERKOPLOSSING,
        grondslag=WAMS,
        categorieen=[C.VORDERINGEN, C.BESLAGEN],
        op=NA_ZOMER,
    )
    assert afspraak is None
    assert [(w.categorie, w.index) for w in weigeringen] == [(C.VORDERINGEN, 0), (C.BESLAGEN, 1)]
    assert "no agreement in force on 2026-09-01" in weigeringen[0].reden


def test_a_requester_that_is_no_receiver_is_refused(tabel):
    _, weigeringen = beoordeel(
        tabel,
        verzoeker="cjib",
        uitvoerder=Uitvoerder.DUO,
        doel=Doel.SCHULDENOVERZICHT,
        grondslag=WAMS,
        categorieen=[C.VORDERINGEN],
        op=NA_ZOMER,
    )
    assert "not a receiver in AFS-DUO-2026-01 v2" in weigeringen[0].reden


def test_another_legal_ground_is_refused_as_a_whole(tabel):
    _, [weigering] = beoordeel(
        tabel,
        verzoeker="loket",
        uitvoerder=Uitvoerder.BELASTINGDIENST,
        doel=Doel.SCHULDENOVERZICHT,
        grondslag=Regel(regeling="Participatiewet"),
        categorieen=[C.VORDERINGEN],
        op=NA_ZOMER,
    )
    assert weigering.categorie is None and weigering.index is None
    assert weigering.grond is Weigeringsgrond.GEEN_GRONDSLAG


def test_legal_ground_matches_by_name_or_bwb_id_and_by_the_agreements_article():
    afgesproken = Regel(regeling="Wet X", artikel="artikel 5", bwb_id="BWBR0000001")
    assert dekt(afgesproken, Regel(regeling="wet  x", artikel="Artikel 5"))
    assert dekt(
        afgesproken, Regel(regeling="Other name", artikel="artikel 5", bwb_id="BWBR0000001")
    )
    assert not dekt(afgesproken, Regel(regeling="Wet X"))
    assert not dekt(afgesproken, Regel(regeling="Wet X", artikel="artikel 6"))
    assert dekt(Regel(regeling="Wet X"), Regel(regeling="Wet X", artikel="artikel 6"))


AFSPRAAK = """
  - kenmerk: AFS-T-1
    versie: {versie}
    geldig_vanaf: {vanaf}
    {tot}
    verstrekker: {verstrekker}
    ontvangers: [{ontvangers}]
    doel: schuldenoverzicht
    grondslag: {{regeling: Wet X}}
    categorieen: [{categorieen}]
"""


def bestand(*afspraken: dict[str, str]) -> str:
    regels = []
    for a in afspraken:
        waarden = {
            "versie": "1",
            "vanaf": "2026-01-01",
            "tot": "",
            "verstrekker": "duo",
            "ontvangers": "loket",
            "categorieen": "vorderingen",
            **a,
        }
        regels.append(AFSPRAAK.format(**waarden))
    return 'formaat: 1\neditie: "t"\nafspraken:' + "".join(regels)


def test_a_valid_file_loads_with_its_versions():
    tabel = lees_afspraken(
        bestand(
            {"tot": "geldig_tot: 2026-06-30"},
            {"versie": "2", "vanaf": "2026-07-01", "categorieen": "vorderingen, beslagen"},
        )
    )
    assert [a.versie for a in tabel.versies("AFS-T-1")] == [1, 2]
    assert tabel.versies("AFS-T-9") == []


@pytest.mark.parametrize(
    ("inhoud", "meldt"),
    [
        (bestand({"categorieen": "vorderingen, snoepgoed"}), "afspraken.0.categorieen.1"),
        (bestand({"verstrekker": "bakker"}), "afspraken.0.verstrekker"),
        (bestand({"ontvangers": "loket, buurman"}), "unknown receivers: buurman"),
        (bestand({"tot": "geldig_tot: 2025-01-01"}), "geldig_tot is before geldig_vanaf"),
        (bestand({}, {}), "AFS-T-1 v1 appears twice"),
        (bestand({}, {"versie": "2", "vanaf": "2026-03-01"}), "in force on a common day"),
        ('formaat: 2\neditie: "t"\nafspraken: []', "formaat"),
        ("afspraken: [unclosed", "not valid YAML"),
    ],
)
def test_a_broken_file_is_refused_naming_what_is_wrong(inhoud, meldt):
    with pytest.raises(AfsprakenOngeldig, match=r"agreement file test\.yaml") as fout:
        lees_afspraken(inhoud, bron="test.yaml")
    assert meldt in str(fout.value)


def test_two_agreements_for_the_same_agency_purpose_and_receiver_may_not_overlap():
    tekst = bestand({}) + AFSPRAAK.replace("AFS-T-1", "AFS-T-2").format(
        versie=1,
        vanaf="2026-05-01",
        tot="",
        verstrekker="duo",
        ontvangers="gemeente, loket",
        categorieen="beslagen",
    )
    with pytest.raises(AfsprakenOngeldig, match="both let duo give to loket"):
        lees_afspraken(tekst)


def test_a_missing_file_is_refused_naming_it(tmp_path: Path):
    with pytest.raises(AfsprakenOngeldig, match="cannot be read"):
        laad_afspraken(tmp_path / "weg.yaml")
