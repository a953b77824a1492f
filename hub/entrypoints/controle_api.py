"""Check before collecting: an agency asks whether a time-out is in force for a person at that
agency (POST: the person never goes in a URL), and the hub's public key to seal a BSN with."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from hub.adapters.telemetry import current_traceparent
from hub.entrypoints.api import Fouten, HubDep
from hub.entrypoints.controle_views import ControleView, SleutelView
from hub.entrypoints.identiteit import Beller, Rol, VereisteRol
from hub.service import controle as controle_service
from schemas.tracing import TRACEPARENT, trace_id_of

UitvoerderDep = Annotated[Beller, Depends(VereisteRol(Rol.UITVOERDER))]

router = APIRouter(
    prefix="/api/v1",
    tags=["controle"],
    responses={422: {"model": Fouten, "description": "Invalid input; each error names its field."}},
)


@router.post("/opschortingen/controle", response_model=ControleView)
async def controleer_opschorting(
    body: controle_service.ControleerOpschorting,
    request: Request,
    hub: HubDep,
    beller: UitvoerderDep,
) -> ControleView:
    """Is a time-out in force for this person at my agency, for which measures, until when?
    Only the periods and measures at the asking agency; nothing about the casus. An unknown
    person is ``in_force: false``. Every check is logged as a processing activity."""
    assert beller.uitvoerder is not None
    controle = await controle_service.controleer(
        body,
        hub.uow(),
        hub.deps,
        uitvoerder=beller.uitvoerder,
        oin=beller.oin,
        trace_id=trace_id_of(request.headers.get(TRACEPARENT))
        or trace_id_of(current_traceparent()),
    )
    return ControleView.of(controle)


@router.get("/sleutels/hub", response_model=SleutelView)
async def hub_sleutel(hub: HubDep, beller: UitvoerderDep) -> SleutelView:
    """The hub's X25519 public key: seal a BSN for the hub with it (``schemas.versleuteling``)."""
    return SleutelView(public_key_pem=hub.deps.secrets.publieke_bsn_sleutel.decode())
