"""The loket's casus API: submit, read, list, and one ``POST`` per lifecycle step.

Each step is a resource of its own under the casus (``acceptatie``, ``afwijzing``,
``behandeling``, ``opschaling``, ``oplossing``, ``sluiting``) rather than a ``PATCH`` of the
status: every step needs its own body (a reason code, a team, a solution), so each gets a
request model whose validation names the field, and the path says what happens. Each answers the
casus as it is afterwards (200); ``409`` when its status does not allow the step, naming the
current status and the allowed ones.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from hub.bootstrap import INSTRUMENTLIJSTEN
from hub.entrypoints.api import Fouten, HubDep
from hub.entrypoints.casus_views import CasusAangemaakt, CasusPagina, CasusView, HuishoudlidView
from hub.entrypoints.identiteit import Beller, Rol, VereisteRol
from hub.service import casus as casus_service
from hub.service.commands import (
    AccepteerCasus,
    DienCasusIn,
    LosCasusOp,
    NeemCasusInBehandeling,
    SchaalCasusOp,
    SluitCasus,
    WijsCasusAf,
)
from hub.service.queries import ZoekCasussen

LoketDep = Annotated[Beller, Depends(VereisteRol(Rol.LOKET))]
"""The loket only: agencies take part in casussen but do not read them here (403)."""

router = APIRouter(
    prefix="/api/v1",
    tags=["casus"],
    dependencies=[Depends(VereisteRol(Rol.LOKET))],
    responses={
        404: {"model": Fouten, "description": "Unknown casus."},
        422: {"model": Fouten, "description": "Invalid input; each error names its field."},
    },
)

_STAP: dict[int | str, dict[str, Any]] = {
    409: {
        "model": Fouten,
        "description": "The casus's status does not allow this step; names the allowed ones.",
    }
}


@router.post("/casussen", status_code=201, response_model=CasusAangemaakt)
async def dien_casus_in(body: DienCasusIn, hub: HubDep, beller: LoketDep) -> CasusAangemaakt:
    """Submit a casus. BSNs in the body are pseudonymised; the answer never contains them."""
    casus_id = await casus_service.dien_casus_in(body, hub.uow(), hub.deps, door=beller.door)
    casus = (await casus_service.lees_casus(casus_id, hub.uow())).casus
    return CasusAangemaakt(
        casus_id=casus_id,
        status=casus.status,
        huishouden=[HuishoudlidView(pseudoniem=m.pseudoniem, rol=m.rol) for m in casus.leden],
    )


@router.get("/casussen", response_model=CasusPagina)
async def zoek_casussen(vraag: Annotated[ZoekCasussen, Query()], hub: HubDep) -> CasusPagina:
    """Casussen that pass the filters (repeat a parameter for any of several values), one page,
    with the total over all pages. Default order: newest first."""
    return CasusPagina.of(await casus_service.zoek_casussen(vraag, hub.uow()))


@router.get("/casussen/{casus_id}", response_model=CasusView)
async def lees_casus(casus_id: str, hub: HubDep) -> CasusView:
    """The casus: its status and what may follow, its history, and the instruments on it."""
    return await _view(casus_id, hub)


@router.get("/casussen/{casus_id}/audit")
async def lees_audit(casus_id: str, hub: HubDep) -> list[dict[str, Any]]:
    """Who did what to this casus, and when (never a BSN)."""
    return await casus_service.lees_audit(casus_id, hub.uow())


@router.post("/casussen/{casus_id}/acceptatie", response_model=CasusView, responses=_STAP)
async def accepteer_casus(
    casus_id: str, hub: HubDep, beller: LoketDep, body: AccepteerCasus | None = None
) -> CasusView:
    """Take the casus on (``ingediend`` -> ``geaccepteerd``). The body is optional."""
    await casus_service.accepteer_casus(
        casus_id, body or AccepteerCasus(), hub.uow(), hub.deps, door=beller.door
    )
    return await _view(casus_id, hub)


@router.post("/casussen/{casus_id}/afwijzing", response_model=CasusView, responses=_STAP)
async def wijs_casus_af(
    casus_id: str, body: WijsCasusAf, hub: HubDep, beller: LoketDep
) -> CasusView:
    """Refuse the casus with a reason code (``ingediend`` -> ``afgewezen``)."""
    await casus_service.wijs_casus_af(casus_id, body, hub.uow(), hub.deps, door=beller.door)
    return await _view(casus_id, hub)


@router.post("/casussen/{casus_id}/behandeling", response_model=CasusView, responses=_STAP)
async def neem_casus_in_behandeling(
    casus_id: str, body: NeemCasusInBehandeling, hub: HubDep, beller: LoketDep
) -> CasusView:
    """A loket team starts on the casus, or takes it back from the LET (-> ``in_behandeling``)."""
    await casus_service.neem_casus_in_behandeling(
        casus_id, body, hub.uow(), hub.deps, door=beller.door
    )
    return await _view(casus_id, hub)


@router.post(
    "/casussen/{casus_id}/opschaling", response_model=CasusView, responses=_STAP, deprecated=True
)
async def schaal_casus_op(
    casus_id: str, body: SchaalCasusOp, hub: HubDep, beller: LoketDep
) -> CasusView:
    """Deprecated: escalate without a dossier (``in_behandeling`` -> ``opgeschaald``). Use
    ``POST /api/v1/casussen/{casus_id}/escalaties``, which gives the LET its dossier."""
    await casus_service.schaal_casus_op(casus_id, body, hub.uow(), hub.deps, door=beller.door)
    return await _view(casus_id, hub)


@router.post("/casussen/{casus_id}/oplossing", response_model=CasusView, responses=_STAP)
async def los_casus_op(casus_id: str, body: LosCasusOp, hub: HubDep, beller: LoketDep) -> CasusView:
    """Record the solution (``in_behandeling`` or ``opgeschaald`` -> ``opgelost``)."""
    await casus_service.los_casus_op(casus_id, body, hub.uow(), hub.deps, door=beller.door)
    return await _view(casus_id, hub)


@router.post("/casussen/{casus_id}/sluiting", response_model=CasusView, responses=_STAP)
async def sluit_casus(casus_id: str, body: SluitCasus, hub: HubDep, beller: LoketDep) -> CasusView:
    """Close the casus; the reason code must fit its status (``409`` names the ones that do)."""
    await casus_service.sluit_casus(casus_id, body, hub.uow(), hub.deps, door=beller.door)
    return await _view(casus_id, hub)


async def _view(casus_id: str, hub: HubDep) -> CasusView:
    return CasusView.of(await casus_service.lees_casus(casus_id, hub.uow(), INSTRUMENTLIJSTEN))
