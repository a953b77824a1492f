"""Handlers for operators: record what lands on the dead-letter topic, and read how the flow is."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import structlog

from hub.adapters.outbox_queries import OutboxEntry, OutboxStatus
from hub.adapters.repository import IntegrityError
from hub.domain.dead_letter import DeadLetter, RecordedDeadLetter
from hub.domain.register import Contact
from hub.domain.verzoek import KetenStatus, VerzoekStatus
from hub.service.deps import Deps
from hub.service.signalering import contacten as register_contacten
from hub.service.unit_of_work import UnitOfWork
from schemas.organisaties import ORGANISATIES, UITVOERDERS, Uitvoerder

log = structlog.get_logger(__name__)

RECENT_AUDIT = 20
RECENT_DEAD_OUTBOX = 5


async def record_dead_letter(letter: DeadLetter, uow: UnitOfWork, deps: Deps) -> bool:
    """Keep a record of a dead letter; returns False when it was recorded already."""
    async with uow:
        if not await uow.dead_letters.add(letter, deps.clock()):
            return False
        try:
            await uow.commit()
        except IntegrityError:  # recorded meanwhile by another instance of the hub
            return False
    log.info(
        "dead letter recorded",
        dlq_offset=letter.dlq_offset,
        origin_topic=letter.origin_topic,
        redencode=letter.redencode,
    )
    return True


async def recent_dead_letters(uow: UnitOfWork, limit: int) -> list[RecordedDeadLetter]:
    """The newest dead letters first."""
    async with uow:
        return await uow.dead_letters.newest(limit)


@dataclass(frozen=True, slots=True)
class AgencyLinks:
    """One agency's requests: how many per status, and how many are late."""

    uitvoerder: str
    counts: dict[str, int]


@dataclass(frozen=True, slots=True)
class AuditEntry:
    at: dt.datetime
    actor: str
    actie: str
    casus_id: str | None
    organisatie: str | None = None
    """The name of the organisation whose certificate (OIN) the actor is, when the hub knows it."""


OIN_ACTOR = "urn:nld:oin:"


def _organisatie_van(actor: str, deps: Deps) -> str | None:
    """The organisation of an actor ``urn:nld:oin:<OIN>`` (a caller's certificate): the
    agencies by their configured OIN, the others by schemas.organisaties."""
    if not actor.startswith(OIN_ACTOR):
        return None
    oin = actor.removeprefix(OIN_ACTOR)
    for uitvoerder in Uitvoerder:
        if deps.settings.oin_van(uitvoerder) == oin:
            return UITVOERDERS[uitvoerder].naam
    return next((o.naam for o in ORGANISATIES if o.oin == oin), None)


@dataclass(frozen=True, slots=True)
class WachtendeOverbrugging:
    """An urgent bridging waiting for the loket's decision (the loket decides as soon as
    possible), and how long it has waited."""

    overbrugging_id: str
    casus_id: str
    aangevraagd_op: dt.datetime
    wacht_seconden: float


@dataclass(frozen=True, slots=True)
class Gauges:
    """What the metrics read at scrape time."""

    outbox_unsent: int
    outbox_oldest_age_seconds: float | None
    outbox_dead: int
    agencies: list[AgencyLinks]


@dataclass(frozen=True, slots=True)
class Contactpunt:
    """An agency of the overview and its maatwerkfunctionaris in the register (None: it has
    none, flagged); ``geescaleerd``: its late requests escalated and still unanswered."""

    uitvoerder: str
    contact: Contact | None
    geescaleerd: int


@dataclass(frozen=True, slots=True)
class Overview(Gauges):
    at: dt.datetime
    orders: dict[str, int]
    links: dict[str, int]
    audit: list[AuditEntry]
    dead_letters_last_hour: int
    dead_letters_total: int
    outbox_dead_newest: list[OutboxEntry]
    outbox_held: int
    outbox_held_newest: list[OutboxEntry]
    contactpunten: list[Contactpunt]
    overbruggingen_onbeslist: int = 0
    overbruggingen_urgent: list[WachtendeOverbrugging] = field(default_factory=list)
    """Undecided urgent bridgings, longest waiting first."""


def _empty_counts() -> dict[str, int]:
    return {**{s.value: 0 for s in VerzoekStatus}, "late": 0}


async def _gauges(uow: UnitOfWork, deps: Deps, now: dt.datetime) -> Gauges:
    per_agency = await uow.verzoeken.telling_per_uitvoerder(now)
    for uitvoerder in Uitvoerder:
        if uitvoerder.value not in per_agency and deps.keys.is_connected(uitvoerder.value):
            per_agency[uitvoerder.value] = _empty_counts()
    backlog = await uow.overview.outbox_backlog()
    oldest = backlog.oldest_unsent_at
    return Gauges(
        outbox_unsent=backlog.unsent,
        outbox_oldest_age_seconds=(
            None if oldest is None else max(0.0, (now - oldest).total_seconds())
        ),
        outbox_dead=await uow.outbox.count(OutboxStatus.DEAD),
        agencies=[AgencyLinks(code, per_agency[code]) for code in sorted(per_agency)],
    )


async def gauges(uow: UnitOfWork, deps: Deps) -> Gauges:
    async with uow:
        return await _gauges(uow, deps, deps.clock())


async def overview(uow: UnitOfWork, deps: Deps) -> Overview:
    """Counts of orders, requests to agencies (overall and per agency), the outbox backlog, the
    latest audit entries across all casussen and the dead letters: what an operator looks at
    first."""
    now = deps.clock()
    async with uow:
        current = await _gauges(uow, deps, now)
        orders = await uow.opschortingen.per_status()
        audit = [
            AuditEntry(
                row.at, row.actor, row.actie, row.casus_id, _organisatie_van(row.actor, deps)
            )
            for row in await uow.overview.recent_audit(RECENT_AUDIT)
        ]
        last_hour = await uow.dead_letters.count(since=now - dt.timedelta(hours=1))
        total = await uow.dead_letters.count()
        dead_outbox = await uow.outbox.page(OutboxStatus.DEAD, limit=RECENT_DEAD_OUTBOX)
        held = await uow.outbox.count(OutboxStatus.HELD)
        held_outbox = await uow.outbox.page(OutboxStatus.HELD, limit=RECENT_DEAD_OUTBOX)
        codes = [a.uitvoerder for a in current.agencies]
        contacten = await register_contacten(uow, deps, codes)
        geescaleerd = await uow.verzoeken.geescaleerd_per_uitvoerder()
        onbeslist = await uow.overbruggingen.onbeslist()
    links = _empty_counts()
    for agency in current.agencies:
        for name, count in agency.counts.items():
            links[name] += count
    return Overview(
        outbox_unsent=current.outbox_unsent,
        outbox_oldest_age_seconds=current.outbox_oldest_age_seconds,
        outbox_dead=current.outbox_dead,
        agencies=current.agencies,
        at=now,
        orders={status.value: orders[status] for status in KetenStatus},
        links=links,
        audit=audit,
        dead_letters_last_hour=last_hour,
        dead_letters_total=total,
        outbox_dead_newest=dead_outbox,
        outbox_held=held,
        outbox_held_newest=held_outbox,
        contactpunten=[
            Contactpunt(code, contacten.get(code), geescaleerd.get(code, 0)) for code in codes
        ],
        overbruggingen_onbeslist=len(onbeslist),
        overbruggingen_urgent=[
            WachtendeOverbrugging(
                o.overbrugging_id,
                o.casus_id,
                o.aangevraagd_op,
                o.beslistijd(now).total_seconds(),
            )
            for o in onbeslist
            if o.urgent
        ],
    )
