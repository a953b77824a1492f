"""Handlers for the deviation (afwijkingsbevoegdheid): record a decision on a casus, read it.

The loket records a deviation decision that an organisation taking part in the casus took under
its mandate. The decision is checked against the casus (its status, its household) by the
aggregate (``hub.domain.afwijking``); the message bus (``hub.service.berichten.afwijking``) turns
it into ``nl.maatwerk.afwijking.besloten.v1`` and the audit entry in the same transaction.
"""

from __future__ import annotations

import uuid

from hub.domain.afwijking import (
    Afwijking,
    Besluitnemer,
    OngeldigeAfwijking,
    Regel,
)
from hub.service.commands import LegAfwijkingVast
from hub.service.deps import Deps
from hub.service.errors import Conflict, NietGevonden, Ongeldig
from hub.service.instrumentlijst import Instrumentlijst
from hub.service.unit_of_work import UnitOfWork


def weiger(exc: OngeldigeAfwijking) -> Exception:
    """A rule broken by the input names its field (422); a casus whose status forbids a
    deviation is a conflict (409) whose message names the status and the allowed ones."""
    if exc.field is not None:
        return Ongeldig(str(exc), field=exc.field)
    return Conflict(str(exc), field="casus_id")


async def leg_afwijking_vast(
    casus_id: str, cmd: LegAfwijkingVast, uow: UnitOfWork, deps: Deps, *, door: str
) -> str:
    """Record a deviation decision on a casus; ``door`` is the proven caller (the actor in the
    audit trail). The casus row is locked, so the decision cannot slip in beside a closing.
    Returns the decision's id."""
    now = deps.clock()
    async with uow:
        casus = await uow.casussen.get(casus_id, for_update=True)
        if casus is None:
            raise NietGevonden(f"casus {casus_id} not found", field="casus_id")
        partij = cmd.besloten_door.partij
        try:
            afwijking = Afwijking.besluit_vast(
                afwijking_id=str(uuid.uuid4()),
                casus_id=casus_id,
                casus_status=casus.status,
                huishouden=[lid.pseudoniem for lid in casus.leden],
                regel=Regel(
                    regeling=cmd.regel.regeling,
                    artikel=cmd.regel.artikel,
                    bwb_id=cmd.regel.bwb_id,
                    omschrijving=cmd.regel.omschrijving,
                ),
                afwijking=cmd.afwijking,
                motivering=cmd.motivering,
                besloten_door=Besluitnemer(
                    oin=partij.oin,
                    naam=partij.naam,
                    soort=partij.soort.value,
                    functie=cmd.besloten_door.functie,
                ),
                mandaat=cmd.mandaat,
                betrokkenen=tuple(cmd.betrokkenen),
                geldig_van=cmd.geldigheid.ingangsdatum if cmd.geldigheid else None,
                geldig_tot=cmd.geldigheid.einddatum if cmd.geldigheid else None,
                besluitdatum=cmd.besluitdatum,
                knelpunt_id=str(cmd.knelpunt_id) if cmd.knelpunt_id is not None else None,
                door=door,
                op=now,
            )
        except OngeldigeAfwijking as exc:
            raise weiger(exc) from exc
        await uow.afwijkingen.add(afwijking)
        await uow.commit()
    return afwijking.afwijking_id


async def lees_afwijking(afwijking_id: str, uow: UnitOfWork) -> Afwijking:
    async with uow:
        afwijking = await uow.afwijkingen.get(afwijking_id)
    if afwijking is None:
        raise NietGevonden(f"afwijking {afwijking_id} not found", field="afwijking_id")
    return afwijking


async def afwijkingen_van(casus_id: str, uow: UnitOfWork) -> list[Afwijking]:
    """Every deviation decision on a casus, in the order they were recorded."""
    async with uow:
        if await uow.casussen.get(casus_id) is None:
            raise NietGevonden(f"casus {casus_id} not found", field="casus_id")
        return await uow.afwijkingen.van_casus(casus_id)


async def _op_casus(uow: UnitOfWork, casus_id: str) -> list[str]:
    return [a.afwijking_id for a in await uow.afwijkingen.van_casus(casus_id)]


INSTRUMENTLIJST = Instrumentlijst(
    "afwijkingen",
    "Ids of the deviation decisions recorded on it, oldest first (GET /api/v1/afwijkingen/{id}).",
    _op_casus,
)
"""The casus view's list of deviation decisions."""
