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

The answer consumer records a batch of answers in one transaction (``hub.entrypoints.
antwoord_stream``); an :class:`Antwoordbatch` asks the store once for the whole batch which
event ids it handled before and which requests the answers name, instead of once per answer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import structlog

from hub.adapters.verzoek_repository import VerzoekSleutel
from hub.domain.verzoek import OnverwachtAntwoord
from hub.service.deps import Deps
from hub.service.routes import Route
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


class Antwoordbatch:
    """The answers of one batch (one transaction), looked up in the store together, when the
    first of them is recorded: which were handled before (by event id), and the request each
    names. Each answer recorded through it counts as handled for the answers after it (a record
    read twice in one batch is a duplicate the second time)."""

    def __init__(self, events: Iterable[CloudEvent[Any]], routes: Mapping[str, Route]) -> None:
        self._ids: set[str] = set()
        self._instructies: set[str] = set()
        for event in events:
            self._ids.add(event.id)
            route_ = routes.get(event.type)
            if route_ is not None:
                self._instructies.add(route_.instructie_id(event.data))
        self._gelezen = False
        self._gezien: set[str] = set()
        self._sleutels: dict[str, VerzoekSleutel] = {}

    async def _lees(self, uow: UnitOfWork) -> None:
        if not self._gelezen:
            self._gezien |= await uow.processed.seen_of(self._ids)
            self._sleutels = await uow.verzoeken.sleutels(self._instructies)
            self._gelezen = True

    async def gezien(self, event_id: str, uow: UnitOfWork) -> bool:
        """Whether the event was handled before, or by an answer of this batch."""
        await self._lees(uow)
        if event_id in self._ids:
            return event_id in self._gezien
        return event_id in self._gezien or await uow.processed.seen(event_id)

    async def sleutel(self, instructie_id: str, uow: UnitOfWork) -> VerzoekSleutel | None:
        await self._lees(uow)
        if instructie_id in self._instructies:
            return self._sleutels.get(instructie_id)
        return await uow.verzoeken.sleutel(instructie_id)

    def verwerkt(self, event_id: str) -> None:
        """The answer's unit of work committed."""
        self._gezien.add(event_id)


async def verwerk_antwoord(
    event: CloudEvent[Any],
    uow: UnitOfWork,
    deps: Deps,
    *,
    topic: str,
    batch: Antwoordbatch | None = None,
) -> Verwerking:
    """Record an agency's answer that arrived on ``topic``. Idempotent on the event id.
    ``batch``: the answers recorded in the same transaction, this one among them."""
    if batch is None:
        batch = Antwoordbatch([event], deps.antwoorden)
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
        if await batch.gezien(event.id, uow):
            log.info("duplicate answer ignored", event_id=event.id)
            return Verwerking(uitvoerder, route_.status(data), gewijzigd=False)
        sleutel = await batch.sleutel(instructie_id, uow)
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
    batch.verwerkt(event.id)
    return Verwerking(uitvoerder, route_.status(data), gewijzigd=gewijzigd)


async def _zelfde_gemeente(data: Any, uitvoerder: str, casus_id: str, uow: UnitOfWork) -> None:
    """The municipality that answered is the one the instruction went to: the casus's
    woongemeente for an agency that serves many municipalities (``Casus.gemeente_voor``)."""
    gemeente = getattr(data, "gemeente", None)
    if not per_gemeente(uitvoerder):
        verwacht = None  # another agency names no municipality: nothing to look up
    else:
        verwacht = await uow.casussen.woongemeente(casus_id)
    if gemeente != verwacht:
        raise AntwoordAfgewezen(
            f"gemeente: {gemeente} answered, the instruction went to {verwacht or 'none'}"
        )
