"""The message bus: the one place where a domain event becomes contract messages and an audit
entry (cosmicpython's message bus, kept to what the hub needs).

Each instrument has a module here (``casus``, ``opschorting``, ``informatie``) whose functions say
for one kind of domain event which contract payloads go to which topic and what the audit trail
records; its ``VERTALINGEN`` maps each kind of event to its function, and ``hub.bootstrap`` joins
them into one table (:func:`vertaaltabel`) that the bus is built with: nothing is registered by
importing a module. :func:`verwerk` is called by the unit of work on
commit for every event the aggregates recorded, so messages and audit entry land in the same
transaction as the state change (transactional outbox).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from hub.domain.model import Gebeurtenis
from hub.service.deps import Deps
from hub.service.unit_of_work import UnitOfWork
from schemas import EventData, make_event


@dataclass(frozen=True, slots=True)
class Bericht:
    """One contract message to publish: its payload, its topic, and its event id when the id
    matters elsewhere (an instruction's id is the key its answer refers to)."""

    data: EventData
    topic: str
    event_id: str | None = None


@dataclass(frozen=True, slots=True)
class Uitgaand:
    """What one domain event becomes: messages, and the audit entry."""

    actie: str
    """Audit action, ``<instrument>.<what happened>`` (e.g. ``casus.geaccepteerd``)."""
    casus_id: str | None
    details: dict[str, Any] = field(default_factory=dict)
    berichten: tuple[Bericht, ...] = ()


Vertaler = Callable[[Any, UnitOfWork, Deps], Awaitable[Uitgaand]]
"""The translation of one kind of domain event (its first argument is that event)."""

Vertalingen = Mapping[type[Gebeurtenis], Vertaler]


def vertaaltabel(*tabellen: Vertalingen) -> dict[type[Gebeurtenis], Vertaler]:
    """The instruments' translations as one table. Two for one kind of event is a wiring error,
    raised at start rather than letting one silently win."""
    alle: dict[type[Gebeurtenis], Vertaler] = {}
    for tabel in tabellen:
        for soort, vertaler in tabel.items():
            if soort in alle:
                raise ValueError(f"{soort.__name__} has a translation already")
            alle[soort] = vertaler
    return alle


async def verwerk(
    gebeurtenis: Gebeurtenis, uow: UnitOfWork, *, deps: Deps, vertalingen: Vertalingen
) -> None:
    """Queue the contract messages of ``gebeurtenis`` in the outbox and write its audit entry."""
    vertaler = vertalingen.get(type(gebeurtenis))
    if vertaler is None:
        raise LookupError(f"no translation for domain event {type(gebeurtenis).__name__}")
    uit = await vertaler(gebeurtenis, uow, deps)
    for bericht in uit.berichten:
        uow.publish(
            make_event(
                bericht.data,
                source=deps.settings.source,
                subject=bericht.data.event_subject(),
                event_id=bericht.event_id,
                time=gebeurtenis.op,
            ),
            bericht.topic,
        )
    uow.audit.record(
        actor=gebeurtenis.door, actie=uit.actie, casus_id=uit.casus_id, details=uit.details
    )


def bus(
    deps: Deps, vertalingen: Vertalingen
) -> Callable[[Gebeurtenis, UnitOfWork], Awaitable[None]]:
    """The bus as a unit of work takes it, bound to the hub's dependencies and the instruments'
    translations (``hub.bootstrap.VERTALINGEN``)."""

    async def handle(gebeurtenis: Gebeurtenis, uow: UnitOfWork) -> None:
        await verwerk(gebeurtenis, uow, deps=deps, vertalingen=vertalingen)

    return handle
