"""The time-out instrument in the connector base: its outcome, its answer, its look-up.

Each agency's translation reads its own response into an :data:`Uitkomst` (neutral, in contract
terms); :func:`maak_antwoord` decides which contract message that is:

- a :class:`Weigering` is ``OpschortingGeweigerd``;
- a :class:`Bevestiging` where every reported claim is suspended is ``OpschortingBevestigd``;
- one where some claims are not suspended is ``OpschortingDeelsBevestigd``;
- one where no reported claim is suspended is ``OpschortingGeweigerd`` (with the agency's
  reference).

An extension or lifting acts on the suspension the agency registered for the original
instruction: :func:`wijzigingsopzoeking` takes its reference from the instruction when the hub
sends it, else looks it up at the back-office by the original instruction's id (which was the
original request's idempotency key), so the connector keeps no state.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from connectors.base.backoffice import BackofficeAntwoord, HttpVerzoek
from connectors.base.opdracht import Opdracht
from connectors.base.vertaling import Opzoeking, Vertaling
from schemas.opschorting import (
    Antwoord,
    OpschortingBevestigd,
    OpschortingDeelsBevestigd,
    OpschortingGeweigerd,
    OpschortingInstructie,
    OpschortingOpheffingInstructie,
    OpschortingVerlengingInstructie,
    Redencode,
    VorderingResultaat,
)

MAX_REDEN = 2000

Opschortingsinstructie = (
    OpschortingInstructie | OpschortingVerlengingInstructie | OpschortingOpheffingInstructie
)
Wijzigingsinstructie = OpschortingVerlengingInstructie | OpschortingOpheffingInstructie

I = TypeVar("I", bound=Opschortingsinstructie)  # noqa: E741
W = TypeVar("W", bound=Wijzigingsinstructie)


@dataclass(frozen=True)
class Bevestiging:
    """The agency registered the suspension under ``referentie``."""

    referentie: str
    vorderingen: tuple[VorderingResultaat, ...] = ()
    wijzigingsreferentie: str | None = None
    """The agency's reference of the change, when this confirms an extension or lifting."""


@dataclass(frozen=True)
class Weigering:
    """The agency refused the instruction."""

    redencode: Redencode
    reden: str
    referentie: str | None = None
    vorderingen: tuple[VorderingResultaat, ...] = ()


Uitkomst = Bevestiging | Weigering


def onverwacht(agency: str, status: int, detail: str = "") -> Weigering:
    """An answer the translation cannot read: refused as ``onverwerkbaar``, with what was seen."""
    tekst = f"Unexpected answer from the {agency} back-office: HTTP {status}"
    return Weigering(Redencode.ONVERWERKBAAR, f"{tekst}. {detail}".strip() if detail else tekst)


def vordering(
    nummer: str,
    opgeschort: bool,
    reden: str | None = None,
    *,
    redenen: Mapping[str, Redencode] | None = None,
    anders: Redencode = Redencode.ONVERWERKBAAR,
) -> VorderingResultaat:
    """One claim as the agency reported it: suspended, or not with its own ``reden`` (kept as
    ``toelichting``) mapped through ``redenen`` (``anders`` when it is not there)."""
    if opgeschort:
        return VorderingResultaat(vordering=nummer, opgeschort=True)
    redencode = (redenen or {}).get(reden, anders) if reden is not None else anders
    return VorderingResultaat(
        vordering=nummer, opgeschort=False, redencode=redencode, toelichting=reden
    )


def niets_geregistreerd(agency: str, wat: str) -> Weigering:
    """The look-up found nothing for the original instruction: refused, nothing is changed."""
    return Weigering(
        Redencode.ONBEKENDE_VORDERING,
        f"The {agency} back-office registered no {wat} for the original instruction.",
    )


def _kort(tekst: str) -> str:
    tekst = tekst.strip() or "-"
    return tekst if len(tekst) <= MAX_REDEN else tekst[: MAX_REDEN - 1] + "…"


def maak_antwoord(
    opdracht: Opdracht[Opschortingsinstructie], uitkomst: Uitkomst, beantwoord_op: datetime
) -> Antwoord:
    """The contract answer to ``opdracht`` (an order, extension or lifting) for ``uitkomst``;
    ``instructie_id`` names that instruction."""
    instructie = opdracht.instructie
    kop = {
        "opschorting_id": instructie.opschorting_id,
        "casus_id": instructie.casus_id,
        "uitvoerder": instructie.uitvoerder,
        "instructie_id": opdracht.instructie_id,
        "beantwoord_op": beantwoord_op,
    }
    if isinstance(uitkomst, Weigering):
        return OpschortingGeweigerd(
            **kop,
            redencode=uitkomst.redencode,
            reden=_kort(uitkomst.reden),
            referentie=uitkomst.referentie,
            vorderingen=uitkomst.vorderingen,
        )
    niet = [v for v in uitkomst.vorderingen if not v.opgeschort]
    if uitkomst.wijzigingsreferentie is not None:
        kop["wijzigingsreferentie"] = uitkomst.wijzigingsreferentie
    if not niet:
        return OpschortingBevestigd(
            **kop, referentie=uitkomst.referentie, vorderingen=uitkomst.vorderingen
        )
    if len(niet) < len(uitkomst.vorderingen):
        return OpschortingDeelsBevestigd(
            **kop, referentie=uitkomst.referentie, vorderingen=uitkomst.vorderingen
        )
    codes = Counter(v.redencode for v in niet if v.redencode is not None)
    redencode = codes.most_common(1)[0][0] if codes else Redencode.ONVERWERKBAAR
    toelichting = "; ".join(f"{v.vordering}: {v.toelichting or v.redencode}" for v in niet)
    return OpschortingGeweigerd(
        **kop,
        redencode=redencode,
        reden=_kort(f"No claim in scope was suspended ({toelichting})"),
        referentie=uitkomst.referentie,
        vorderingen=uitkomst.vorderingen,
    )


def vertaling(
    naar_verzoek: Callable[[Opdracht[I]], HttpVerzoek | Uitkomst],
    lees_antwoord: Callable[[Opdracht[I], BackofficeAntwoord], Uitkomst],
    opzoeking: Opzoeking[I, Uitkomst] | None = None,
) -> Vertaling[I, Uitkomst]:
    """A time-out translation: the agency's two functions, answered with :func:`maak_antwoord`."""
    return Vertaling(
        naar_verzoek=naar_verzoek,
        lees_antwoord=lees_antwoord,
        maak_antwoord=maak_antwoord,
        opzoeking=opzoeking,
    )


def wijzigingsopzoeking(
    zoek: Callable[[str], HttpVerzoek],
    lees: Callable[[Opdracht[W], BackofficeAntwoord], str | Uitkomst],
) -> Opzoeking[W, Uitkomst]:
    """The suspension a change acts on: ``referentie`` from the instruction when the hub sends
    it, else ``zoek(original instruction id)`` read with ``lees``."""

    def bekend(opdracht: Opdracht[W]) -> str | None:
        return opdracht.instructie.referentie

    def zoek_origineel(opdracht: Opdracht[W]) -> HttpVerzoek:
        return zoek(opdracht.instructie.instructie_id)

    return Opzoeking(zoek=zoek_origineel, lees=lees, bekend=bekend)
