"""The time-out routes of the loket's API: order, read, extend, lift."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from hub.bootstrap import Hub
from hub.domain.opschorting import Opschorting
from hub.entrypoints.api import Fouten, HubDep
from hub.entrypoints.identiteit import Beller, Rol, VereisteRol
from hub.entrypoints.opschorting_views import OpschortingView
from hub.service import opschorting as opschorting_service
from hub.service import signalering
from hub.service import wijziging as wijziging_service
from hub.service.commands import DraagOpschortingOp, HefOpschortingOp, VerlengOpschorting

LoketDep = Annotated[Beller, Depends(VereisteRol(Rol.LOKET))]
LezerDep = Annotated[Beller, Depends(VereisteRol(Rol.LOKET, Rol.UITVOERDER))]
"""The loket reads a whole time-out; an agency only its own part of one (404 when it takes no
part: that a time-out exists is itself sensitive)."""

router = APIRouter(
    prefix="/api/v1",
    tags=["opschorting"],
    responses={
        404: {"model": Fouten, "description": "Unknown casus or order."},
        422: {"model": Fouten, "description": "Invalid input; each error names its field."},
    },
)


async def view(opschorting: Opschorting, hub: Hub) -> OpschortingView:
    """The time-out's view, with the registered contact of each agency in its chains."""
    contacten = await signalering.ketencontacten(opschorting, hub.uow(), hub.deps)
    return OpschortingView.of(opschorting, hub.deps.clock(), contacten)


@router.post("/casussen/{casus_id}/opschortingen", status_code=201, response_model=OpschortingView)
async def draag_opschorting_op(
    casus_id: str, body: DraagOpschortingOp, hub: HubDep, beller: LoketDep
) -> OpschortingView:
    """Order a time-out on a casus: every agency in scope gets its own instruction."""
    opschorting_id = await opschorting_service.draag_opschorting_op(
        casus_id, body, hub.uow(), hub.deps, door=beller.door
    )
    opschorting = await opschorting_service.lees_opschorting(opschorting_id, hub.uow(), hub.deps)
    return await view(opschorting, hub)


@router.get("/opschortingen/{opschorting_id}", response_model=OpschortingView)
async def lees_opschorting(opschorting_id: str, hub: HubDep, beller: LezerDep) -> OpschortingView:
    """The chain status: per agency pending, confirmed (with reference) or refused (with why).
    An agency sees only its own requests (and counts of those); 404 for a time-out it takes no
    part in."""
    opschorting = await opschorting_service.lees_opschorting(
        opschorting_id,
        hub.uow(),
        hub.deps,
        uitvoerder=None if beller.heeft(Rol.LOKET) else beller.uitvoerder,
    )
    return await view(opschorting, hub)


@router.post(
    "/opschortingen/{opschorting_id}/verlengingen",
    status_code=201,
    response_model=OpschortingView,
    responses={409: {"model": Fouten, "description": "Lifted or ended already."}},
)
async def verleng_opschorting(
    opschorting_id: str, body: VerlengOpschorting, hub: HubDep, beller: LoketDep
) -> OpschortingView:
    """Extend a running time-out: every agency that did not refuse gets an instruction."""
    await wijziging_service.verleng_opschorting(
        opschorting_id, body, hub.uow(), hub.deps, door=beller.door
    )
    opschorting = await opschorting_service.lees_opschorting(opschorting_id, hub.uow(), hub.deps)
    return await view(opschorting, hub)


@router.post(
    "/opschortingen/{opschorting_id}/opheffing",
    status_code=201,
    response_model=OpschortingView,
    responses={409: {"model": Fouten, "description": "Lifted or ended already."}},
)
async def hef_opschorting_op(
    opschorting_id: str, body: HefOpschortingOp, hub: HubDep, beller: LoketDep
) -> OpschortingView:
    """Lift a running time-out before its end: collection may resume on the lifting date."""
    await wijziging_service.hef_opschorting_op(
        opschorting_id, body, hub.uow(), hub.deps, door=beller.door
    )
    opschorting = await opschorting_service.lees_opschorting(opschorting_id, hub.uow(), hub.deps)
    return await view(opschorting, hub)
