"""Answers over HTTPS: an agency without a Kafka producer POSTs its answer as a structured
CloudEvent (``application/cloudevents+json``) to ``POST /api/v1/antwoorden``.

The answer goes through exactly what an answer read from Kafka goes through: the same parser
(``schemas.parse_event``) and the same handler (``hub.service.antwoorden.verwerk_antwoord``),
with every check of it (idempotent on the event id, the request exists for this casus and was
sent to this agency, the ``source`` is the agency's system). On Kafka an answer is bound to its
agency by the topic only it may write; here by the certificate: the answer is taken as if it
came on the caller's own answer topic for its type, so an agency can answer only for itself.
A rejected answer is 422 naming the field, and changes nothing.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel

from hub.entrypoints.api import Fouten, HubDep
from hub.entrypoints.identiteit import Beller, Rol, VereisteRol
from hub.service.antwoorden import AntwoordAfgewezen, verwerk_antwoord
from hub.service.errors import Ongeldig
from schemas import InvalidEvent, parse_event
from schemas.topics import topics_for_type

AgencyDep = Annotated[Beller, Depends(VereisteRol(Rol.UITVOERDER))]

router = APIRouter(prefix="/api/v1", tags=["aflevering"])

_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/cloudevents+json": {
                "schema": {"type": "object", "description": "A structured CloudEvent: an answer."}
            }
        },
    }
}


class AntwoordVerwerkt(BaseModel):
    event_id: str
    uitvoerder: str
    status: str
    gewijzigd: bool
    """False for an answer seen before (same event id) or a request answered already."""


def _veld(reden: str) -> str:
    head, sep, _ = reden.partition(":")
    return head if sep and head.isidentifier() else "data"


@router.post(
    "/antwoorden",
    response_model=AntwoordVerwerkt,
    openapi_extra=_BODY,
    responses={422: {"model": Fouten, "description": "Not an answer the hub takes; names why."}},
)
async def antwoord(request: Request, hub: HubDep, beller: AgencyDep) -> AntwoordVerwerkt:
    """Answer a request of the hub (an instruction, an information request) over HTTPS."""
    try:
        event = parse_event(await request.body())
    except InvalidEvent as exc:
        raise Ongeldig(str(exc), field="body") from exc
    topic = next(
        (t.name for t in topics_for_type(event.type) if t.producers == (beller.uitvoerder,)),
        None,
    )
    if topic is None:
        raise Ongeldig(f"{event.type} is not an answer {beller.uitvoerder} gives", field="type")
    try:
        result = await verwerk_antwoord(event, hub.uow(), hub.deps, topic=topic)
    except AntwoordAfgewezen as exc:
        raise Ongeldig(str(exc), field=_veld(str(exc))) from exc
    return AntwoordVerwerkt(
        event_id=event.id,
        uitvoerder=result.uitvoerder,
        status=result.status,
        gewijzigd=result.gewijzigd,
    )
