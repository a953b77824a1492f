"""What one agency does with one type of instruction: a :class:`Vertaling` (pure, no I/O).

A translation takes the standard message (as an :class:`~connectors.base.opdracht.Opdracht`,
BSNs opened) to the agency's request, reads the agency's HTTP answer back into a neutral outcome
of the instrument, and builds the contract answer from that outcome. The runtime only sends what a
translation describes; it knows no instrument and no agency.

Usage (the time-out's extension at an agency that needs the suspension's reference)::

    Vertaling(
        naar_verzoek=naar_verlenging,          # Opdracht -> HttpVerzoek, or an outcome at once
        lees_antwoord=lees_wijziging,          # (Opdracht, BackofficeAntwoord) -> outcome
        maak_antwoord=opschorting.maak_antwoord,  # (Opdracht, outcome, now) -> contract answer
        opzoeking=Opzoeking(bekend=..., zoek=..., lees=...),
    )

The instrument's part (its outcome type and answer builder, helpers such as
:func:`connectors.base.opschorting.vertaling`) lives in one base module per instrument; a new
instrument for an agency is one more translation in its ``KOPPELING``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from connectors.base.backoffice import BackofficeAntwoord, HttpVerzoek
from connectors.base.opdracht import Opdracht
from schemas import EventData

I = TypeVar("I", bound=EventData)  # noqa: E741  (the instruction's payload type)
U = TypeVar("U")
"""The instrument's neutral outcome (e.g. :data:`connectors.base.opschorting.Uitkomst`)."""


def _niet_bekend(opdracht: Opdracht[EventData]) -> str | None:
    return None


@dataclass(frozen=True)
class Opzoeking(Generic[I, U]):
    """A step before the request: the agency's reference of what the instruction acts on.

    ``bekend`` gives it when the instruction carries it already (no request then); otherwise
    ``zoek`` describes the look-up at the back-office and ``lees`` reads its answer: the
    reference, or an outcome to answer with at once (e.g. a refusal when the agency holds nothing).
    The runtime puts the reference in :attr:`Opdracht.referentie` for the rest of the translation.
    """

    zoek: Callable[[Opdracht[I]], HttpVerzoek]
    lees: Callable[[Opdracht[I], BackofficeAntwoord], str | U]
    bekend: Callable[[Opdracht[I]], str | None] = _niet_bekend


@dataclass(frozen=True)
class Vertaling(Generic[I, U]):
    """How one agency takes one instruction type (see the module docstring)."""

    naar_verzoek: Callable[[Opdracht[I]], HttpVerzoek | U]
    """Instruction -> the agency's request, or an outcome right away when nothing can be sent."""
    lees_antwoord: Callable[[Opdracht[I], BackofficeAntwoord], U]
    """The agency's HTTP answer -> the instrument's outcome."""
    maak_antwoord: Callable[[Opdracht[I], U, datetime], EventData]
    """Outcome -> the contract answer (answered at the given time)."""
    opzoeking: Opzoeking[I, U] | None = None
    """Optional look-up of the agency's reference before the request."""

    def antwoord(
        self, opdracht: Opdracht[I], antwoord: BackofficeAntwoord, beantwoord_op: datetime
    ) -> EventData:
        """The contract answer for the agency's HTTP answer (read, then built)."""
        return self.maak_antwoord(opdracht, self.lees_antwoord(opdracht, antwoord), beantwoord_op)
