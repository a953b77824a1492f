"""Agreements as data: which agency may give which categories, for which purpose, to whom.

An agreement (``Afspraak``) is versioned: its ``kenmerk`` stays, each change is a new ``versie``
with its own validity. The table (``Afsprakentabel``) holds every version; the check uses the
one in force on the day asked. For one agency, purpose and receiver at most one agreement is in
force on any day (the table refuses overlaps), so a check never has to choose.

:func:`beoordeel` is the hub's check of an information request against the table: pure, it
returns every refusal (``Weigering``), each naming the category (or the legal ground) and why.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from schemas.gedeeld import Regel
from schemas.informatie import Gegevenscategorie, Weigeringsgrond
from schemas.organisaties import Uitvoerder

LOKET = "loket"


class Doel(StrEnum):
    """Why information is asked: the purposes the agreements know."""

    SCHULDENOVERZICHT = "schuldenoverzicht"
    """The household's open claims and collection, across the chain (before a time-out)."""
    OPSCHORTING = "opschorting"
    """Preparing or checking a time-out: which claims and measures it must cover."""
    MAATWERKOPLOSSING = "maatwerkoplossing"
    """Designing a tailored solution for the household (arrangement, set-off, remission)."""


@dataclass(frozen=True, slots=True)
class Afspraak:
    """One version of an agreement: ``verstrekker`` may give ``categorieen`` to ``ontvangers``
    for ``doel`` on ``grondslag``, from ``geldig_vanaf`` up to and including ``geldig_tot``."""

    kenmerk: str
    versie: int
    geldig_vanaf: dt.date
    geldig_tot: dt.date | None
    verstrekker: Uitvoerder
    ontvangers: frozenset[str]
    doel: Doel
    grondslag: Regel
    categorieen: tuple[Gegevenscategorie, ...]

    @property
    def naam(self) -> str:
        return f"{self.kenmerk} v{self.versie}"

    def geldt_op(self, dag: dt.date) -> bool:
        return self.geldig_vanaf <= dag and (self.geldig_tot is None or dag <= self.geldig_tot)

    def overlapt(self, ander: Afspraak) -> bool:
        """Whether the two are in force on a common day."""
        return (self.geldig_tot is None or ander.geldig_vanaf <= self.geldig_tot) and (
            ander.geldig_tot is None or self.geldig_vanaf <= ander.geldig_tot
        )


class OngeldigeTabel(ValueError):
    """The agreements contradict each other."""


@dataclass(frozen=True, slots=True)
class Afsprakentabel:
    """Every version of every agreement, as one versioned file holds them."""

    editie: str
    """Which edition of the file (it changes with every change of an agreement)."""
    afspraken: tuple[Afspraak, ...]

    def __post_init__(self) -> None:
        gezien: dict[tuple[str, int], Afspraak] = {}
        for a in self.afspraken:
            if (a.kenmerk, a.versie) in gezien:
                raise OngeldigeTabel(f"{a.naam} appears twice")
            gezien[(a.kenmerk, a.versie)] = a
        for i, a in enumerate(self.afspraken):
            for b in self.afspraken[i + 1 :]:
                if a.kenmerk == b.kenmerk and a.overlapt(b):
                    raise OngeldigeTabel(f"{a.naam} and {b.naam} are in force on a common day")
                gedeeld = a.ontvangers & b.ontvangers
                if (
                    a.verstrekker == b.verstrekker
                    and a.doel == b.doel
                    and gedeeld
                    and a.overlapt(b)
                ):
                    raise OngeldigeTabel(
                        f"{a.naam} and {b.naam} both let {a.verstrekker} give to "
                        f"{', '.join(sorted(gedeeld))} for {a.doel} on a common day"
                    )

    def zoek(
        self,
        *,
        verstrekker: Uitvoerder | None = None,
        doel: Doel | None = None,
        op: dt.date | None = None,
    ) -> list[Afspraak]:
        """The versions that match, by kenmerk then version."""
        return sorted(
            (
                a
                for a in self.afspraken
                if (verstrekker is None or a.verstrekker == verstrekker)
                and (doel is None or a.doel == doel)
                and (op is None or a.geldt_op(op))
            ),
            key=lambda a: (a.kenmerk, a.versie),
        )

    def versies(self, kenmerk: str) -> list[Afspraak]:
        """Every version of one agreement, oldest first (empty when unknown)."""
        return sorted((a for a in self.afspraken if a.kenmerk == kenmerk), key=lambda a: a.versie)

    def geldend(
        self, verstrekker: Uitvoerder, doel: Doel, ontvanger: str, op: dt.date
    ) -> Afspraak | None:
        """The agreement in force on ``op`` that lets ``verstrekker`` give to ``ontvanger`` for
        ``doel`` (at most one: the table refuses overlaps)."""
        for a in self.zoek(verstrekker=verstrekker, doel=doel, op=op):
            if ontvanger in a.ontvangers:
                return a
        return None


@dataclass(frozen=True, slots=True)
class Weigering:
    """Why (part of) a request to one agency is not allowed. ``categorie`` None: the whole
    request to that agency (the legal ground, or no agreement at all)."""

    categorie: Gegevenscategorie | None
    index: int | None
    """The category's place in the request, to name the field."""
    grond: Weigeringsgrond
    reden: str


def _normaal(tekst: str | None) -> str:
    return " ".join((tekst or "").split()).casefold()


def dekt(afgesproken: Regel, gevraagd: Regel) -> bool:
    """Whether the legal ground asked is the agreement's: the same regulation (by BWB id when
    both name one, else by name) and, when the agreement names an article, the same article."""
    if afgesproken.bwb_id and gevraagd.bwb_id:
        zelfde = afgesproken.bwb_id == gevraagd.bwb_id
    else:
        zelfde = _normaal(afgesproken.regeling) == _normaal(gevraagd.regeling)
    if not zelfde:
        return False
    return afgesproken.artikel is None or _normaal(afgesproken.artikel) == _normaal(
        gevraagd.artikel
    )


def _grond_tekst(regel: Regel) -> str:
    return f"{regel.regeling}, {regel.artikel}" if regel.artikel else regel.regeling


def beoordeel(
    tabel: Afsprakentabel,
    *,
    verzoeker: str,
    uitvoerder: Uitvoerder,
    doel: Doel,
    grondslag: Regel,
    categorieen: Sequence[Gegevenscategorie],
    op: dt.date,
) -> tuple[Afspraak | None, list[Weigering]]:
    """The agreement this request relies on, and every reason it is not allowed (empty: it is).

    Refused: every category when no agreement in force lets ``uitvoerder`` give to
    ``verzoeker`` for ``doel``; the request as a whole when its legal ground is not the
    agreement's; each category the agreement does not list."""
    afspraak = tabel.geldend(uitvoerder, doel, verzoeker, op)
    if afspraak is None:
        andere = tabel.zoek(verstrekker=uitvoerder, doel=doel, op=op)
        waarom = (
            f"not a receiver in {', '.join(a.naam for a in andere)}"
            if andere
            else f"no agreement in force on {op.isoformat()}"
        )
        return None, [
            Weigering(
                c,
                i,
                Weigeringsgrond.BUITEN_AFSPRAAK,
                f"{uitvoerder} may not give {c} to {verzoeker} for {doel}: {waarom}",
            )
            for i, c in enumerate(categorieen)
        ]
    weigeringen: list[Weigering] = []
    if not dekt(afspraak.grondslag, grondslag):
        weigeringen.append(
            Weigering(
                None,
                None,
                Weigeringsgrond.GEEN_GRONDSLAG,
                f"{uitvoerder} gives for {doel} on {_grond_tekst(afspraak.grondslag)}, not on "
                f"{_grond_tekst(grondslag)} (agreement {afspraak.naam})",
            )
        )
    weigeringen.extend(
        Weigering(
            c,
            i,
            Weigeringsgrond.BUITEN_AFSPRAAK,
            f"{uitvoerder} may not give {c} for {doel}: not in agreement {afspraak.naam}",
        )
        for i, c in enumerate(categorieen)
        if c not in afspraak.categorieen
    )
    return afspraak, weigeringen
