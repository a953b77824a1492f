"""For operators: the dead letters (``/api/v1/ops/dead-letters``), listed with filters and pages,
and replayed to the topic they came from (``hub.service.replay``), one, a selection or all of a
reason. Every replay is an audit entry with the proven operator as actor."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request

from hub.bootstrap import HubProcess
from hub.entrypoints.api import Fouten, HubDep
from hub.entrypoints.dead_letter_views import (
    DeadLetterPagina,
    ReplayResultaatView,
    ReplayUitslagView,
    ReplayVerzoek,
)
from hub.entrypoints.identiteit import Beller, Rol, VereisteRol
from hub.service import replay as replay_service
from hub.service.dead_letters import ZoekDeadLetters, zoek_dead_letters
from hub.service.invoer import RijId

OperatorDep = Annotated[Beller, Depends(VereisteRol(Rol.OPERATOR))]

router = APIRouter(
    prefix="/api/v1/ops/dead-letters",
    tags=["ops"],
    dependencies=[Depends(VereisteRol(Rol.OPERATOR))],
    responses={422: {"model": Fouten, "description": "Invalid input; each error names its field."}},
)


async def _kafka(request: Request) -> replay_service.ReplayKafka:
    process: HubProcess = request.app.state.process
    return process.replay


KafkaDep = Annotated[replay_service.ReplayKafka, Depends(_kafka)]


@router.get("", response_model=DeadLetterPagina)
async def zoek(vraag: Annotated[ZoekDeadLetters, Query()], hub: HubDep) -> DeadLetterPagina:
    """Dead letters that pass the filters (repeat a parameter for any of several values), newest
    first, one page, with the total over all pages: why, from where, which event, replayed or
    not. Never the value."""
    return DeadLetterPagina.of(await zoek_dead_letters(vraag, hub.uow()))


@router.post("/replay", response_model=ReplayUitslagView)
async def replay(
    body: ReplayVerzoek, hub: HubDep, kafka: KafkaDep, beller: OperatorDep
) -> ReplayUitslagView:
    """Replay a selection (``ids``) or every dead letter of a reason code (narrowed by origin
    topic and time range; at most 500 a request, ``remaining`` says how many are left) to its
    origin topic. Per dead letter: replayed, already replayed (left alone unless ``opnieuw``) or
    refused with the reason."""
    uitslag = await replay_service.replay(
        body.selectie(), hub.uow, hub.deps, kafka, door=beller.door, opnieuw=body.opnieuw
    )
    return ReplayUitslagView.of(uitslag)


@router.post(
    "/{letter_id}/replay",
    response_model=ReplayResultaatView,
    responses={
        404: {"model": Fouten, "description": "No such dead letter."},
        409: {"model": Fouten, "description": "Refused: the type and message say why."},
    },
)
async def replay_een(
    letter_id: Annotated[RijId, Path()],
    hub: HubDep,
    kafka: KafkaDep,
    beller: OperatorDep,
    opnieuw: Annotated[bool, Query(description="Replay it even if it was before.")] = False,
) -> ReplayResultaatView:
    """Replay one dead letter to its origin topic. Replayed before: nothing happens (outcome
    ``already_replayed``) unless ``opnieuw``."""
    resultaat = await replay_service.replay_een(
        letter_id, hub.uow, hub.deps, kafka, door=beller.door, opnieuw=opnieuw
    )
    return ReplayResultaatView.of(resultaat)
