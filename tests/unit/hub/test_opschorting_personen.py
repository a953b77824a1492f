"""A time-out names to each agency only the household members in its scope (``Scope.personen``):
the order's request keeps them, its extension and lifting reach the same persons, and a person
outside the household is refused naming the field."""

from __future__ import annotations

import datetime as dt

import pytest

from hub.domain.opschorting import OngeldigeOpschorting, Opschorting, Scope
from hub.service.casus import dien_casus_in, lees_casus
from hub.service.commands import (
    DienCasusIn,
    DraagOpschortingOp,
    HefOpschortingOp,
    VerlengOpschorting,
)
from hub.service.errors import Ongeldig
from hub.service.opschorting import draag_opschorting_op
from hub.service.wijziging import hef_opschorting_op, verleng_opschorting
from schemas.opschorting import (
    OpschortingInstructie,
    OpschortingOpheffingInstructie,
    OpschortingVerlengingInstructie,
)
from schemas.organisaties import UITVOERDERS, Uitvoerder
from simulators import AGENCIES
from tests.support.loket import LOKET_DOOR, casus_body, opschorting_body
from tests.unit.hub.fakes import FakeUnitOfWork, Klok, Store, fake_deps

NOW = dt.datetime(2026, 11, 22, 12, tzinfo=dt.UTC)
HUISHOUDEN = ("p-aanvrager", "p-partner")


def draag_op(*scope: Scope, huishouden: tuple[str, ...] = HUISHOUDEN) -> Opschorting:
    return Opschorting.draag_op(
        opschorting_id="o-1",
        casus_id="MWL-2026-0A1B2C3D4E",
        scope=list(scope),
        maatregelen=("beslag",),
        ingangsdatum=dt.date(2026, 12, 1),
        einddatum=dt.date(2027, 3, 1),
        grondslag="g",
        reden="r",
        instructies={s.uitvoerder: f"i-{s.uitvoerder}" for s in scope},
        reageer_uiterlijk=NOW,
        nu=NOW,
        door="loket",
        huishouden=huishouden,
    )


def test_the_persons_in_scope_go_into_the_request_and_into_its_changes():
    o = draag_op(Scope("duo", ("DUO-1",), ("p-aanvrager",)), Scope("cjib"))
    assert o.verzoek_van("duo").personen_in_scope == ("p-aanvrager",)
    assert o.verzoek_van("cjib").personen_in_scope is None
    verlenging = o.verleng(
        wijziging_id="w-1",
        einddatum=dt.date(2027, 6, 1),
        reden="meer tijd",
        nu=NOW,
        instructies={"duo": "v-duo", "cjib": "v-cjib"},
        reageer_uiterlijk=NOW,
        door="loket",
    )
    opheffing = o.hef_op(
        wijziging_id="w-2",
        opheffingsdatum=dt.date(2027, 1, 1),
        reden="klaar",
        nu=NOW,
        instructies={"duo": "h-duo", "cjib": "h-cjib"},
        reageer_uiterlijk=NOW,
        door="loket",
    )
    for wijziging in (verlenging, opheffing):
        personen = {v.uitvoerder: v.personen_in_scope for v in wijziging.keten}
        assert personen == {"duo": ("p-aanvrager",), "cjib": None}


@pytest.mark.parametrize(
    ("personen", "field"),
    [
        (("p-aanvrager", "p-vreemd"), "uitvoerders.1.personen.1"),
        ((), "uitvoerders.1.personen"),
        (("p-partner", "p-partner"), "uitvoerders.1.personen"),
    ],
)
def test_a_person_outside_the_household_none_or_twice_is_refused_naming_the_field(personen, field):
    with pytest.raises(OngeldigeOpschorting) as info:
        draag_op(Scope("cjib"), Scope("duo", None, personen))
    assert info.value.field == field


def test_persons_without_a_household_to_check_them_against_are_refused():
    with pytest.raises(OngeldigeOpschorting) as info:
        draag_op(Scope("duo", None, ("p-aanvrager",)), huishouden=())
    assert info.value.field == "uitvoerders.0.personen.0"


@pytest.fixture
def klok() -> Klok:
    return Klok(dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC))


@pytest.fixture
def deps(tmp_path, klok):
    return fake_deps(tmp_path, klok, AGENCIES)


@pytest.fixture
def store() -> Store:
    return Store()


@pytest.fixture
def uow(store, deps):
    return lambda: FakeUnitOfWork(store, deps)


async def household(uow, deps) -> tuple[str, list[str]]:
    body = casus_body("999990019", "999990020")
    casus_id = await dien_casus_in(DienCasusIn(**body), uow(), deps, door=LOKET_DOOR)
    dossier = await lees_casus(casus_id, uow())
    return casus_id, [lid.pseudoniem for lid in dossier.casus.leden]


def instructies(store: Store, soort: type, agency: str) -> list:
    return [
        e.data
        for _, e in store.published
        if isinstance(e.data, soort) and e.data.uitvoerder.value == agency
    ]


def betrokkenen(store: Store, agency: str) -> list[tuple[str, ...]]:
    """The persons each processing-log entry of an instruction to ``agency`` names."""
    oin = UITVOERDERS[Uitvoerder(agency)].oin
    return [
        tuple(b.pseudoniem for b in v.betrokkenen)
        for v in store.tables.get("verwerkingen", {}).values()
        if v.ontvanger == oin
    ]


async def test_the_order_its_extension_and_lifting_carry_only_the_persons_in_scope(
    uow, deps, store
):
    casus_id, [aanvrager, partner] = await household(uow, deps)
    body = opschorting_body("cjib", "duo", start=deps.clock.vandaag())
    body["uitvoerders"][1]["personen"] = [aanvrager]
    opschorting_id = await draag_opschorting_op(
        casus_id, DraagOpschortingOp(**body), uow(), deps, door=LOKET_DOOR
    )
    await verleng_opschorting(
        opschorting_id,
        VerlengOpschorting(
            einddatum=deps.clock.vandaag() + dt.timedelta(days=180), reden="meer tijd"
        ),
        uow(),
        deps,
        door=LOKET_DOOR,
    )
    await hef_opschorting_op(
        opschorting_id, HefOpschortingOp(reden="klaar"), uow(), deps, door=LOKET_DOOR
    )
    for soort in (
        OpschortingInstructie,
        OpschortingVerlengingInstructie,
        OpschortingOpheffingInstructie,
    ):
        [duo] = instructies(store, soort, "duo")
        assert [p.pseudoniem for p in duo.personen] == [aanvrager], soort
        [cjib] = instructies(store, soort, "cjib")
        assert [p.pseudoniem for p in cjib.personen] == [aanvrager, partner], soort
    assert betrokkenen(store, "duo") == [(aanvrager,)] * 3
    assert betrokkenen(store, "cjib") == [(aanvrager, partner)] * 3


async def test_a_person_of_another_household_is_refused_and_nothing_is_sent(uow, deps, store):
    casus_id, _ = await household(uow, deps)
    _, [ander, _] = await household(uow, deps)
    body = opschorting_body("duo", start=deps.clock.vandaag())
    body["uitvoerders"][0]["personen"] = [ander]
    with pytest.raises(Ongeldig) as info:
        await draag_opschorting_op(
            casus_id, DraagOpschortingOp(**body), uow(), deps, door=LOKET_DOOR
        )
    assert info.value.field == "uitvoerders.0.personen.0"
    assert instructies(store, OpschortingInstructie, "duo") == []


def test_the_request_keeps_the_persons_in_the_household_order():
    o = draag_op(Scope("cjib", None, ("p-partner", "p-aanvrager")))
    assert o.verzoek_van("cjib").personen_in_scope == ("p-aanvrager", "p-partner")
