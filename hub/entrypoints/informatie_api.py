"""The information-request and debt-overview routes.

``POST /api/v1/casussen/{casus_id}/informatieverzoeken`` (loket, agencies): ask, checked against
the agreements first; ``GET /api/v1/informatieverzoeken/{id}`` (the requester; operators without
content); ``GET /api/v1/casussen/{casus_id}/informatieverzoeken`` (the caller's own).
``POST /api/v1/casussen/{casus_id}/schuldenoverzichten``, ``GET /api/v1/schuldenoverzichten/{id}``
and ``POST /api/v1/schuldenoverzichten/{id}/opschortingen`` (loket): the debt overview, and a
time-out on exactly its claims.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Response
from fastapi.responses import JSONResponse

from hub.domain.selectie import Pagina
from hub.entrypoints.api import Fouten, HubDep
from hub.entrypoints.identiteit import Beller, Rol, VereisteRol
from hub.entrypoints.informatie_views import (
    InformatieverzoekPagina,
    InformatieverzoekView,
    OpschortingUitOverzicht,
    SchuldenoverzichtView,
    VraagInformatie,
    VraagSchuldenoverzicht,
)
from hub.entrypoints.opschorting_api import view as opschorting_view
from hub.entrypoints.opschorting_views import OpschortingView
from hub.service import informatie, schuldenoverzicht
from hub.service.afspraken import BuitenAfspraak
from hub.service.errors import NietGevonden
from hub.service.invoer import Geheel, Paginanummer
from hub.service.opschorting import lees_opschorting
from hub.service.queries import MAX_PER_PAGINA

VerzoekerDep = Annotated[Beller, Depends(VereisteRol(Rol.LOKET, Rol.UITVOERDER))]
LezerDep = Annotated[Beller, Depends(VereisteRol(Rol.LOKET, Rol.UITVOERDER, Rol.OPERATOR))]
LoketDep = Annotated[Beller, Depends(VereisteRol(Rol.LOKET))]

ONTBREKEND_HEADER = "Ontbrekende-Uitvoerders"
"""On a time-out ordered from a debt overview: the agencies left out because they had not
answered (comma-separated; empty when none)."""

router = APIRouter(
    prefix="/api/v1",
    tags=["informatie"],
    responses={
        404: {"model": Fouten, "description": "Unknown casus, request or overview."},
        422: {"model": Fouten, "description": "Invalid input; each error names its field."},
    },
)


def _verzoeker(beller: Beller) -> str | None:
    return informatie.verzoeker_code(
        rol_loket=beller.heeft(Rol.LOKET), uitvoerder=beller.uitvoerder
    )


def _buiten_afspraak(exc: BuitenAfspraak) -> JSONResponse:
    return JSONResponse(
        status_code=422,
        content={
            "detail": [{"field": f.field, "message": f.message, "type": f.type} for f in exc.fouten]
        },
    )


@router.post(
    "/casussen/{casus_id}/informatieverzoeken",
    status_code=201,
    response_model=InformatieverzoekView,
    responses={
        403: {"model": Fouten, "description": "The requester takes no part in the casus."},
        409: {"model": Fouten, "description": "The casus is refused or closed."},
    },
)
async def vraag_informatie(
    casus_id: str, body: VraagInformatie, hub: HubDep, beller: VerzoekerDep, response: Response
) -> Any:
    """Ask agencies for information about household members, for one purpose: checked against
    the agreements first (422 naming every category, legal ground or person not allowed, and
    why: nothing is recorded or sent), then one message per agency per person, each BSN sealed
    for that agency alone. Every agency asked must be connected (422
    ``uitvoerders.i.uitvoerder``)."""
    try:
        informatieverzoek_id = await informatie.vraag_informatie(
            casus_id,
            body.vragen(),
            hub.afspraken,
            hub.uow(),
            hub.deps,
            rol_loket=beller.heeft(Rol.LOKET),
            uitvoerder=beller.uitvoerder,
            door=beller.door,
        )
    except BuitenAfspraak as exc:
        return _buiten_afspraak(exc)
    verzoek = await informatie.lees_informatieverzoek(
        informatieverzoek_id, hub.uow(), verzoeker=None
    )
    response.headers["Location"] = f"/api/v1/informatieverzoeken/{informatieverzoek_id}"
    return InformatieverzoekView.of(verzoek, hub.now(), hub.deps)


@router.get("/informatieverzoeken/{informatieverzoek_id}", response_model=InformatieverzoekView)
async def lees_informatieverzoek(
    informatieverzoek_id: str, hub: HubDep, beller: LezerDep
) -> InformatieverzoekView:
    """The request and its answers, per agency per person. For its requester only (another
    organisation gets 404): the content opened when the hub is the receiver (reading it is
    audited), else the sealed text for the requester's own key. Operators see it without any
    content."""
    verzoeker = _verzoeker(beller)
    verzoek = await informatie.lees_informatieverzoek(
        informatieverzoek_id, hub.uow(), verzoeker=verzoeker
    )
    if verzoeker is None:
        return InformatieverzoekView.of(verzoek, hub.now(), None, inhoud=False)
    if informatie.heeft_leesbare_inhoud(verzoek):
        await informatie.registreer_inzage(
            verzoek, hub.uow(), door=beller.door, actie="informatie.gelezen"
        )
    return InformatieverzoekView.of(verzoek, hub.now(), hub.deps)


@router.get("/casussen/{casus_id}/informatieverzoeken", response_model=InformatieverzoekPagina)
async def lijst_informatieverzoeken(
    casus_id: str,
    hub: HubDep,
    beller: VerzoekerDep,
    pagina: Annotated[Paginanummer, Query()] = 1,
    per_pagina: Annotated[Geheel, Query(ge=1, le=MAX_PER_PAGINA)] = 20,
) -> InformatieverzoekPagina:
    """The caller's own requests on the casus, newest first, without content."""
    verzoeker = _verzoeker(beller)
    if verzoeker is None:  # the role says otherwise
        raise NietGevonden(f"casus {casus_id} not found", field="casus_id")
    items, totaal = await informatie.lijst_informatieverzoeken(
        casus_id, verzoeker, Pagina(pagina, per_pagina), hub.uow()
    )
    now = hub.now()
    return InformatieverzoekPagina(
        totaal=totaal,
        pagina=pagina,
        per_pagina=per_pagina,
        items=[InformatieverzoekView.of(v, now, None, inhoud=False) for v in items],
    )


@router.post(
    "/casussen/{casus_id}/schuldenoverzichten",
    status_code=201,
    response_model=SchuldenoverzichtView,
    responses={409: {"model": Fouten, "description": "The casus is refused or closed."}},
)
async def vraag_schuldenoverzicht(
    casus_id: str,
    hub: HubDep,
    beller: LoketDep,
    response: Response,
    body: Annotated[VraagSchuldenoverzicht | None, Body()] = None,
) -> Any:
    """Ask every connected agency with an agreement in force for it (or the ones listed: 422
    ``uitvoerders.i`` for one without) for the open claims (``vorderingen``) of every household
    member. The hub receives the answers and assembles the overview."""
    vraag = body or VraagSchuldenoverzicht()
    try:
        overzicht_id = await schuldenoverzicht.vraag_schuldenoverzicht(
            casus_id,
            vraag.uitvoerders,
            vraag.reageer_binnen_uren,
            hub.afspraken,
            hub.uow(),
            hub.deps,
            door=beller.door,
        )
    except BuitenAfspraak as exc:
        return _buiten_afspraak(exc)
    overzicht = await schuldenoverzicht.lees_schuldenoverzicht(
        overzicht_id, hub.uow(), hub.deps, door=beller.door
    )
    response.headers["Location"] = f"/api/v1/schuldenoverzichten/{overzicht_id}"
    return SchuldenoverzichtView.of(overzicht)


@router.get("/schuldenoverzichten/{schuldenoverzicht_id}", response_model=SchuldenoverzichtView)
async def lees_schuldenoverzicht(
    schuldenoverzicht_id: str, hub: HubDep, beller: LoketDep
) -> SchuldenoverzichtView:
    """The overview as the answers stand: per agency its claims and totals, the household's
    totals (integer cents), which agencies have not answered and which are late. Opening the
    claims is audited. After the retention purge the agencies and statuses stay, the claims are
    gone and ``verwijderd_op`` is set."""
    overzicht = await schuldenoverzicht.lees_schuldenoverzicht(
        schuldenoverzicht_id, hub.uow(), hub.deps, door=beller.door
    )
    return SchuldenoverzichtView.of(overzicht)


@router.post(
    "/schuldenoverzichten/{schuldenoverzicht_id}/opschortingen",
    status_code=201,
    response_model=OpschortingView,
    responses={
        201: {
            "headers": {
                ONTBREKEND_HEADER: {
                    "description": "Agencies left out because they had not answered.",
                    "schema": {"type": "string"},
                }
            }
        },
        409: {"model": Fouten, "description": "No agency answered with claims yet."},
    },
)
async def schort_op_uit_overzicht(
    schuldenoverzicht_id: str,
    body: OpschortingUitOverzicht,
    hub: HubDep,
    beller: LoketDep,
    response: Response,
) -> OpschortingView:
    """Order a time-out on the overview's casus: every agency that answered with claims, each
    with exactly the claims of the overview; the same rules and answer as ``POST
    /casussen/{id}/opschortingen``. The header ``Ontbrekende-Uitvoerders`` names the agencies
    left out because they had not answered."""
    opschorting_id, ontbrekend = await schuldenoverzicht.schort_op(
        schuldenoverzicht_id,
        ingangsdatum=body.ingangsdatum,
        einddatum=body.einddatum,
        maatregelen=body.maatregelen,
        grondslag=body.grondslag,
        reden=body.reden,
        uow=hub.uow(),
        deps=hub.deps,
        door=beller.door,
    )
    opschorting = await lees_opschorting(opschorting_id, hub.uow(), hub.deps)
    response.headers[ONTBREKEND_HEADER] = ", ".join(ontbrekend)
    response.headers["Location"] = f"/api/v1/opschortingen/{opschorting_id}"
    return await opschorting_view(opschorting, hub)
