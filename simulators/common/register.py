"""The in-memory claims register every simulated back-office keeps.

Each agency simulator reads its own seed shape into this neutral register, applies its own rules and
answers in its own API shape. The register knows persons (by BSN), their claims, the suspensions
registered so far and the requests already answered (for idempotency).
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import Any


def elfproef(bsn: str) -> bool:
    """True when ``bsn`` is nine digits that pass the 11-check."""
    if len(bsn) != 9 or not bsn.isdigit():
        return False
    digits = [int(c) for c in bsn]
    total = sum(d * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True)) - digits[8]
    return total % 11 == 0


@dataclass
class Vordering:
    """One claim of the agency on a person."""

    nummer: str
    soort: str
    bedrag: str
    in_beroep: bool = False


@dataclass
class Persoon:
    bsn: str = field(repr=False)
    intern_id: str
    naam: str
    vorderingen: dict[str, Vordering] = field(default_factory=dict)


class WijzigingSoort(StrEnum):
    VERLENGING = "verlenging"
    OPHEFFING = "opheffing"


@dataclass(frozen=True)
class Wijziging:
    """A change the back-office made to a registered suspension."""

    referentie: str
    """The agency's own reference of the change."""
    sleutel: str
    """The request key it was made under (idempotency)."""
    soort: WijzigingSoort
    tot_en_met: date
    """The suspension's last day after the change."""


@dataclass
class Opschorting:
    """A suspension the back-office registered, with its changes (extension, lifting).

    Only changed under the register's lock (see ``Simulator.idempotent``).
    """

    referentie: str
    sleutel: str
    personen: tuple[str, ...]
    """Internal ids of the persons, never BSNs."""
    vorderingen: tuple[str, ...]
    van: date
    tot_en_met: date
    """The last day of the suspension as it stands now (inclusive)."""
    maatregelen: tuple[str, ...]
    oorspronkelijk_tot_en_met: date | None = None
    """The last day as first registered (set on creation)."""
    opgeheven_per: date | None = None
    """Set when lifted: the first day on which collection may resume."""
    wijzigingen: list[Wijziging] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.oorspronkelijk_tot_en_met is None:
            self.oorspronkelijk_tot_en_met = self.tot_en_met

    @property
    def opgeheven(self) -> bool:
        return self.opgeheven_per is not None

    def afgelopen(self, vandaag: date) -> bool:
        """Lifted, or its last day lies before ``vandaag``."""
        return self.opgeheven or self.tot_en_met < vandaag

    def verleng(self, tot_en_met: date, *, referentie: str, sleutel: str) -> Wijziging:
        if self.opgeheven:
            raise ValueError("a lifted suspension cannot be extended")
        if tot_en_met <= self.tot_en_met:
            raise ValueError("an extension must end later than the suspension does now")
        self.tot_en_met = tot_en_met
        return self._noteer(referentie, sleutel, WijzigingSoort.VERLENGING)

    def hef_op(self, per: date, *, referentie: str, sleutel: str) -> Wijziging:
        """End the suspension: collection may resume on ``per`` (the last day is the day before;
        before ``van`` it never takes effect)."""
        if self.opgeheven:
            raise ValueError("the suspension was lifted before")
        if per > self.tot_en_met + timedelta(days=1):
            raise ValueError("the suspension ends before that date by itself")
        self.opgeheven_per = per
        self.tot_en_met = per - timedelta(days=1)
        return self._noteer(referentie, sleutel, WijzigingSoort.OPHEFFING)

    def _noteer(self, referentie: str, sleutel: str, soort: WijzigingSoort) -> Wijziging:
        wijziging = Wijziging(referentie, sleutel, soort, self.tot_en_met)
        self.wijzigingen.append(wijziging)
        return wijziging


@dataclass(frozen=True)
class OpgeslagenAntwoord:
    vingerafdruk: str
    status: int
    body: dict[str, Any]


class SleutelConflict(Exception):
    """The request key was used before with different content."""


def vingerafdruk(verzoek: dict[str, Any]) -> str:
    """A stable hash of a request body (key order does not matter)."""
    canon = json.dumps(verzoek, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canon.encode()).hexdigest()


class Register:
    """Persons, claims, suspensions and answered requests of one simulated agency."""

    def __init__(self, personen: Iterable[Persoon] = ()) -> None:
        self._lock = threading.Lock()
        self._personen: dict[str, Persoon] = {}
        self.opschortingen: list[Opschorting] = []
        self._antwoorden: dict[str, OpgeslagenAntwoord] = {}
        self._teller = 0
        for persoon in personen:
            self.voeg_persoon_toe(persoon)

    @property
    def lock(self) -> threading.Lock:
        return self._lock

    def voeg_persoon_toe(self, persoon: Persoon) -> None:
        if not elfproef(persoon.bsn):
            raise ValueError("bsn fails the elfproef")
        self._personen[persoon.bsn] = persoon

    def voeg_vordering_toe(self, bsn: str, vordering: Vordering) -> None:
        persoon = self._personen.get(bsn)
        if persoon is None:
            raise KeyError("unknown person")
        persoon.vorderingen[vordering.nummer] = vordering

    def persoon(self, bsn: str) -> Persoon | None:
        return self._personen.get(bsn)

    @property
    def aantal_personen(self) -> int:
        return len(self._personen)

    def volgnummer(self) -> int:
        self._teller += 1
        return self._teller

    def eerder_antwoord(self, sleutel: str, verzoek: dict[str, Any]) -> OpgeslagenAntwoord | None:
        """The stored answer for ``sleutel``; raises :class:`SleutelConflict` on other content."""
        bekend = self._antwoorden.get(sleutel)
        if bekend is None:
            return None
        if bekend.vingerafdruk != vingerafdruk(verzoek):
            raise SleutelConflict(sleutel)
        return bekend

    def bewaar_antwoord(
        self, sleutel: str, verzoek: dict[str, Any], status: int, body: dict[str, Any]
    ) -> None:
        self._antwoorden[sleutel] = OpgeslagenAntwoord(vingerafdruk(verzoek), status, body)

    def opschorting(self, referentie: str) -> Opschorting | None:
        """The suspension with this agency reference."""
        return next((o for o in self.opschortingen if o.referentie == referentie), None)

    def opschorting_met_sleutel(self, sleutel: str) -> Opschorting | None:
        """The suspension registered under this request key (the original request's)."""
        return next((o for o in self.opschortingen if o.sleutel == sleutel), None)

    def opgeschorte_vorderingen(self) -> set[str]:
        return {nummer for o in self.opschortingen for nummer in o.vorderingen}
