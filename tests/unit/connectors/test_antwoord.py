import datetime as dt

from connectors.base.opschorting import Bevestiging, Weigering, maak_antwoord
from schemas.opschorting import (
    OpschortingBevestigd,
    OpschortingDeelsBevestigd,
    OpschortingGeweigerd,
    Redencode,
    VorderingResultaat,
)
from tests.unit.connectors.berichten import instructie, opdracht, sleutel

NU = dt.datetime(2026, 11, 22, tzinfo=dt.UTC)
JA = VorderingResultaat(vordering="A", opgeschort=True)
NEE = VorderingResultaat(
    vordering="B", opgeschort=False, redencode=Redencode.BEZWAAR_OF_BEROEP, toelichting="beroep"
)


def _opdracht():
    event = instructie("cjib", ["999990019"], sleutel().public_key())
    return opdracht(event, ["999990019"])


def test_header_fields_come_from_the_instruction():
    o = _opdracht()
    a = maak_antwoord(o, Bevestiging("REF-1"), beantwoord_op=NU)
    assert isinstance(a, OpschortingBevestigd)
    assert (a.opschorting_id, a.casus_id, a.uitvoerder, a.instructie_id) == (
        o.instructie.opschorting_id,
        o.instructie.casus_id,
        o.instructie.uitvoerder,
        o.instructie_id,
    )
    assert a.vorderingen == ()


def test_mixed_is_deels_and_none_is_geweigerd():
    assert isinstance(
        maak_antwoord(_opdracht(), Bevestiging("R", (JA, NEE)), beantwoord_op=NU),
        OpschortingDeelsBevestigd,
    )
    geweigerd = maak_antwoord(_opdracht(), Bevestiging("R", (NEE,)), beantwoord_op=NU)
    assert isinstance(geweigerd, OpschortingGeweigerd)
    assert geweigerd.redencode is Redencode.BEZWAAR_OF_BEROEP
    assert geweigerd.referentie == "R"


def test_weigering_keeps_the_agency_reason_and_trims_long_text():
    a = maak_antwoord(
        _opdracht(), Weigering(Redencode.TERMIJN_ONGELDIG, "x" * 5000), beantwoord_op=NU
    )
    assert isinstance(a, OpschortingGeweigerd)
    assert a.redencode is Redencode.TERMIJN_ONGELDIG
    assert len(a.reden) == 2000
