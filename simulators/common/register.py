"""The in-memory claims register every simulated back-office keeps.

Each agency simulator reads its own seed shape into this neutral register, applies its own rules and
answers in its own API shape. The register knows persons (by BSN), their claims, the suspensions
registered so far and the requests already answered (for idempotency).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import threading
from collections.abc import Iterable, Iterator
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
    gegevens: dict[str, Any] = field(default_factory=dict)
    """The claim as the agency records it (its own seed shape), for its query API."""


@dataclass
class Persoon:
    bsn: str = field(repr=False)
    intern_id: str
    naam: str
    vorderingen: dict[str, Vordering] = field(default_factory=dict)
    gegevens: dict[str, Any] = field(default_factory=dict)
    """What else the agency records about the person (its own seed shape, no BSN), for its
    query API: e.g. allowances and income, garnishments and procedures, student finance."""
    afgeschermd: bool = False
    """A protected status (seeded flag): the agency shares nothing about this person."""


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


@dataclass
class Storing:
    """A fault switched on by a test: matching instructions get HTTP ``status`` (500) instead of
    being handled. ``vordering`` matches a request that names that claim, a person who holds it
    or a suspension that covers it; ``sleutel`` matches one request key; neither: every request.
    ``resterend``: how many more requests it hits (``None``: until it is removed)."""

    id: int
    status: int = 500
    vordering: str | None = None
    sleutel: str | None = None
    resterend: int | None = None
    geraakt: int = 0
    """How many requests it answered so far."""


@dataclass(frozen=True)
class Wijzigingen:
    """What changed in a register since the last :meth:`Register.neem_wijzigingen`."""

    teller: int
    personen: dict[str, Persoon]
    """By the person's key (a keyed hash of the BSN, never the BSN)."""
    opschortingen: list[Opschorting]
    antwoorden: dict[str, OpgeslagenAntwoord]
    storingen: list[Storing] | None
    """The whole list when it changed, else ``None``."""


class Register:
    """Persons, claims, suspensions, answered requests and faults of one simulated agency.

    It knows a person by a keyed hash of the BSN (``geheim``), so what it hands to a file never
    holds a BSN in clear. Every change is noted, so :class:`~simulators.common.opslag.Opslag` saves
    only what changed (:meth:`neem_wijzigingen`).
    """

    def __init__(self, personen: Iterable[Persoon] = (), *, geheim: bytes | None = None) -> None:
        self._lock = threading.Lock()
        self._geheim = geheim or secrets.token_bytes(32)
        self._personen: dict[str, Persoon] = {}
        self.opschortingen: list[Opschorting] = []
        """In the order registered; add to it with :meth:`registreer` only (it keeps the
        indexes below)."""
        self._per_referentie: dict[str, Opschorting] = {}
        self._per_sleutel: dict[str, Opschorting] = {}
        self._antwoorden: dict[str, OpgeslagenAntwoord] = {}
        self.storingen: list[Storing] = []
        self._teller = 0
        self._gewijzigde_personen: set[str] = set()
        self._gewijzigde_opschortingen: dict[str, Opschorting] = {}
        self._nieuwe_antwoorden: set[str] = set()
        self._storingen_gewijzigd = False
        for persoon in personen:
            self.voeg_persoon_toe(persoon)
        self.neem_wijzigingen()  # the seed is not a change

    @property
    def lock(self) -> threading.Lock:
        return self._lock

    def sleutel(self, bsn: str) -> str:
        """The key a person is known by: HMAC-SHA256 of the BSN under this register's secret."""
        return hmac.new(self._geheim, bsn.encode(), hashlib.sha256).hexdigest()

    def voeg_persoon_toe(self, persoon: Persoon) -> None:
        if not elfproef(persoon.bsn):
            raise ValueError("bsn fails the elfproef")
        sleutel = self.sleutel(persoon.bsn)
        self._personen[sleutel] = persoon
        self._gewijzigde_personen.add(sleutel)

    def voeg_vordering_toe(self, bsn: str, vordering: Vordering) -> None:
        sleutel = self.sleutel(bsn)
        persoon = self._personen.get(sleutel)
        if persoon is None:
            raise KeyError("unknown person")
        persoon.vorderingen[vordering.nummer] = vordering
        self._gewijzigde_personen.add(sleutel)

    def persoon(self, bsn: str) -> Persoon | None:
        return self._personen.get(self.sleutel(bsn))

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
        self._nieuwe_antwoorden.add(sleutel)

    def registreer(self, opschorting: Opschorting) -> None:
        """A new suspension."""
        self.opschortingen.append(opschorting)
        self._index(opschorting)
        self._gewijzigde_opschortingen[opschorting.referentie] = opschorting

    def opschorting(self, referentie: str) -> Opschorting | None:
        """The suspension with this agency reference, to change (it is saved with the request)."""
        gevonden = self._per_referentie.get(referentie)
        if gevonden is not None:
            self._gewijzigde_opschortingen[referentie] = gevonden
        return gevonden

    def opschorting_met_sleutel(self, sleutel: str) -> Opschorting | None:
        """The suspension registered under this request key (the original request's)."""
        return self._per_sleutel.get(sleutel)

    def _index(self, opschorting: Opschorting) -> None:
        self._per_referentie.setdefault(opschorting.referentie, opschorting)
        self._per_sleutel.setdefault(opschorting.sleutel, opschorting)

    def lopende_opschorting(self, nummer: str, vandaag: date) -> Opschorting | None:
        """The suspension covering claim ``nummer`` that has not ended by ``vandaag`` (it may
        start later), or ``None``."""
        return next(
            (o for o in self.opschortingen if nummer in o.vorderingen and not o.afgelopen(vandaag)),
            None,
        )

    def opgeschorte_vorderingen(self) -> set[str]:
        return {nummer for o in self.opschortingen for nummer in o.vorderingen}

    # --- faults --------------------------------------------------------------------------------

    def zet_storing(
        self,
        *,
        status: int = 500,
        vordering: str | None = None,
        sleutel: str | None = None,
        aantal: int | None = None,
    ) -> Storing:
        nummer = max((s.id for s in self.storingen), default=0) + 1
        storing = Storing(nummer, status, vordering, sleutel, aantal)
        self.storingen.append(storing)
        self._storingen_gewijzigd = True
        return storing

    def verwijder_storingen(self, nummer: int | None = None) -> int:
        """Remove fault ``nummer`` (or all); how many were removed."""
        blijft = [s for s in self.storingen if nummer is not None and s.id != nummer]
        weg = len(self.storingen) - len(blijft)
        self.storingen = blijft
        self._storingen_gewijzigd = True
        return weg

    def storing_voor(self, sleutel: str, verzoek: dict[str, Any]) -> Storing | None:
        """The first fault that hits this request (counted as a hit), or ``None``."""
        for storing in self.storingen:
            if storing.sleutel is not None and storing.sleutel != sleutel:
                continue
            if storing.vordering is not None and not self._betreft(verzoek, storing.vordering):
                continue
            storing.geraakt += 1
            if storing.resterend is not None:
                storing.resterend -= 1
                if storing.resterend <= 0:
                    self.storingen.remove(storing)
            self._storingen_gewijzigd = True
            return storing
        return None

    def _betreft(self, verzoek: dict[str, Any], nummer: str) -> bool:
        """Whether the request names claim ``nummer``, a person who holds it, or a suspension
        that covers it."""
        for tekst in _teksten(verzoek):
            if tekst == nummer:
                return True
            persoon = self._personen.get(self.sleutel(tekst)) if elfproef(tekst) else None
            if persoon is not None and nummer in persoon.vorderingen:
                return True
            opschorting = self._per_referentie.get(tekst)
            if opschorting is not None and nummer in opschorting.vorderingen:
                return True
        return False

    # --- persistence ---------------------------------------------------------------------------

    def neem_wijzigingen(self) -> Wijzigingen:
        """What changed since the last call (and forget it)."""
        wijzigingen = Wijzigingen(
            teller=self._teller,
            personen={s: self._personen[s] for s in self._gewijzigde_personen},
            opschortingen=list(self._gewijzigde_opschortingen.values()),
            antwoorden={s: self._antwoorden[s] for s in self._nieuwe_antwoorden},
            storingen=list(self.storingen) if self._storingen_gewijzigd else None,
        )
        self._gewijzigde_personen.clear()
        self._gewijzigde_opschortingen.clear()
        self._nieuwe_antwoorden.clear()
        self._storingen_gewijzigd = False
        return wijzigingen

    def herstel(
        self,
        *,
        teller: int,
        personen: dict[str, Persoon],
        opschortingen: Iterable[Opschorting],
        antwoorden: dict[str, OpgeslagenAntwoord],
        storingen: Iterable[Storing],
    ) -> None:
        """Put back what a file held (over the seed): nothing counts as changed afterwards."""
        self._teller = teller
        self._personen.update(personen)
        self.opschortingen = []
        self._per_referentie.clear()
        self._per_sleutel.clear()
        for opschorting in opschortingen:
            self.opschortingen.append(opschorting)
            self._index(opschorting)
        self._antwoorden = dict(antwoorden)
        self.storingen = list(storingen)
        self.neem_wijzigingen()


def _teksten(waarde: Any) -> Iterator[str]:
    """Every string in a JSON value."""
    if isinstance(waarde, str):
        yield waarde
    elif isinstance(waarde, dict):
        for v in waarde.values():
            yield from _teksten(v)
    elif isinstance(waarde, list | tuple):
        for v in waarde:
            yield from _teksten(v)
