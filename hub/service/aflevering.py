"""Delivery trouble: a request becomes ``undeliverable`` when its instruction cannot be delivered.

Two ways: the agency's connector reports it (``nl.maatwerk.aflevering.mislukt.v1`` on the agency's
own answer topic, taken by the one answer handler through the :class:`Route` below, with every
check an answer gets), or the hub's own outbox gives up on the instruction (a dead row:
:func:`publicatie_opgegeven`). Either way the loket sees the request ``undeliverable`` with the
reason at once, not only after the answer deadline. It counts as unanswered
(``hub.domain.verzoek.ONBEANTWOORD``): the chain stays pending and the request is late past its
deadline; an answer that comes later (after a retry or a replay) takes its place, and a report
after an answer changes nothing. Each change is in the audit trail.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import structlog

from hub.domain.verzoek import MisluktAflevering, VerzoekStatus
from hub.service.deps import Deps
from hub.service.routes import Route
from hub.service.unit_of_work import UnitOfWork
from schemas.aflevering import AfleveringMislukt

log = structlog.get_logger(__name__)

PUBLICATIE_OPGEGEVEN = "publicatie-opgegeven"
"""Reason code when the hub's outbox gave up publishing the instruction."""


async def meld_onbestelbaar(
    instructie_id: str, melding: MisluktAflevering, uow: UnitOfWork, *, door: str, bron_id: str
) -> bool:
    """Make the request ``undeliverable`` with ``melding`` (inside the caller's unit of work;
    it does not commit). ``bron_id``: the report's event id, or the outbox message's. Returns
    False when nothing changed (the request was answered already, or had this reason)."""
    verzoek = await uow.verzoeken.get(instructie_id, for_update=True)
    if verzoek is None:
        raise LookupError(f"no request {instructie_id}")
    gewijzigd = verzoek.meld_onbestelbaar(melding)
    if gewijzigd:
        await uow.verzoeken.save(verzoek)
    uow.audit.record(
        actor=door,
        actie="verzoek.undeliverable" if gewijzigd else "verzoek.aflevering-genegeerd",
        casus_id=verzoek.casus_id,
        details={
            "instructie_id": instructie_id,
            "soort": verzoek.soort.value,
            "instrument_id": verzoek.instrument_id,
            "uitvoerder": verzoek.uitvoerder,
            "redencode": melding.redencode,
            "definitief": melding.definitief,
            "event_id": bron_id,
            "status": verzoek.status.value,
        },
    )
    return gewijzigd


def _melding(data: AfleveringMislukt) -> MisluktAflevering:
    return MisluktAflevering(
        redencode=data.redencode.value,
        toelichting=data.toelichting,
        definitief=data.definitief,
        sinds=data.gemeld_op,
    )


async def _gemeld(
    instrument_id: str, uitvoerder: str, data: Any, uow: UnitOfWork, *, door: str, event_id: str
) -> bool:
    return await meld_onbestelbaar(
        data.instructie_id, _melding(data), uow, door=door, bron_id=event_id
    )


ANTWOORD_ROUTE = Route(
    antwoorden=(AfleveringMislukt,),
    instructie_id=lambda data: data.instructie_id,
    uitvoerder=lambda data: data.uitvoerder.value,
    status=lambda data: VerzoekStatus.UNDELIVERABLE.value,
    beantwoord=_gemeld,
)
"""How this instrument's answers are read and applied (listed in ``hub.bootstrap``)."""


async def publicatie_opgegeven(dood: Sequence[tuple[str, str]], uow: UnitOfWork, deps: Deps) -> int:
    """The outbox gave up on these messages (``(event id, error type)``): each that is an
    instruction makes its request ``undeliverable`` (final: it waits for an operator to retry
    the row). Returns how many requests changed."""
    nu = deps.clock()
    changed = 0
    async with uow:
        for event_id, fout in dood:
            if await uow.verzoeken.sleutel(event_id) is None:
                continue  # not an instruction (the hub's own record of an event)
            melding = MisluktAflevering(
                redencode=PUBLICATIE_OPGEGEVEN,
                toelichting=f"the hub could not publish the instruction ({fout}); an operator "
                "can retry it (/api/v1/ops/outbox?status=dead)",
                definitief=True,
                sinds=nu,
            )
            if await meld_onbestelbaar(
                event_id, melding, uow, door=deps.settings.source, bron_id=event_id
            ):
                changed += 1
        await uow.commit()
    if changed:
        log.warning("requests undeliverable: their instructions could not be published", n=changed)
    return changed
