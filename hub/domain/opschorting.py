"""The time-out (opschorting) aggregate: one order, one chain link per agency.

Pure Python: no I/O. The service layer loads it, calls its methods and saves it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum


class SchakelStatus(StrEnum):
    """Where one agency is in the chain."""

    PENDING = "pending"
    CONFIRMED = "confirmed"
    PARTIALLY_CONFIRMED = "partially_confirmed"
    REFUSED = "refused"


class KetenStatus(StrEnum):
    """Where the whole chain is."""

    PENDING = "pending"
    """At least one agency has not answered."""
    CONFIRMED = "confirmed"
    """Every agency suspended everything in scope."""
    INCOMPLETE = "incomplete"
    """Every agency answered, but not all suspended everything."""


@dataclass(frozen=True, slots=True)
class VorderingUitkomst:
    vordering: str
    opgeschort: bool
    redencode: str | None = None
    toelichting: str | None = None


@dataclass(frozen=True, slots=True)
class Uitkomst:
    """An agency's answer as the domain sees it."""

    instructie_id: str
    status: SchakelStatus
    beantwoord_op: dt.datetime
    referentie: str | None = None
    redencode: str | None = None
    reden: str | None = None
    vorderingen: tuple[VorderingUitkomst, ...] = ()


class OnverwachtAntwoord(ValueError):
    """An answer that does not belong to this chain link."""


@dataclass(slots=True)
class KetenSchakel:
    """One agency in the chain of a time-out."""

    uitvoerder: str
    instructie_id: str
    reageer_uiterlijk: dt.datetime
    vorderingen_in_scope: tuple[str, ...] | None = None
    status: SchakelStatus = SchakelStatus.PENDING
    referentie: str | None = None
    redencode: str | None = None
    reden: str | None = None
    vorderingen: tuple[VorderingUitkomst, ...] = ()
    beantwoord_op: dt.datetime | None = None
    verwerkt_op: dt.datetime | None = None
    """When the hub recorded the answer."""

    def is_late(self, now: dt.datetime) -> bool:
        return self.status is SchakelStatus.PENDING and now > self.reageer_uiterlijk

    def verwerk(self, uitkomst: Uitkomst, nu: dt.datetime) -> bool:
        """Apply the agency's answer. Returns False when it changes nothing (already answered)."""
        if uitkomst.instructie_id != self.instructie_id:
            raise OnverwachtAntwoord(
                f"answer for instruction {uitkomst.instructie_id} does not match "
                f"{self.uitvoerder}'s instruction {self.instructie_id}"
            )
        if uitkomst.status is SchakelStatus.PENDING:
            raise OnverwachtAntwoord("an answer cannot set a link back to pending")
        if self.status is not SchakelStatus.PENDING:
            return False
        self.status = uitkomst.status
        self.referentie = uitkomst.referentie
        self.redencode = uitkomst.redencode
        self.reden = uitkomst.reden
        self.vorderingen = uitkomst.vorderingen
        self.beantwoord_op = uitkomst.beantwoord_op
        self.verwerkt_op = nu
        return True


@dataclass(slots=True)
class Opschorting:
    """A loket time-out order on a casus and the chain of agencies that must apply it."""

    opschorting_id: str
    casus_id: str
    maatregelen: tuple[str, ...]
    ingangsdatum: dt.date
    einddatum: dt.date
    grondslag: str
    reden: str
    opgedragen_op: dt.datetime
    keten: list[KetenSchakel] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.einddatum < self.ingangsdatum:
            raise ValueError("einddatum must not lie before ingangsdatum")

    def schakel(self, uitvoerder: str) -> KetenSchakel:
        for link in self.keten:
            if link.uitvoerder == uitvoerder:
                return link
        raise OnverwachtAntwoord(f"{uitvoerder} is not in the chain of {self.opschorting_id}")

    @property
    def status(self) -> KetenStatus:
        if any(link.status is SchakelStatus.PENDING for link in self.keten):
            return KetenStatus.PENDING
        if all(link.status is SchakelStatus.CONFIRMED for link in self.keten):
            return KetenStatus.CONFIRMED
        return KetenStatus.INCOMPLETE

    @property
    def compleet_op(self) -> dt.datetime | None:
        """When the hub recorded the last answer; None while any agency is pending."""
        if self.status is KetenStatus.PENDING or not self.keten:
            return None
        return max(link.verwerkt_op for link in self.keten if link.verwerkt_op is not None)

    def telling(self) -> dict[str, int]:
        counts = {s.value: 0 for s in SchakelStatus}
        for link in self.keten:
            counts[link.status.value] += 1
        return counts
