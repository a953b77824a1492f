"""The deviation routes (loket).

``POST /api/v1/casussen/{casus_id}/afwijkingen``: record a decision (201, ``Location``);
``GET /api/v1/casussen/{casus_id}/afwijkingen``: the casus's decisions, oldest first;
``GET /api/v1/afwijkingen/{afwijking_id}``: one decision.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response

from hub.entrypoints.afwijking_views import AfwijkingView
from hub.entrypoints.api import Fouten, HubDep
from hub.entrypoints.identiteit import Beller, Rol, VereisteRol
from hub.service import afwijking as afwijking_service
from hub.service.commands import LegAfwijkingVast

LoketDep = Annotated[Beller, Depends(VereisteRol(Rol.LOKET))]

router = APIRouter(
    prefix="/api/v1",
    tags=["afwijking"],
    dependencies=[Depends(VereisteRol(Rol.LOKET))],
    responses={
        404: {"model": Fouten, "description": "Unknown casus or decision."},
        422: {"model": Fouten, "description": "Invalid input; each error names its field."},
    },
)


@router.post(
    "/casussen/{casus_id}/afwijkingen",
    status_code=201,
    response_model=AfwijkingView,
    responses={
        409: {
            "model": Fouten,
            "description": "The casus's status allows no deviation (not yet accepted, refused, "
            "solved or closed); names the status and the ones that allow it.",
        }
    },
)
async def leg_afwijking_vast(
    casus_id: str, body: LegAfwijkingVast, hub: HubDep, beller: LoketDep, response: Response
) -> AfwijkingView:
    """Record an organisation's decision to deviate from a rule for this household: the rule,
    what is done instead and why, who decided under which mandate, optionally the knelpunt it
    points to. Published as ``nl.maatwerk.afwijking.besloten.v1`` and written to the casus's
    audit trail. Free text holding a BSN is refused (422 naming the field)."""
    afwijking_id = await afwijking_service.leg_afwijking_vast(
        casus_id, body, hub.uow(), hub.deps, door=beller.door
    )
    response.headers["Location"] = f"/api/v1/afwijkingen/{afwijking_id}"
    return AfwijkingView.of(await afwijking_service.lees_afwijking(afwijking_id, hub.uow()))


@router.get("/casussen/{casus_id}/afwijkingen", response_model=list[AfwijkingView])
async def afwijkingen_van_casus(casus_id: str, hub: HubDep) -> list[AfwijkingView]:
    """The deviation decisions recorded on the casus, oldest first."""
    return [
        AfwijkingView.of(a) for a in await afwijking_service.afwijkingen_van(casus_id, hub.uow())
    ]


@router.get("/afwijkingen/{afwijking_id}", response_model=AfwijkingView)
async def lees_afwijking(afwijking_id: str, hub: HubDep) -> AfwijkingView:
    """One deviation decision."""
    return AfwijkingView.of(await afwijking_service.lees_afwijking(afwijking_id, hub.uow()))
