"""The loket's HTTP API: the time-out routes, and what every router shares (the hub dependency,
the error answers). The casus routes are in ``hub.entrypoints.casus_api``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from hub.bootstrap import Hub
from hub.entrypoints.views import Fouten, OpschortingView
from hub.service import opschorting as opschorting_service
from hub.service import wijziging as wijziging_service
from hub.service.commands import (
    DraagOpschortingOp,
    HefOpschortingOp,
    VerlengOpschorting,
)
from hub.service.errors import HubError

router = APIRouter(
    prefix="/api/v1",
    responses={
        404: {"model": Fouten, "description": "Unknown casus or order."},
        422: {"model": Fouten, "description": "Invalid input; each error names its field."},
    },
)


def get_hub(request: Request) -> Hub:
    hub: Hub = request.app.state.hub
    return hub


HubDep = Annotated[Hub, Depends(get_hub)]


@router.post("/casussen/{casus_id}/opschortingen", status_code=201, response_model=OpschortingView)
async def draag_opschorting_op(
    casus_id: str, body: DraagOpschortingOp, hub: HubDep
) -> OpschortingView:
    """Order a time-out on a casus: every agency in scope gets its own instruction."""
    opschorting_id = await opschorting_service.draag_opschorting_op(
        casus_id, body, hub.uow(), hub.deps
    )
    opschorting = await opschorting_service.lees_opschorting(opschorting_id, hub.uow(), hub.deps)
    return OpschortingView.of(opschorting, hub.deps.clock())


@router.get("/opschortingen/{opschorting_id}", response_model=OpschortingView)
async def lees_opschorting(opschorting_id: str, hub: HubDep) -> OpschortingView:
    """The chain status: per agency pending, confirmed (with reference) or refused (with why)."""
    opschorting = await opschorting_service.lees_opschorting(opschorting_id, hub.uow(), hub.deps)
    return OpschortingView.of(opschorting, hub.deps.clock())


@router.post(
    "/opschortingen/{opschorting_id}/verlengingen",
    status_code=201,
    response_model=OpschortingView,
    responses={409: {"model": Fouten, "description": "Lifted or ended already."}},
)
async def verleng_opschorting(
    opschorting_id: str, body: VerlengOpschorting, hub: HubDep
) -> OpschortingView:
    """Extend a running time-out: every agency that did not refuse gets an instruction."""
    await wijziging_service.verleng_opschorting(opschorting_id, body, hub.uow(), hub.deps)
    opschorting = await opschorting_service.lees_opschorting(opschorting_id, hub.uow(), hub.deps)
    return OpschortingView.of(opschorting, hub.deps.clock())


@router.post(
    "/opschortingen/{opschorting_id}/opheffing",
    status_code=201,
    response_model=OpschortingView,
    responses={409: {"model": Fouten, "description": "Lifted or ended already."}},
)
async def hef_opschorting_op(
    opschorting_id: str, body: HefOpschortingOp, hub: HubDep
) -> OpschortingView:
    """Lift a running time-out before its end: collection may resume on the lifting date."""
    await wijziging_service.hef_opschorting_op(opschorting_id, body, hub.uow(), hub.deps)
    opschorting = await opschorting_service.lees_opschorting(opschorting_id, hub.uow(), hub.deps)
    return OpschortingView.of(opschorting, hub.deps.clock())


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(HubError)
    async def _hub_error(_: Request, exc: HubError) -> JSONResponse:
        return JSONResponse(
            status_code=exc.status_code,
            content={"detail": [{"field": exc.field, "message": exc.message}]},
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {
                "field": ".".join(str(p) for p in err["loc"] if p != "body") or "body",
                "message": err["msg"],
                "type": err["type"],
            }
            for err in exc.errors()
        ]
        return JSONResponse(status_code=422, content={"detail": errors})
