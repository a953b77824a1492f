"""The time-out (opschorting) aggregate: one order, one chain link per agency.

Pure Python: no I/O. The service layer loads it, calls its methods and saves it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from zoneinfo import ZoneInfo

NL = ZoneInfo("Europe/Amsterdam")
"""Dates in orders are Dutch calendar days."""


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


def keten_status(keten: list[KetenSchakel]) -> KetenStatus:
    if any(link.status is SchakelStatus.PENDING for link in keten):
        return KetenStatus.PENDING
    if all(link.status is SchakelStatus.CONFIRMED for link in keten):
        return KetenStatus.CONFIRMED
    return KetenStatus.INCOMPLETE


def keten_compleet_op(keten: list[KetenSchakel]) -> dt.datetime | None:
    """When the hub recorded the last answer; None while any agency is pending."""
    if not keten or keten_status(keten) is KetenStatus.PENDING:
        return None
    return max(link.verwerkt_op for link in keten if link.verwerkt_op is not None)


def keten_telling(keten: list[KetenSchakel]) -> dict[str, int]:
    counts = {s.value: 0 for s in SchakelStatus}
    for link in keten:
        counts[link.status.value] += 1
    return counts


class WijzigingSoort(StrEnum):
    VERLENGING = "verlenging"
    OPHEFFING = "opheffing"


class OngeldigeWijziging(ValueError):
    """A change the time-out cannot take (lifted already, ended, nothing to extend)."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass(slots=True)
class Wijziging:
    """An extension or a lifting of a time-out, with its own chain of agency answers."""

    wijziging_id: str
    soort: WijzigingSoort
    reden: str
    gewijzigd_op: dt.datetime
    nieuwe_einddatum: dt.date | None = None
    opheffingsdatum: dt.date | None = None
    keten: list[KetenSchakel] = field(default_factory=list)

    @property
    def status(self) -> KetenStatus:
        return keten_status(self.keten)

    @property
    def compleet_op(self) -> dt.datetime | None:
        return keten_compleet_op(self.keten)

    def telling(self) -> dict[str, int]:
        return keten_telling(self.keten)


@dataclass(slots=True)
class Opschorting:
    """A loket time-out order on a casus and the chain of agencies that must apply it.

    ``einddatum`` is the current last day: an extension moves it. Extensions and liftings are
    ``wijzigingen``, each with a chain of its own; they go to every agency that did not refuse
    the order.
    """

    opschorting_id: str
    casus_id: str
    maatregelen: tuple[str, ...]
    ingangsdatum: dt.date
    einddatum: dt.date
    grondslag: str
    reden: str
    opgedragen_op: dt.datetime
    keten: list[KetenSchakel] = field(default_factory=list)
    wijzigingen: list[Wijziging] = field(default_factory=list)
    opgeheven_per: dt.date | None = None
    verlopen_op: dt.datetime | None = None

    def __post_init__(self) -> None:
        if self.einddatum < self.ingangsdatum:
            raise ValueError("einddatum must not lie before ingangsdatum")

    def schakel(self, uitvoerder: str) -> KetenSchakel:
        for link in self.keten:
            if link.uitvoerder == uitvoerder:
                return link
        raise OnverwachtAntwoord(f"{uitvoerder} is not in the chain of {self.opschorting_id}")

    def schakel_voor(self, uitvoerder: str, instructie_id: str) -> KetenSchakel:
        """The link an answer belongs to: of the order itself or of one of its changes."""
        for keten in (self.keten, *(w.keten for w in self.wijzigingen)):
            for link in keten:
                if link.instructie_id == instructie_id:
                    if link.uitvoerder != uitvoerder:
                        raise OnverwachtAntwoord(
                            f"instruction {instructie_id} was for {link.uitvoerder}, "
                            f"not {uitvoerder}"
                        )
                    return link
        raise OnverwachtAntwoord(f"no instruction {instructie_id} in {self.opschorting_id}")

    @property
    def status(self) -> KetenStatus:
        return keten_status(self.keten)

    @property
    def compleet_op(self) -> dt.datetime | None:
        return keten_compleet_op(self.keten)

    def telling(self) -> dict[str, int]:
        return keten_telling(self.keten)

    @property
    def lopend(self) -> bool:
        """Neither lifted nor expired."""
        return self.opgeheven_per is None and self.verlopen_op is None

    def ontvangers_van_wijziging(self) -> list[KetenSchakel]:
        """The agencies a change goes to: all that did not refuse the order."""
        return [link for link in self.keten if link.status is not SchakelStatus.REFUSED]

    def _controleer_wijzigbaar(self) -> list[KetenSchakel]:
        if self.opgeheven_per is not None:
            raise OngeldigeWijziging(f"the time-out was lifted as of {self.opgeheven_per}")
        if self.verlopen_op is not None:
            raise OngeldigeWijziging(f"the time-out ended on {self.einddatum}")
        ontvangers = self.ontvangers_van_wijziging()
        if not ontvangers:
            raise OngeldigeWijziging("every agency refused the time-out: nothing to change")
        return ontvangers

    def verleng(
        self,
        *,
        wijziging_id: str,
        einddatum: dt.date,
        reden: str,
        nu: dt.datetime,
        instructies: dict[str, str],
        reageer_uiterlijk: dt.datetime,
    ) -> Wijziging:
        """Extend to ``einddatum``; ``instructies`` maps each receiving agency to the id of its
        instruction (see :meth:`ontvangers_van_wijziging`)."""
        ontvangers = self._controleer_wijzigbaar()
        if einddatum <= self.einddatum:
            raise OngeldigeWijziging(
                f"einddatum must lie after the current einddatum {self.einddatum}",
                field="einddatum",
            )
        self.einddatum = einddatum
        return self._voeg_toe(
            Wijziging(
                wijziging_id, WijzigingSoort.VERLENGING, reden, nu, nieuwe_einddatum=einddatum
            ),
            ontvangers,
            instructies,
            reageer_uiterlijk,
        )

    def hef_op(
        self,
        *,
        wijziging_id: str,
        opheffingsdatum: dt.date,
        reden: str,
        nu: dt.datetime,
        instructies: dict[str, str],
        reageer_uiterlijk: dt.datetime,
    ) -> Wijziging:
        """Lift the time-out: collection may resume on ``opheffingsdatum``."""
        ontvangers = self._controleer_wijzigbaar()
        if opheffingsdatum > self.einddatum:
            raise OngeldigeWijziging(
                f"opheffingsdatum must not lie after the einddatum {self.einddatum}",
                field="opheffingsdatum",
            )
        self.opgeheven_per = opheffingsdatum
        return self._voeg_toe(
            Wijziging(
                wijziging_id, WijzigingSoort.OPHEFFING, reden, nu, opheffingsdatum=opheffingsdatum
            ),
            ontvangers,
            instructies,
            reageer_uiterlijk,
        )

    def _voeg_toe(
        self,
        wijziging: Wijziging,
        ontvangers: list[KetenSchakel],
        instructies: dict[str, str],
        reageer_uiterlijk: dt.datetime,
    ) -> Wijziging:
        missing = {link.uitvoerder for link in ontvangers} - instructies.keys()
        if missing:
            raise ValueError(f"no instruction id for {sorted(missing)}")
        wijziging.keten = [
            KetenSchakel(
                uitvoerder=link.uitvoerder,
                instructie_id=instructies[link.uitvoerder],
                reageer_uiterlijk=reageer_uiterlijk,
                vorderingen_in_scope=link.vorderingen_in_scope,
            )
            for link in ontvangers
        ]
        self.wijzigingen.append(wijziging)
        return wijziging

    def verloop(self, nu: dt.datetime) -> bool:
        """Record that the time-out ran out: it is the day after einddatum in the Netherlands.
        True when it did now."""
        if not self.lopend or nu.astimezone(NL).date() <= self.einddatum:
            return False
        self.verlopen_op = nu
        return True
