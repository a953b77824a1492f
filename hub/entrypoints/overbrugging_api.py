"""The bridging procedure's routes.

The loket requests (``POST /api/v1/casussen/{casus_id}/overbruggingen``), decides
(``.../toekenning``, ``.../afwijzing``), books pre-financing payments (``.../betalingen``), asks
for repayment of what was paid after the last request (``.../terugbetalingsverzoeken``) and books
repayments received (``.../terugbetalingen``). The LET's secretary designates the responsible
party (``.../verantwoordelijke``), which sends it a repayment request for what is owed at once.
Repayments are booked by the loket only: the books are the pre-financer's, and a party's own
word that it paid is not money received. Both read a bridging and the money overview
(``GET /api/v1/overbruggingen/geldoverzicht``). A responsible party (a ``deelnemer`` or an
agency) reads the repayment requests to itself by its own certificate
(``GET /api/v1/overbruggingen/terugbetalingsverzoeken``).

Each step answers the bridging as it is afterwards; 409 when its state does not allow the step
(naming the state and the allowed steps), 422 naming the field for a booking that breaks a rule
of the books; nothing is booked or published then.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from hub.domain.opschorting import NL
from hub.entrypoints.api import Fouten, HubDep
from hub.entrypoints.identiteit import Beller, Rol, VereisteRol
from hub.entrypoints.overbrugging_views import (
    GeldoverzichtView,
    OverbruggingView,
    TerugvorderingView,
)
from hub.service import deelname
from hub.service import overbrugging as service
from hub.service.commands import (
    BoekTerugbetaling,
    BoekVoorfinanciering,
    KenOverbruggingToe,
    VraagOverbruggingAan,
    VraagTerugbetaling,
    WijsOverbruggingAf,
    WijsVerantwoordelijkeAan,
)

LoketDep = Annotated[Beller, Depends(VereisteRol(Rol.LOKET))]
LetDep = Annotated[Beller, Depends(VereisteRol(Rol.LET_SECRETARIS))]
LezerDep = Annotated[Beller, Depends(VereisteRol(Rol.LOKET, Rol.LET_SECRETARIS))]
PartijDep = Annotated[Beller, Depends(VereisteRol(Rol.DEELNEMER, Rol.UITVOERDER))]
"""An organisation that may be the responsible party: it reads the requests to itself."""

router = APIRouter(
    prefix="/api/v1",
    tags=["overbrugging"],
    responses={
        404: {"model": Fouten, "description": "Unknown casus or bridging."},
        422: {"model": Fouten, "description": "Invalid input; each error names its field."},
    },
)

_STAP: dict[int | str, dict[str, Any]] = {
    409: {
        "model": Fouten,
        "description": "The bridging's state does not allow this step; names the state and the "
        "steps allowed.",
    }
}


async def _view(overbrugging_id: str, hub: HubDep) -> OverbruggingView:
    nu = hub.deps.clock()
    o = await service.lees(overbrugging_id, hub.uow())
    instructies = await deelname.terugbetalingsinstructies(overbrugging_id, hub.uow())
    return OverbruggingView.of(o, nu, nu.astimezone(NL).date(), instructies)


@router.post(
    "/casussen/{casus_id}/overbruggingen",
    status_code=201,
    response_model=OverbruggingView,
    responses=_STAP,
)
async def vraag_overbrugging_aan(
    casus_id: str, body: VraagOverbruggingAan, hub: HubDep, beller: LoketDep
) -> OverbruggingView:
    """Record a request to bridge on an open casus (the care is agreed, who pays is not).
    ``urgent`` defaults to the casus's urgency (hoog, acuut)."""
    ovb = await service.vraag_aan(casus_id, body, hub.uow(), hub.deps, door=beller.door)
    return await _view(ovb, hub)


@router.get("/casussen/{casus_id}/overbruggingen", response_model=list[OverbruggingView])
async def overbruggingen_van_casus(
    casus_id: str, hub: HubDep, beller: LezerDep
) -> list[OverbruggingView]:
    """The bridgings of a casus, oldest first."""
    nu = hub.deps.clock()
    return [
        OverbruggingView.of(
            o,
            nu,
            nu.astimezone(NL).date(),
            await deelname.terugbetalingsinstructies(o.overbrugging_id, hub.uow()),
        )
        for o in await service.van_casus(casus_id, hub.uow())
    ]


@router.get("/overbruggingen/geldoverzicht", response_model=GeldoverzichtView)
async def geldoverzicht(hub: HubDep, beller: LezerDep) -> GeldoverzichtView:
    """What each responsible party owes over all its bridgings, and the repayments overdue."""
    overzicht = await service.geldoverzicht(hub.uow(), hub.deps)
    return GeldoverzichtView.of(overzicht, overzicht.op.astimezone(NL).date())


@router.get("/overbruggingen/terugbetalingsverzoeken", response_model=list[TerugvorderingView])
async def eigen_terugbetalingsverzoeken(hub: HubDep, beller: PartijDep) -> list[TerugvorderingView]:
    """The repayment requests to the caller itself (the responsible party, by its
    certificate), with what is open on each and the reference to pay with; by last day."""
    vandaag = hub.deps.clock().astimezone(NL).date()
    return [
        TerugvorderingView.of(t, vandaag)
        for t in await service.terugvorderingen_aan(beller.oin, hub.uow())
    ]


@router.get("/overbruggingen/{overbrugging_id}", response_model=OverbruggingView)
async def lees_overbrugging(
    overbrugging_id: str, hub: HubDep, beller: LezerDep
) -> OverbruggingView:
    """The bridging: its state and the steps allowed, the time to decision, the money and its
    books."""
    return await _view(overbrugging_id, hub)


@router.post(
    "/overbruggingen/{overbrugging_id}/toekenning", response_model=OverbruggingView, responses=_STAP
)
async def ken_overbrugging_toe(
    overbrugging_id: str, body: KenOverbruggingToe, hub: HubDep, beller: LoketDep
) -> OverbruggingView:
    """Grant the bridging, up to a maximum; the loket pre-finances."""
    await service.ken_toe(
        overbrugging_id, body, hub.uow(), hub.deps, door=beller.door, oin=beller.oin
    )
    return await _view(overbrugging_id, hub)


@router.post(
    "/overbruggingen/{overbrugging_id}/afwijzing", response_model=OverbruggingView, responses=_STAP
)
async def wijs_overbrugging_af(
    overbrugging_id: str, body: WijsOverbruggingAf, hub: HubDep, beller: LoketDep
) -> OverbruggingView:
    """Decline the bridging with a reason code and words."""
    await service.wijs_af(overbrugging_id, body, hub.uow(), hub.deps, door=beller.door)
    return await _view(overbrugging_id, hub)


@router.post(
    "/overbruggingen/{overbrugging_id}/betalingen",
    status_code=201,
    response_model=OverbruggingView,
    responses=_STAP,
)
async def boek_voorfinanciering(
    overbrugging_id: str, body: BoekVoorfinanciering, hub: HubDep, beller: LoketDep
) -> OverbruggingView:
    """Book a pre-financing payment (integer cents, within the granted maximum; a payment
    reference once per bridging). Send an ``Idempotency-Key`` so a retry books nothing twice."""
    await service.betaal(overbrugging_id, body, hub.uow(), hub.deps, door=beller.door)
    return await _view(overbrugging_id, hub)


@router.post(
    "/overbruggingen/{overbrugging_id}/verantwoordelijke",
    response_model=OverbruggingView,
    responses=_STAP,
)
async def wijs_verantwoordelijke_aan(
    overbrugging_id: str, body: WijsVerantwoordelijkeAan, hub: HubDep, beller: LetDep
) -> OverbruggingView:
    """The LET designates the responsible party (an organisation the hub knows); what it owes
    now is asked of it at once, due in ``betaaltermijn_dagen``."""
    await service.wijs_verantwoordelijke_aan(
        overbrugging_id, body, hub.uow(), hub.deps, door=beller.door
    )
    return await _view(overbrugging_id, hub)


@router.post(
    "/overbruggingen/{overbrugging_id}/terugbetalingsverzoeken",
    status_code=201,
    response_model=OverbruggingView,
    responses=_STAP,
)
async def vraag_terugbetaling(
    overbrugging_id: str, hub: HubDep, beller: LoketDep, body: VraagTerugbetaling | None = None
) -> OverbruggingView:
    """Ask the responsible party for what was pre-financed after its last request."""
    await service.vraag_terugbetaling(
        overbrugging_id, body or VraagTerugbetaling(), hub.uow(), hub.deps, door=beller.door
    )
    return await _view(overbrugging_id, hub)


@router.post(
    "/overbruggingen/{overbrugging_id}/terugbetalingen",
    status_code=201,
    response_model=OverbruggingView,
    responses=_STAP,
)
async def boek_terugbetaling(
    overbrugging_id: str, body: BoekTerugbetaling, hub: HubDep, beller: LoketDep
) -> OverbruggingView:
    """Book a repayment received against a request: part payments allowed, never more than is
    open on it. Send an ``Idempotency-Key`` so a retry books nothing twice."""
    await service.ontvang_terugbetaling(
        overbrugging_id, body, hub.uow(), hub.deps, door=beller.door
    )
    return await _view(overbrugging_id, hub)
