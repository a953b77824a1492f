"""How the casus view lists the instruments on a casus: one :class:`Instrumentlijst` per kind,
defined by its instrument, joined as data in ``hub.bootstrap.INSTRUMENTLIJSTEN``.

So an instrument joins the casus view with one entry in that table, as its translations join the
message bus: the casus service and its view name no instrument (``hub.service.casus.lees_casus``
asks each list for its ids; ``hub.entrypoints.casus_views`` documents each key in the API)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

from hub.service.unit_of_work import UnitOfWork

Ids = Callable[[UnitOfWork, str], Awaitable[list[str]]]
"""The ids of this kind of instrument on a casus, in the unit of work the casus is read in."""


@dataclass(frozen=True, slots=True)
class Instrumentlijst:
    naam: str
    """Its key in the casus view's ``instrumenten`` (``opschortingen``, ``escalaties``, ...)."""
    beschrijving: str
    """What the list holds and in what order: the API's description of that key."""
    ids: Ids


def lijsttabel(*lijsten: Instrumentlijst) -> tuple[Instrumentlijst, ...]:
    """The instruments' lists as one table. Two lists under one key is a wiring error, raised at
    start rather than letting one silently win."""
    namen: set[str] = set()
    for lijst in lijsten:
        if lijst.naam in namen:
            raise ValueError(f"the casus view lists {lijst.naam} already")
        namen.add(lijst.naam)
    return lijsten


async def instrumenten(
    lijsten: Iterable[Instrumentlijst], uow: UnitOfWork, casus_id: str
) -> dict[str, list[str]]:
    return {lijst.naam: await lijst.ids(uow, casus_id) for lijst in lijsten}
