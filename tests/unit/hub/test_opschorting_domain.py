import datetime as dt

import pytest

from hub.domain.opschorting import (
    Beantwoord,
    OngeldigeOpschorting,
    Opgedragen,
    Opschorting,
    Scope,
)
from hub.domain.verzoek import (
    KetenStatus,
    OnverwachtAntwoord,
    Uitkomst,
    VerzoekSoort,
    VerzoekStatus,
)

NOW = dt.datetime(2026, 11, 22, 12, tzinfo=dt.UTC)


def order(*agencies: str, einddatum: dt.date = dt.date(2027, 3, 1)) -> Opschorting:
    o = Opschorting.draag_op(
        opschorting_id="o-1",
        casus_id="MWL-2026-0A1B2C3D4E",
        scope=[Scope(a) for a in agencies],
        maatregelen=("beslag",),
        ingangsdatum=dt.date(2026, 12, 1),
        einddatum=einddatum,
        grondslag="g",
        reden="r",
        instructies={a: f"i-{a}" for a in agencies},
        reageer_uiterlijk=NOW + dt.timedelta(hours=48),
        nu=NOW,
        door="loket",
    )
    o.neem_gebeurtenissen()
    return o


def answer(agency: str, status: VerzoekStatus, ref: str | None = "REF-1") -> Uitkomst:
    return Uitkomst(f"i-{agency}", status, NOW, referentie=ref)


def beantwoord(o: Opschorting, agency: str, uitkomst: Uitkomst, nu: dt.datetime = NOW) -> bool:
    return o.beantwoord(agency, uitkomst, nu=nu, door="urn:test", antwoord_id="a-1")


def test_an_order_makes_one_request_per_agency_and_records_that_it_was_ordered():
    o = Opschorting.draag_op(
        opschorting_id="o-1",
        casus_id="MWL-2026-0A1B2C3D4E",
        scope=[Scope("cjib", ("Z-1",)), Scope("duo")],
        maatregelen=("beslag",),
        ingangsdatum=dt.date(2026, 12, 1),
        einddatum=dt.date(2027, 3, 1),
        grondslag="g",
        reden="r",
        instructies={"cjib": "i-cjib", "duo": "i-duo"},
        reageer_uiterlijk=NOW,
        nu=NOW,
        door="loket",
    )
    assert [(v.uitvoerder, v.soort, v.keten_id) for v in o.keten] == [
        ("cjib", VerzoekSoort.OPSCHORTING, "o-1"),
        ("duo", VerzoekSoort.OPSCHORTING, "o-1"),
    ]
    assert o.verzoek_van("cjib").vorderingen_in_scope == ("Z-1",)
    [event] = o.neem_gebeurtenissen()
    assert isinstance(event, Opgedragen) and event.door == "loket" and event.opschorting is o
    assert o.neem_gebeurtenissen() == []


def test_chain_is_pending_until_every_agency_answered():
    o = order("cjib", "duo")
    assert o.status is KetenStatus.PENDING
    beantwoord(o, "cjib", answer("cjib", VerzoekStatus.CONFIRMED))
    assert o.status is KetenStatus.PENDING
    assert o.compleet_op is None
    later = NOW + dt.timedelta(seconds=3)
    beantwoord(o, "duo", answer("duo", VerzoekStatus.CONFIRMED), later)
    assert o.status is KetenStatus.CONFIRMED
    assert o.compleet_op == later
    assert o.telling()["confirmed"] == 2


def test_a_refusal_makes_the_chain_incomplete_and_keeps_the_reason():
    o = order("cjib", "duo")
    beantwoord(o, "cjib", answer("cjib", VerzoekStatus.CONFIRMED))
    refusal = Uitkomst("i-duo", VerzoekStatus.REFUSED, NOW, redencode="termijn-ongeldig", reden="x")
    beantwoord(o, "duo", refusal)
    assert o.status is KetenStatus.INCOMPLETE
    assert o.verzoek_van("duo").reden == "x"


def test_first_answer_wins_and_a_second_changes_nothing():
    o = order("cjib")
    assert beantwoord(o, "cjib", answer("cjib", VerzoekStatus.CONFIRMED, "A")) is True
    assert beantwoord(o, "cjib", answer("cjib", VerzoekStatus.REFUSED, "B")) is False
    link = o.verzoek_van("cjib")
    assert (link.status, link.referentie) == (VerzoekStatus.CONFIRMED, "A")
    first, second = o.neem_gebeurtenissen()
    assert isinstance(first, Beantwoord) and first.gewijzigd is True
    assert isinstance(second, Beantwoord) and second.gewijzigd is False


def test_answer_to_another_instruction_is_rejected():
    o = order("cjib")
    with pytest.raises(OnverwachtAntwoord):
        o.verzoek_van("cjib").verwerk(Uitkomst("i-other", VerzoekStatus.CONFIRMED, NOW), NOW)
    with pytest.raises(OnverwachtAntwoord):
        beantwoord(o, "cjib", Uitkomst("i-other", VerzoekStatus.CONFIRMED, NOW))
    assert o.neem_gebeurtenissen() == []


def test_pending_link_becomes_late_after_its_deadline():
    o = order("cjib")
    link = o.verzoek_van("cjib")
    assert not link.is_late(NOW)
    assert link.is_late(NOW + dt.timedelta(hours=49))
    beantwoord(o, "cjib", answer("cjib", VerzoekStatus.CONFIRMED))
    assert not link.is_late(NOW + dt.timedelta(hours=49))


def test_end_before_start_is_refused_and_names_the_field():
    with pytest.raises(OngeldigeOpschorting, match="einddatum") as info:
        order("cjib", einddatum=dt.date(2026, 11, 30))
    assert info.value.field == "einddatum"
