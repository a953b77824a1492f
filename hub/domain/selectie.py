"""What the service layer asks a repository for, and the plain rows a check answers with.

These are the terms both sides of a repository speak: the service layer (which owns the
repositories' interfaces, ``hub.service.repositories``) and the adapters that implement them
(``hub.adapters``), which may not import the service layer. So they live here, below both: plain
values, no I/O.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from hub.domain.casus import CasusStatus
from hub.domain.verzoek import VerzoekStatus, VorderingUitkomst
from schemas.casus import Urgentie
from schemas.organisaties import Uitvoerder


class CasusSortering(StrEnum):
    """Order of a casus list; ``-`` means descending. Urgency sorts by severity (normaal < hoog <
    acuut), not alphabetically, and within one urgency the longest waiting first. The casus id
    breaks the last ties, so pages never overlap."""

    INGEDIEND_OP = "ingediend_op"
    INGEDIEND_OP_AFLOPEND = "-ingediend_op"
    URGENTIE = "urgentie"
    URGENTIE_AFLOPEND = "-urgentie"


@dataclass(frozen=True, slots=True)
class CasusFilter:
    """Each given criterion narrows the list; several values of one criterion mean any of them."""

    statussen: tuple[CasusStatus, ...] = ()
    urgenties: tuple[Urgentie, ...] = ()
    organisaties: tuple[Uitvoerder, ...] = ()
    """Casussen in which at least one of these organisations is involved."""
    vanaf: dt.datetime | None = None
    """Submitted at or after this instant."""
    tot: dt.datetime | None = None
    """Submitted before this instant."""


@dataclass(frozen=True, slots=True)
class Pagina:
    nummer: int
    """1-based."""
    grootte: int

    @property
    def offset(self) -> int:
        return (self.nummer - 1) * self.grootte


@dataclass(frozen=True, slots=True)
class DeadLetterFilter:
    """Each given criterion narrows the list; several values of one criterion mean any of them."""

    redencodes: tuple[str, ...] = ()
    origin_topics: tuple[str, ...] = ()
    consumers: tuple[str, ...] = ()
    event_types: tuple[str, ...] = ()
    vanaf: dt.datetime | None = None
    """Read from the dead-letter topic at or after this instant."""
    tot: dt.datetime | None = None
    """Read before this instant."""
    replayed: bool | None = None
    """Only those replayed (True) or never replayed (False)."""
    ids: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Lopend:
    """A time-out on a person at one agency, as the check sees it (no casus, no reasons)."""

    ingangsdatum: dt.date
    einddatum: dt.date
    opgeheven_per: dt.date | None
    maatregelen: tuple[str, ...]
    vorderingen: tuple[str, ...] | None
    """The claims the order named to the agency; ``None``: all of the household's."""
    antwoord: VerzoekStatus = VerzoekStatus.PENDING
    """Where the agency is with the order (never ``refused``: a refused order is not found)."""
    resultaten: tuple[VorderingUitkomst, ...] = ()
    """The agency's answer per claim, where it gave one."""
