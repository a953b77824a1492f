"""The Landelijk Maatwerkregister over the API.

Anyone connected searches and reads it. An organisation enters, replaces and removes the entry of
its own OIN (the one in its certificate); an operator any (403 otherwise, naming ``oin``).
``PUT`` enters or replaces the whole entry, so a retry changes nothing: 201 when the entry is new,
200 when it existed.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Response

from hub.domain.selectie import Pagina
from hub.entrypoints.api import Fouten, HubDep
from hub.entrypoints.identiteit import Beller, Rol, VereisteRol
from hub.entrypoints.register_views import RegisterPagina, RegistratieView, ZoekInRegister
from hub.service import register as service
from schemas.ids import OIN_PATTERN

IedereenDep = Annotated[Beller, Depends(VereisteRol(*Rol))]
"""Any proven caller, whatever its role."""

OinPad = Annotated[str, Path(pattern=OIN_PATTERN, description="The organisation's OIN.")]

router = APIRouter(
    prefix="/api/v1/register",
    tags=["register"],
    dependencies=[Depends(VereisteRol(*Rol))],
    responses={422: {"model": Fouten, "description": "Invalid input; each error names its field."}},
)

_EIGEN: dict[int | str, dict[str, Any]] = {
    403: {"model": Fouten, "description": "Not the caller's own entry (and not an operator)."}
}


async def wijziger(oin: OinPad, beller: IedereenDep) -> service.Wijziger:
    """Who changes the entry of ``oin``: checked before the body is read, so a caller who may not
    change it hears 403 whatever it sent."""
    wie = service.Wijziger(beller.oin, operator=beller.heeft(Rol.OPERATOR))
    wie.mag(oin)
    return wie


WijzigerDep = Annotated[service.Wijziger, Depends(wijziger)]


@router.get("", response_model=RegisterPagina)
async def zoek(vraag: Annotated[ZoekInRegister, Query()], hub: HubDep) -> RegisterPagina:
    """Current entries that pass the filters, by organisation name, one page, with the total."""
    items, totaal = await service.zoek(
        vraag.filter(), Pagina(vraag.pagina, vraag.per_pagina), hub.uow()
    )
    return RegisterPagina(
        totaal=totaal,
        pagina=vraag.pagina,
        per_pagina=vraag.per_pagina,
        items=[RegistratieView.of(r) for r in items],
    )


@router.get(
    "/{oin}",
    response_model=RegistratieView,
    responses={404: {"model": Fouten, "description": "No entry for this OIN."}},
)
async def lees(oin: OinPad, hub: HubDep) -> RegistratieView:
    return RegistratieView.of(await service.lees(oin, hub.uow()))


@router.put("/{oin}", response_model=RegistratieView, status_code=200, responses=_EIGEN)
async def schrijf_in(
    oin: OinPad,
    wie: WijzigerDep,
    body: service.Inschrijving,
    hub: HubDep,
    response: Response,
) -> RegistratieView:
    """Enter or replace the organisation's maatwerkfunctionaris (201 when new)."""
    registratie, nieuw = await service.schrijf_in(oin, body, hub.uow(), wie)
    if nieuw:
        response.status_code = 201
    return RegistratieView.of(registratie)


@router.delete(
    "/{oin}",
    status_code=204,
    responses={
        **_EIGEN,
        404: {"model": Fouten, "description": "No entry for this OIN."},
        409: {"model": Fouten, "description": "The entry was removed already."},
    },
)
async def verwijder(oin: OinPad, wie: WijzigerDep, hub: HubDep) -> Response:
    """Remove the organisation's entry: it leaves the search and the hub's routing."""
    await service.verwijder(oin, None, hub.uow(), wie)
    return Response(status_code=204)
