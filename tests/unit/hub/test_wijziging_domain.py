import datetime as dt

import pytest

from hub.domain.opschorting import (
    OngeldigeOpschorting,
    Opgeheven,
    Verlengd,
    Verlopen,
    WijzigingSoort,
)
from hub.domain.verzoek import KetenStatus, OnverwachtAntwoord, Uitkomst, VerzoekStatus
from tests.unit.hub.test_opschorting_domain import NOW, answer, beantwoord, order

DEADLINE = NOW + dt.timedelta(hours=48)


def answered(*refusing: str):
    o = order("belastingdienst", "cjib", "duo")
    for link in o.keten:
        status = VerzoekStatus.REFUSED if link.uitvoerder in refusing else VerzoekStatus.CONFIRMED
        beantwoord(o, link.uitvoerder, answer(link.uitvoerder, status))
    o.neem_gebeurtenissen()
    return o


def ids(*agencies: str, prefix: str = "v") -> dict[str, str]:
    return {a: f"{prefix}-{a}" for a in agencies}


def test_extension_moves_the_end_and_goes_to_every_agency_that_did_not_refuse():
    o = answered("cjib")
    w = o.verleng(
        wijziging_id="w1",
        einddatum=dt.date(2027, 6, 1),
        reden="meer tijd",
        nu=NOW,
        instructies=ids("belastingdienst", "duo"),
        reageer_uiterlijk=DEADLINE,
        door="loket",
    )
    assert o.einddatum == dt.date(2027, 6, 1)
    assert w.soort is WijzigingSoort.VERLENGING
    assert [link.uitvoerder for link in w.keten] == ["belastingdienst", "duo"]
    assert w.status is KetenStatus.PENDING
    [event] = o.neem_gebeurtenissen()
    assert isinstance(event, Verlengd) and event.vorige_einddatum == dt.date(2027, 3, 1)


def test_extension_must_lie_after_the_current_end():
    o = answered()
    with pytest.raises(OngeldigeOpschorting) as info:
        o.verleng(
            wijziging_id="w1",
            einddatum=o.einddatum,
            reden="r",
            nu=NOW,
            instructies=ids("belastingdienst", "cjib", "duo"),
            reageer_uiterlijk=DEADLINE,
            door="loket",
        )
    assert info.value.field == "einddatum"


def test_answers_to_a_change_find_their_own_link():
    o = answered()
    w = o.hef_op(
        wijziging_id="w1",
        opheffingsdatum=dt.date(2027, 1, 15),
        reden="schuldregeling getroffen",
        nu=NOW,
        instructies=ids("belastingdienst", "cjib", "duo", prefix="o"),
        reageer_uiterlijk=DEADLINE,
        door="loket",
    )
    assert isinstance(o.neem_gebeurtenissen()[0], Opgeheven)
    beantwoord(o, "cjib", Uitkomst("o-cjib", VerzoekStatus.CONFIRMED, NOW, referentie="X"))
    assert w.keten[1].uitvoerder == "cjib" and w.keten[1].referentie == "X"
    assert sum(v.status is VerzoekStatus.CONFIRMED for v in w.keten) == 1
    assert o.verzoek_van("cjib").referentie == "REF-1"  # the order's own request is untouched
    with pytest.raises(OnverwachtAntwoord):
        beantwoord(o, "duo", Uitkomst("o-cjib", VerzoekStatus.CONFIRMED, NOW))


def test_a_lifted_time_out_takes_no_further_change():
    o = answered()
    o.hef_op(
        wijziging_id="w1",
        opheffingsdatum=dt.date(2027, 1, 15),
        reden="r",
        nu=NOW,
        instructies=ids("belastingdienst", "cjib", "duo"),
        reageer_uiterlijk=DEADLINE,
        door="loket",
    )
    assert o.opgeheven_per == dt.date(2027, 1, 15) and not o.lopend
    with pytest.raises(OngeldigeOpschorting, match="lifted"):
        o.verleng(
            wijziging_id="w2",
            einddatum=dt.date(2027, 9, 1),
            reden="r",
            nu=NOW,
            instructies=ids("belastingdienst", "cjib", "duo"),
            reageer_uiterlijk=DEADLINE,
            door="loket",
        )


def test_nothing_to_change_when_every_agency_refused():
    o = answered("belastingdienst", "cjib", "duo")
    with pytest.raises(OngeldigeOpschorting, match="refused"):
        o.hef_op(
            wijziging_id="w1",
            opheffingsdatum=dt.date(2027, 1, 1),
            reden="r",
            nu=NOW,
            instructies={},
            reageer_uiterlijk=DEADLINE,
            door="loket",
        )


def test_expiry_happens_the_day_after_the_end_and_only_once():
    o = answered()
    # 22:30 UTC on the last day is 23:30 in Amsterdam (winter): still the last day.
    last_day = dt.datetime.combine(o.einddatum, dt.time(22, 30), tzinfo=dt.UTC)
    assert o.verloop(last_day, door="hub") is False
    assert o.verloop(last_day + dt.timedelta(hours=1), door="hub") is True
    assert o.verloop(last_day + dt.timedelta(days=3), door="hub") is False
    assert not o.lopend
    [event] = o.neem_gebeurtenissen()
    assert isinstance(event, Verlopen) and event.door == "hub"
