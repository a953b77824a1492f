"""The agreement routes: read the agreement table, and check an information request against it.

``GET /api/v1/afspraken`` (filters ``uitvoerder``, ``doel``, ``geldig_op``) and
``GET /api/v1/afspraken/{kenmerk}`` (every version) for the loket, agencies and operators;
``POST /api/v1/casussen/{casus_id}/informatieverzoeken/toets`` for the loket and agencies: a dry
run of the check every information request will pass (``hub.service.afspraken``).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse

from hub.domain.afspraak import Doel
from hub.domain.opschorting import NL
from hub.entrypoints.afspraak_views import (
    AfspraakView,
    AfsprakenLijst,
    ToetsInformatieverzoek,
    ToetsUitslag,
    UitvoerderOordeel,
)
from hub.entrypoints.api import Fouten, HubDep
from hub.entrypoints.identiteit import Beller, Rol, VereisteRol
from hub.service.afspraken import BuitenAfspraak, toets_informatieverzoek
from hub.service.errors import NietGevonden
from hub.service.invoer import Dag
from schemas.organisaties import Uitvoerder

LezerDep = Annotated[Beller, Depends(VereisteRol(Rol.LOKET, Rol.UITVOERDER, Rol.OPERATOR))]
VerzoekerDep = Annotated[Beller, Depends(VereisteRol(Rol.LOKET, Rol.UITVOERDER))]

router = APIRouter(
    prefix="/api/v1",
    tags=["afspraken"],
    responses={422: {"model": Fouten, "description": "Invalid input; each error names its field."}},
)


@router.get("/afspraken", response_model=AfsprakenLijst)
async def lijst_afspraken(
    hub: HubDep,
    _: LezerDep,
    uitvoerder: Annotated[Uitvoerder | None, Query(description="The agency that gives.")] = None,
    doel: Annotated[Doel | None, Query(description="The purpose.")] = None,
    geldig_op: Annotated[
        Dag | None, Query(description="Only the versions in force on this day.")
    ] = None,
) -> AfsprakenLijst:
    """The agreement table: every version of every agreement, by kenmerk then version."""
    tabel = hub.afspraken
    return AfsprakenLijst(
        editie=tabel.editie,
        items=[
            AfspraakView.of(a) for a in tabel.zoek(verstrekker=uitvoerder, doel=doel, op=geldig_op)
        ],
    )


@router.get(
    "/afspraken/{kenmerk}",
    response_model=AfsprakenLijst,
    responses={404: {"model": Fouten, "description": "Unknown agreement."}},
)
async def lees_afspraak(kenmerk: str, hub: HubDep, _: LezerDep) -> AfsprakenLijst:
    """Every version of one agreement, oldest first."""
    versies = hub.afspraken.versies(kenmerk)
    if not versies:
        raise NietGevonden(f"agreement {kenmerk} not found", field="kenmerk")
    return AfsprakenLijst(editie=hub.afspraken.editie, items=[AfspraakView.of(a) for a in versies])


@router.post(
    "/casussen/{casus_id}/informatieverzoeken/toets",
    response_model=ToetsUitslag,
    responses={
        403: {"model": Fouten, "description": "The requester takes no part in the casus."},
        404: {"model": Fouten, "description": "Unknown casus."},
        409: {"model": Fouten, "description": "The casus is refused or closed."},
    },
)
async def toets_verzoek(
    casus_id: str, body: ToetsInformatieverzoek, hub: HubDep, beller: VerzoekerDep
) -> Any:
    """Would this information request be allowed? 200 with the agreement each agency's part
    relies on; 422 naming every category (``uitvoerders.1.categorieen.0``), legal ground or
    person that is not, and why. Nothing is recorded or sent."""
    op = hub.now().astimezone(NL).date()
    try:
        oordelen = await toets_informatieverzoek(
            casus_id,
            rol_loket=beller.heeft(Rol.LOKET),
            uitvoerder=beller.uitvoerder,
            doel=body.doel,
            grondslag=body.grondslag,
            gevraagd=body.gevraagd(),
            personen=body.personen,
            tabel=hub.afspraken,
            uow=hub.uow(),
            op=op,
        )
    except BuitenAfspraak as exc:
        return JSONResponse(
            status_code=422,
            content={
                "detail": [
                    {"field": f.field, "message": f.message, "type": f.type} for f in exc.fouten
                ]
            },
        )
    return ToetsUitslag(
        op=op, editie=hub.afspraken.editie, uitvoerders=[UitvoerderOordeel.of(o) for o in oordelen]
    )
