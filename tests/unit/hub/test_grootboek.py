"""The books of a bridging, under any sequence of bookings (property-based, hypothesis): they
balance, nothing outstanding goes negative, and a booking that breaks a rule is refused, naming
its field, with nothing written. A plain model (three totals and who owes what) says what each
booking must give."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hub.domain.grootboek import (
    BETAALD,
    MAX_CENTEN,
    ONTVANGEN,
    VOORFINANCIERING,
    Boeking,
    Grootboek,
    OngeldigeBoeking,
    te_vorderen,
)

DEPTHS = {"quick": 4, "full": 1, "coverage": 1}
"""``MAATWERK_FUZZ=quick`` (``make check``, the inner loop) draws a quarter of the sequences the
full run (``make test``, CI) draws; the properties checked on each are the same. ``coverage`` (the
API fuzz's deepest, ``tests/api/hub/test_fuzz.py``) draws the full set here."""


def _examples(full: int) -> int:
    depth = os.environ.get("MAATWERK_FUZZ", "full")
    if depth not in DEPTHS:
        raise pytest.UsageError(f"MAATWERK_FUZZ must be one of {', '.join(DEPTHS)}, not {depth!r}")
    return full // DEPTHS[depth]


OINS = ("00000001999999990108", "00000001999999990201", "00000001999999990301")

bedragen = st.one_of(
    st.integers(min_value=-1_000, max_value=2_000_000),
    st.just(0),
    st.just(MAX_CENTEN + 1),
    st.floats(min_value=-10, max_value=1e6, allow_nan=False),
    st.booleans(),
)
"""Mostly good amounts, and every kind of bad one: negative, zero, too large, a float, a bool."""

stappen = st.lists(
    st.one_of(
        st.tuples(st.just("betaal"), bedragen),
        st.tuples(st.just("wijs_toe"), st.sampled_from(OINS)),
        st.tuples(st.just("ontvang"), st.tuples(st.sampled_from(OINS), bedragen)),
    ),
    max_size=40,
)


@dataclass
class Model:
    """What the books must say, kept the simplest way."""

    betaald: int = 0
    ontvangen: int = 0
    verantwoordelijke: str | None = None
    schuld: dict[str, int] = field(default_factory=dict)


def goed(centen: object) -> bool:
    return type(centen) is int and 0 < centen <= MAX_CENTEN


def pas_toe(boek: Grootboek, model: Model, stap: str, arg: object, n: int) -> Grootboek:
    """One booking on the books and on the model; a refused one must change neither."""
    voor = boek
    try:
        if stap == "betaal":
            boek = boek.betaal(arg, f"b{n}")  # type: ignore[arg-type]
            assert goed(arg)
            model.betaald += arg  # type: ignore[operator]
            if model.verantwoordelijke is not None:
                model.schuld[model.verantwoordelijke] += arg  # type: ignore[operator]
        elif stap == "wijs_toe":
            assert isinstance(arg, str)
            boek = boek.wijs_toe(arg, f"a{n}")
            assert model.verantwoordelijke is None
            model.verantwoordelijke = arg
            model.schuld[arg] = model.betaald - model.ontvangen
        else:
            oin, centen = arg  # type: ignore[misc]
            boek = boek.ontvang(oin, centen, f"o{n}")
            assert goed(centen) and centen <= model.schuld.get(oin, 0)
            model.ontvangen += centen
            model.schuld[oin] -= centen
    except OngeldigeBoeking as exc:
        assert exc.field in {"bedrag_centen", "verantwoordelijke_oin"}
        assert boek is voor and boek.boekingen == voor.boekingen  # nothing written
        refused_rightly = (
            (stap == "betaal" and not goed(arg))
            or (stap == "wijs_toe" and model.verantwoordelijke is not None)
            or (
                stap == "ontvang" and (not goed(arg[1]) or arg[1] > model.schuld.get(arg[0], 0))  # type: ignore[index]
            )
        )
        assert refused_rightly, f"{stap} {arg!r} refused: {exc}"
    return boek


@settings(max_examples=_examples(300), deadline=None)
@given(stappen)
def test_any_sequence_of_bookings_keeps_the_books_right(reeks: list[tuple[str, object]]) -> None:
    boek, model = Grootboek(), Model()
    for n, (stap, arg) in enumerate(reeks):
        boek = pas_toe(boek, model, stap, arg, n)
        assert boek.in_balans
        assert sum(boek.saldi().values()) == 0
        assert boek.openstaand >= 0
        assert all(s >= 0 for s in boek.per_verantwoordelijke().values())
        assert boek.voorgefinancierd == model.betaald
        assert boek.terugbetaald == model.ontvangen
        assert boek.openstaand == model.betaald - model.ontvangen
        for oin in OINS:
            assert boek.openstaand_bij(oin) == model.schuld.get(oin, 0)
        assert boek.verantwoordelijke == model.verantwoordelijke
        for b in boek.boekingen:
            assert type(b.centen) is int and b.centen > 0 and b.debet != b.credit
        boek.toets()


@settings(max_examples=_examples(200), deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=MAX_CENTEN), min_size=1, max_size=10))
def test_repaying_everything_leaves_nothing_outstanding(betalingen: list[int]) -> None:
    boek = Grootboek()
    for n, centen in enumerate(betalingen):
        boek = boek.betaal(centen, f"b{n}")
    boek = boek.wijs_toe(OINS[0], "a")
    assert boek.openstaand_bij(OINS[0]) == sum(betalingen)
    for n, centen in enumerate(betalingen):  # one repayment per payment: each within the limit
        boek = boek.ontvang(OINS[0], centen, f"o{n}")
    assert boek.openstaand == 0 and boek.saldi()[te_vorderen(OINS[0])] == 0
    with pytest.raises(OngeldigeBoeking) as exc:
        boek.ontvang(OINS[0], 1, "o2")
    assert exc.value.field == "bedrag_centen"


def test_a_repayment_before_a_responsible_party_is_refused() -> None:
    boek = Grootboek().betaal(10_000, "b1")
    with pytest.raises(OngeldigeBoeking, match="owes"):
        boek.ontvang(OINS[0], 1, "o1")


def test_books_read_back_that_do_not_balance_are_refused() -> None:
    scheef = Grootboek(
        (
            Boeking(VOORFINANCIERING, BETAALD, 500, "b1"),
            Boeking(ONTVANGEN, te_vorderen(OINS[0]), 600, "o1"),
        )
    )
    with pytest.raises(OngeldigeBoeking):
        scheef.toets()


def test_the_accounts_after_a_whole_bridging() -> None:
    boek = (
        Grootboek()
        .betaal(30_000, "b1")
        .wijs_toe(OINS[1], "a")
        .betaal(5_000, "b2")
        .ontvang(OINS[1], 20_000, "o1")
    )
    assert boek.saldi() == {
        VOORFINANCIERING: 0,
        BETAALD: -35_000,
        te_vorderen(OINS[1]): 15_000,
        ONTVANGEN: 20_000,
    }
    assert boek.openstaand == 15_000
