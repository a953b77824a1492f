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
from datetime import date
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


@dataclass(frozen=True)
class Opschorting:
    """A suspension the back-office registered."""

    referentie: str
    sleutel: str
    personen: tuple[str, ...]
    """Internal ids of the persons, never BSNs."""
    vorderingen: tuple[str, ...]
    van: date
    tot_en_met: date
    maatregelen: tuple[str, ...]


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

    def opgeschorte_vorderingen(self) -> set[str]:
        return {nummer for o in self.opschortingen for nummer in o.vorderingen}
