"""The hub's check of an information request against the agreements, before anything is sent.

:func:`toets_informatieverzoek` is the one check: the dry run (``POST .../informatieverzoeken/
toets``) answers with it, and the request API (``hub.service.informatie``) runs it before it
records a request, so a request outside the agreements never reaches an agency.

Who may ask on a casus (``verzoeker``): the loket always; an agency when the casus has a request
to it (it takes part in a time-out of the casus). Anyone else: :class:`Verboden` (403). Only
for a casus still open: a refused or closed one (``afgewezen``, ``gesloten``) is
:class:`Conflict` (409): nothing is shared for it any more.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from hub.domain.afspraak import LOKET, Afspraak, Afsprakentabel, Doel, Weigering, beoordeel
from hub.domain.casus import CasusStatus
from hub.domain.verzoek import VerzoekSoort, VerzoekStatus
from hub.service.errors import Conflict, NietGevonden, Ongeldig, Verboden
from hub.service.unit_of_work import UnitOfWork
from schemas.gedeeld import Regel
from schemas.informatie import Gegevenscategorie
from schemas.organisaties import Uitvoerder

AFGEDAAN = frozenset({CasusStatus.AFGEWEZEN, CasusStatus.GESLOTEN})
"""A casus in these states asks nothing any more."""

_TIME_OUT = (VerzoekSoort.OPSCHORTING, VerzoekSoort.VERLENGING, VerzoekSoort.OPHEFFING)
"""The kinds of request that make an agency a party to the casus's time-out."""


@dataclass(frozen=True, slots=True)
class Gevraagd:
    """What is asked of one agency."""

    uitvoerder: Uitvoerder
    categorieen: tuple[Gegevenscategorie, ...]


@dataclass(frozen=True, slots=True)
class Oordeel:
    """One agency's part of a request that is allowed, and the agreement that allows it."""

    uitvoerder: Uitvoerder
    categorieen: tuple[Gegevenscategorie, ...]
    afspraak: Afspraak


@dataclass(frozen=True, slots=True)
class Strijdig:
    """One reason the request is not allowed, with the field it is about."""

    field: str
    message: str
    type: str


class BuitenAfspraak(Ongeldig):
    """The request asks what the agreements do not allow (422), every reason with its field."""

    type = "buiten-afspraak"

    def __init__(self, fouten: Sequence[Strijdig]) -> None:
        super().__init__(fouten[0].message, field=fouten[0].field)
        self.fouten = tuple(fouten)


def _fouten(index: int, weigeringen: Sequence[Weigering]) -> list[Strijdig]:
    return [
        Strijdig(
            field="grondslag" if w.index is None else f"uitvoerders.{index}.categorieen.{w.index}",
            message=w.reden,
            type=w.grond.value,
        )
        for w in weigeringen
    ]


async def verzoeker_op_casus(
    casus_id: str, *, rol_loket: bool, uitvoerder: str | None, uow: UnitOfWork
) -> tuple[str, frozenset[str]]:
    """The requester's organisation code on this casus and the casus's household pseudonyms.

    :class:`NietGevonden` for an unknown casus, :class:`Verboden` for a requester that takes no
    part in it, :class:`Conflict` for a casus refused or closed."""
    async with uow:
        casus = await uow.casussen.get(casus_id)
        if casus is None:
            raise NietGevonden(f"casus {casus_id} not found", field="casus_id")
        verzoeker: str | None = None
        if rol_loket:
            verzoeker = LOKET
        elif uitvoerder is not None:
            verzoeken = await uow.verzoeken.van_casus(casus_id, list(VerzoekStatus))
            # A time-out's request: being asked for information, invited or asked to repay is
            # no part in the casus's time-out.
            if any(v.uitvoerder == uitvoerder and v.soort in _TIME_OUT for v in verzoeken):
                verzoeker = uitvoerder
    if verzoeker is None:
        raise Verboden(f"the requester takes no part in casus {casus_id}", field="casus_id")
    if casus.status in AFGEDAAN:
        raise Conflict(
            f"casus {casus_id} is {casus.status}: no information is shared for it",
            field="casus_id",
        )
    return verzoeker, frozenset(lid.pseudoniem for lid in casus.leden)


async def toets_informatieverzoek(
    casus_id: str,
    *,
    rol_loket: bool,
    uitvoerder: str | None,
    doel: Doel,
    grondslag: Regel,
    gevraagd: Sequence[Gevraagd],
    personen: Sequence[str],
    tabel: Afsprakentabel,
    uow: UnitOfWork,
    op: dt.date,
) -> list[Oordeel]:
    """Whether this request may go out, per agency: the agreement each part relies on, or
    :class:`BuitenAfspraak` naming every category (or the legal ground, or the person) that is
    not allowed and why. Nothing is recorded."""
    verzoeker, leden = await verzoeker_op_casus(
        casus_id, rol_loket=rol_loket, uitvoerder=uitvoerder, uow=uow
    )
    fouten = [
        Strijdig(
            field=f"personen.{i}",
            message=f"{pseudoniem} is no member of the household of casus {casus_id}",
            type="onbekende-persoon",
        )
        for i, pseudoniem in enumerate(personen)
        if pseudoniem not in leden
    ]
    oordelen: list[Oordeel] = []
    for index, deel in enumerate(gevraagd):
        afspraak, weigeringen = beoordeel(
            tabel,
            verzoeker=verzoeker,
            uitvoerder=deel.uitvoerder,
            doel=doel,
            grondslag=grondslag,
            categorieen=deel.categorieen,
            op=op,
        )
        fouten.extend(_fouten(index, weigeringen))
        if afspraak is not None and not weigeringen:
            oordelen.append(Oordeel(deel.uitvoerder, deel.categorieen, afspraak))
    if fouten:
        raise BuitenAfspraak(fouten)
    return oordelen
