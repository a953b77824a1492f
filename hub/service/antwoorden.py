"""The one answer handler: an agency's answer to any request, routed by its CloudEvent ``type``
to the instrument that owns the request.

Every instrument that sends requests has a :class:`~hub.service.routes.Route` for its answer
types: how to read the instruction id and the agency from the payload, which status the answer
gives, and how the instrument applies it to its aggregate. ``hub.bootstrap`` lists the routes
(``ANTWOORD_ROUTES``) and hands their table to the handlers in ``Deps.antwoorden``. What every
answer needs is checked here, once:

- the answer came on a topic that the agency it speaks for, and no one else, may write (its own
  answer topic; the broker's ACLs): this binds the answer to its producer, which ``source`` and
  ``data.uitvoerder`` alone cannot (anyone can write any text in them);
- idempotent on the event id (a redelivered answer changes nothing);
- the request exists, belongs to the casus the answer names (``subject`` and ``data.casus_id``)
  and was sent to the agency that answers;
- the answer's ``source`` is that agency's system (its OIN from the settings);
- an answer of the gemeente connector (which serves many municipalities) names the municipality
  its instruction went to (the casus's woongemeente) as the one that answered; any other agency's
  names none.

An answer that fails a check can never be processed: :class:`AntwoordAfgewezen`, and the stream
handler dead-letters it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import structlog

from hub.domain.verzoek import OnverwachtAntwoord
from hub.service.deps import Deps
from hub.service.unit_of_work import UnitOfWork
from schemas import CloudEvent
from schemas.organisaties import per_gemeente
from schemas.topics import enige_producent

log = structlog.get_logger(__name__)


class AntwoordAfgewezen(ValueError):
    """An answer that is valid JSON and schema, but cannot belong to any request: dead-letter it."""


@dataclass(frozen=True, slots=True)
class Verwerking:
    """What became of an answer."""

    uitvoerder: str
    status: str
    gewijzigd: bool
    """False for a duplicate (event id seen before) or a request answered already."""


async def verwerk_antwoord(
    event: CloudEvent[Any], uow: UnitOfWork, deps: Deps, *, topic: str
) -> Verwerking:
    """Record an agency's answer that arrived on ``topic``. Idempotent on the event id."""
    route_ = deps.antwoorden.get(event.type)
    if route_ is None:
        raise AntwoordAfgewezen(f"type: {event.type} is not an answer the hub takes")
    data = event.data
    uitvoerder = route_.uitvoerder(data)
    schrijver = enige_producent(topic)
    if schrijver is None or schrijver != uitvoerder:
        raise AntwoordAfgewezen(
            f"topic: {topic} carries the answers of {schrijver or 'no agency'}, not of {uitvoerder}"
        )
    oin = deps.settings.oin_van(uitvoerder)
    if f":{oin}:" not in event.source:
        raise AntwoordAfgewezen(f"source: {event.source} may not answer for {uitvoerder}")
    if event.subject != getattr(data, "casus_id", None):
        raise AntwoordAfgewezen("subject: does not match data.casus_id")
    instructie_id = route_.instructie_id(data)
    async with uow:
        if await uow.processed.seen(event.id):
            log.info("duplicate answer ignored", event_id=event.id)
            return Verwerking(uitvoerder, route_.status(data), gewijzigd=False)
        sleutel = await uow.verzoeken.sleutel(instructie_id)
        if sleutel is None or sleutel.casus_id != event.subject:
            raise AntwoordAfgewezen(f"unknown instruction {instructie_id} for this casus")
        if sleutel.uitvoerder != uitvoerder:
            raise AntwoordAfgewezen(
                f"instruction {instructie_id} was for {sleutel.uitvoerder}, not {uitvoerder}"
            )
        await _zelfde_gemeente(data, uitvoerder, sleutel.casus_id, uow)
        try:
            gewijzigd = await route_.beantwoord(
                sleutel.instrument_id, uitvoerder, data, uow, door=event.source, event_id=event.id
            )
        except OnverwachtAntwoord as exc:
            raise AntwoordAfgewezen(str(exc)) from exc
        uow.processed.mark(event.id, event.type)
        await uow.commit()
    return Verwerking(uitvoerder, route_.status(data), gewijzigd=gewijzigd)


async def _zelfde_gemeente(data: Any, uitvoerder: str, casus_id: str, uow: UnitOfWork) -> None:
    """The municipality that answered is the one the instruction went to."""
    gemeente = getattr(data, "gemeente", None)
    if gemeente is None and not per_gemeente(uitvoerder):
        return  # another agency, naming no municipality: nothing to look up
    casus = await uow.casussen.get(casus_id)
    verwacht = None if casus is None else casus.gemeente_voor(uitvoerder)
    if gemeente != verwacht:
        raise AntwoordAfgewezen(
            f"gemeente: {gemeente} answered, the instruction went to {verwacht or 'none'}"
        )
