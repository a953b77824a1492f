"""The casus aggregate: every step the transition table allows, and every one it refuses."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from hub.domain.casus import (
    OVERGANGEN,
    SLUITINGSREDENEN,
    Afgewezen,
    Casus,
    CasusStatus,
    Geaccepteerd,
    Gesloten,
    InBehandelingGenomen,
    Ingediend,
    Lid,
    Maatwerkfunctionaris,
    OngeldigeTransitie,
    Opgelost,
    Opgeschaald,
    Transitie,
)
from schemas.casus import Afwijzingsreden, Instrument, Probleemdomein, Sluitingsreden, Urgentie
from schemas.organisaties import Uitvoerder

S = CasusStatus
T0 = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
LATER = T0 + dt.timedelta(hours=1)

# A way to reach each status from ingediend (every step allowed by the table).
ROUTE: dict[CasusStatus, tuple[CasusStatus, ...]] = {
    S.INGEDIEND: (),
    S.GEACCEPTEERD: (S.GEACCEPTEERD,),
    S.AFGEWEZEN: (S.AFGEWEZEN,),
    S.IN_BEHANDELING: (S.GEACCEPTEERD, S.IN_BEHANDELING),
    S.OPGESCHAALD: (S.GEACCEPTEERD, S.IN_BEHANDELING, S.OPGESCHAALD),
    S.OPGELOST: (S.GEACCEPTEERD, S.IN_BEHANDELING, S.OPGELOST),
    S.GESLOTEN: (S.AFGEWEZEN, S.GESLOTEN),
}


def nieuwe_casus() -> Casus:
    return Casus.dien_in(
        casus_id="MWL-2026-AAAAAAAAAA",
        indiener_oin="00000001999999990201",
        maatwerkfunctionaris=Maatwerkfunctionaris("Team Maatwerk", "mw@utrecht.example"),
        leden=(Lid("psn-1", "aanvrager", "sealed"),),
        probleemdomeinen=(Probleemdomein.SCHULDEN,),
        betrokken_organisaties=(Uitvoerder.CJIB, Uitvoerder.DUO),
        geprobeerd="Regelingen aangevraagd.",
        urgentie=Urgentie.HOOG,
        gevraagde_instrumenten=(Instrument.TIME_OUT,),
        door="urn:nld:oin:00000001999999990201",
        op=T0,
    )


def een_sluitingsreden(van: CasusStatus) -> Sluitingsreden:
    return SLUITINGSREDENEN[van][0]


def stap(naar: CasusStatus, van: CasusStatus) -> Callable[[Casus], None]:
    """The aggregate's method that leads to ``naar``, with valid arguments."""
    kwargs = {"door": "loket", "op": LATER}
    return {
        S.GEACCEPTEERD: lambda c: c.accepteer(**kwargs, toelichting="ok"),
        S.AFGEWEZEN: lambda c: c.wijs_af(
            **kwargs, redencode=Afwijzingsreden.NIET_ALLES_GEPROBEERD, reden="Eerst lokaal"
        ),
        S.IN_BEHANDELING: lambda c: c.neem_in_behandeling(**kwargs, behandelteam="Team Noord"),
        S.OPGESCHAALD: lambda c: c.schaal_op(**kwargs, escalatie_id="esc-1", reden="Vast"),
        S.OPGELOST: lambda c: c.los_op(
            **kwargs, oplossing="Regeling", ingezette_instrumenten=(Instrument.TIME_OUT,)
        ),
        S.GESLOTEN: lambda c: c.sluit(
            **kwargs,
            redencode=een_sluitingsreden(van)
            if van in SLUITINGSREDENEN
            else Sluitingsreden.OPGELOST,
        ),
    }[naar]


def casus_in(status: CasusStatus) -> Casus:
    casus = nieuwe_casus()
    for naar in ROUTE[status]:
        stap(naar, casus.status)(casus)
    assert casus.status is status
    casus.neem_gebeurtenissen()
    return casus


ALLOWED = [(van, naar) for van, targets in OVERGANGEN.items() for naar in targets]
REFUSED = [
    (van, naar)
    for van in CasusStatus
    for naar in CasusStatus
    if naar is not S.INGEDIEND and naar not in OVERGANGEN[van]
]
EVENT = {
    S.GEACCEPTEERD: Geaccepteerd,
    S.AFGEWEZEN: Afgewezen,
    S.IN_BEHANDELING: InBehandelingGenomen,
    S.OPGESCHAALD: Opgeschaald,
    S.OPGELOST: Opgelost,
    S.GESLOTEN: Gesloten,
}


def test_submission_records_ingediend_and_starts_the_history():
    casus = nieuwe_casus()
    assert casus.status is S.INGEDIEND
    assert casus.transities == [Transitie(None, S.INGEDIEND, T0, casus.transities[0].door)]
    [event] = casus.neem_gebeurtenissen()
    assert isinstance(event, Ingediend)
    assert event.casus_id == casus.casus_id and event.op == T0 and event.van is None
    assert event.leden == casus.leden and event.urgentie is Urgentie.HOOG
    assert casus.neem_gebeurtenissen() == []


@pytest.mark.parametrize(("van", "naar"), ALLOWED, ids=[f"{a}->{b}" for a, b in ALLOWED])
def test_allowed_step_moves_records_its_event_and_extends_the_history(van, naar):
    casus = casus_in(van)
    before = len(casus.transities)
    stap(naar, van)(casus)
    assert casus.status is naar
    assert len(casus.transities) == before + 1
    laatste = casus.transities[-1]
    assert (laatste.van, laatste.naar, laatste.op, laatste.door) == (van, naar, LATER, "loket")
    [event] = casus.neem_gebeurtenissen()
    assert type(event) is EVENT[naar]
    assert event.van is van and event.casus_id == casus.casus_id and event.door == "loket"


@pytest.mark.parametrize(("van", "naar"), REFUSED, ids=[f"{a}->{b}" for a, b in REFUSED])
def test_refused_step_changes_nothing_and_names_current_and_allowed(van, naar):
    casus = casus_in(van)
    history = list(casus.transities)
    with pytest.raises(OngeldigeTransitie) as raised:
        stap(naar, van)(casus)
    assert casus.status is van and casus.transities == history
    assert casus.neem_gebeurtenissen() == []
    allowed = ", ".join(OVERGANGEN[van]) or "none"
    assert str(raised.value) == (
        f"casus {casus.casus_id} is {van}: it cannot become {naar}; allowed: {allowed}"
    )
    assert raised.value.toegestaan == OVERGANGEN[van]


CLOSING = [(van, reden) for van in SLUITINGSREDENEN for reden in Sluitingsreden]


@pytest.mark.parametrize(("van", "reden"), CLOSING, ids=[f"{a}-{b}" for a, b in CLOSING])
def test_closing_reason_must_fit_the_status(van, reden):
    casus = casus_in(van)
    if reden in SLUITINGSREDENEN[van]:
        casus.sluit(door="loket", op=LATER, redencode=reden, toelichting="klaar")
        assert casus.status is S.GESLOTEN
        assert casus.transities[-1].details == {"redencode": reden.value, "toelichting": "klaar"}
        [event] = casus.neem_gebeurtenissen()
        assert isinstance(event, Gesloten) and event.redencode is reden
    else:
        with pytest.raises(OngeldigeTransitie, match=f"cannot be closed as {reden}") as raised:
            casus.sluit(door="loket", op=LATER, redencode=reden)
        assert raised.value.field == "redencode"
        assert casus.status is van and casus.neem_gebeurtenissen() == []


def test_the_table_reads_as_documented():
    assert OVERGANGEN[S.GESLOTEN] == ()
    assert OVERGANGEN[S.AFGEWEZEN] == (S.GESLOTEN,)
    assert set(OVERGANGEN[S.OPGESCHAALD]) == {S.IN_BEHANDELING, S.OPGELOST, S.GESLOTEN}
    for open_status in (S.INGEDIEND, S.GEACCEPTEERD, S.IN_BEHANDELING, S.OPGESCHAALD):
        assert {Sluitingsreden.INGETROKKEN, Sluitingsreden.OVERGEDRAGEN} <= set(
            SLUITINGSREDENEN[open_status]
        )
    assert SLUITINGSREDENEN[S.OPGELOST] == (Sluitingsreden.OPGELOST,)


def test_the_let_hands_back_and_the_history_keeps_every_step():
    casus = casus_in(S.OPGESCHAALD)
    casus.neem_in_behandeling(door="loket", op=LATER, behandelteam="Team Zuid")
    casus.schaal_op(door="loket", op=LATER, escalatie_id="esc-2", reden="Weer vast")
    casus.los_op(door="loket", op=LATER, oplossing="Besluit LET")
    casus.sluit(door="loket", op=LATER, redencode=Sluitingsreden.OPGELOST)
    assert [t.naar for t in casus.transities] == [
        S.INGEDIEND,
        S.GEACCEPTEERD,
        S.IN_BEHANDELING,
        S.OPGESCHAALD,
        S.IN_BEHANDELING,
        S.OPGESCHAALD,
        S.OPGELOST,
        S.GESLOTEN,
    ]
    assert casus.transities[5].details == {"escalatie_id": "esc-2", "reden": "Weer vast"}
    assert casus.toegestaan == ()
