import datetime as dt

import pytest

from hub.domain.opschorting import (
    KetenSchakel,
    KetenStatus,
    OnverwachtAntwoord,
    Opschorting,
    SchakelStatus,
    Uitkomst,
)

NOW = dt.datetime(2026, 11, 22, 12, tzinfo=dt.UTC)


def order(*agencies: str) -> Opschorting:
    return Opschorting(
        opschorting_id="o-1",
        casus_id="MWL-2026-0A1B2C3D4E",
        maatregelen=("beslag",),
        ingangsdatum=dt.date(2026, 12, 1),
        einddatum=dt.date(2027, 3, 1),
        grondslag="g",
        reden="r",
        opgedragen_op=NOW,
        keten=[
            KetenSchakel(a, f"i-{a}", reageer_uiterlijk=NOW + dt.timedelta(hours=48))
            for a in agencies
        ],
    )


def answer(agency: str, status: SchakelStatus, ref: str | None = "REF-1") -> Uitkomst:
    return Uitkomst(f"i-{agency}", status, NOW, referentie=ref)


def test_chain_is_pending_until_every_agency_answered():
    o = order("cjib", "duo")
    assert o.status is KetenStatus.PENDING
    o.schakel("cjib").verwerk(answer("cjib", SchakelStatus.CONFIRMED), NOW)
    assert o.status is KetenStatus.PENDING
    assert o.compleet_op is None
    later = NOW + dt.timedelta(seconds=3)
    o.schakel("duo").verwerk(answer("duo", SchakelStatus.CONFIRMED), later)
    assert o.status is KetenStatus.CONFIRMED
    assert o.compleet_op == later
    assert o.telling()["confirmed"] == 2


def test_a_refusal_makes_the_chain_incomplete_and_keeps_the_reason():
    o = order("cjib", "duo")
    o.schakel("cjib").verwerk(answer("cjib", SchakelStatus.CONFIRMED), NOW)
    refusal = Uitkomst("i-duo", SchakelStatus.REFUSED, NOW, redencode="termijn-ongeldig", reden="x")
    o.schakel("duo").verwerk(refusal, NOW)
    assert o.status is KetenStatus.INCOMPLETE
    assert o.schakel("duo").reden == "x"


def test_first_answer_wins_and_a_second_changes_nothing():
    o = order("cjib")
    link = o.schakel("cjib")
    assert link.verwerk(answer("cjib", SchakelStatus.CONFIRMED, "A"), NOW) is True
    assert link.verwerk(answer("cjib", SchakelStatus.REFUSED, "B"), NOW) is False
    assert (link.status, link.referentie) == (SchakelStatus.CONFIRMED, "A")


def test_answer_to_another_instruction_is_rejected():
    link = order("cjib").schakel("cjib")
    with pytest.raises(OnverwachtAntwoord):
        link.verwerk(Uitkomst("i-other", SchakelStatus.CONFIRMED, NOW), NOW)


def test_pending_link_becomes_late_after_its_deadline():
    link = order("cjib").schakel("cjib")
    assert not link.is_late(NOW)
    assert link.is_late(NOW + dt.timedelta(hours=49))
    link.verwerk(answer("cjib", SchakelStatus.CONFIRMED), NOW)
    assert not link.is_late(NOW + dt.timedelta(hours=49))


def test_end_before_start_is_refused():
    with pytest.raises(ValueError, match="einddatum"):
        Opschorting("o", "c", (), dt.date(2027, 1, 2), dt.date(2027, 1, 1), "g", "r", NOW)
