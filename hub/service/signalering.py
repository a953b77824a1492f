"""The deadline watcher: escalate late chain links, warn of time-outs about to end.

:func:`bewaak_termijnen` is the periodic job (``hub.bootstrap``: every
``HUB_EXPIRY_CHECK_SECONDS``, on the leading replica only): it records expiries
(``hub.service.wijziging.verloop_opschortingen``), then escalates each request unanswered past
its deadline to its agency's maatwerkfunctionaris, then warns the loket and the agencies of each
time-out that ends within ``HUB_EINDE_WAARSCHUWING_DAGEN`` days. Whom to tell comes from the
Landelijk Maatwerkregister (``uow.register.contacten``); an agency without an entry is signalled
all the same, with the gap shown.

Each time-out is one transaction, loaded with its row lock: the marks (``geescaleerd_op``,
``einde_gewaarschuwd_voor``), the messages (through the outbox) and the audit entries commit
together, so neither a restart nor a second replica signals twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import structlog

from hub.domain.opschorting import NL, Opschorting
from hub.domain.register import Contact
from hub.domain.signalering import escaleer, te_escaleren, waarschuw_einde
from hub.service.deps import Deps
from hub.service.unit_of_work import UnitOfWork
from hub.service.wijziging import HUB, verloop_opschortingen

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class Ronde:
    """What one round of the watcher did: ids of the time-outs expired, escalated, warned."""

    verlopen: list[str]
    geescaleerd: list[str]
    gewaarschuwd: list[str]


async def contacten(uow: UnitOfWork, deps: Deps, uitvoerders: Iterable[str]) -> dict[str, Contact]:
    """The registered contact of each of these agencies (by code), looked up by its OIN; an
    agency missing from the answer has none."""
    oins = {deps.settings.oin_van(code): code for code in set(uitvoerders)}
    gevonden = await uow.register.contacten(oins)
    return {oins[oin]: contact for oin, contact in gevonden.items()}


async def ketencontacten(
    opschorting: Opschorting, uow: UnitOfWork, deps: Deps
) -> dict[str, Contact]:
    """The registered contacts of every agency in a time-out's chains (for its view)."""
    async with uow:
        return await contacten(uow, deps, {v.uitvoerder for v in opschorting.verzoeken()})


async def escaleer_late_schakels(uow: Callable[[], UnitOfWork], deps: Deps) -> list[str]:
    """Escalate every request of a time-out unanswered past its deadline, once; returns the
    ids of the time-outs that had one."""
    nu = deps.clock()
    async with uow() as work:
        kandidaten = await work.opschortingen.met_late_schakels(nu)
    geescaleerd: list[str] = []
    for opschorting_id in kandidaten:
        async with uow() as work:
            opschorting = await work.opschortingen.get(opschorting_id, for_update=True)
            if opschorting is None:
                continue
            late = {v.uitvoerder for v in te_escaleren(opschorting, nu)}
            if not late:
                continue  # answered or escalated meanwhile (another replica, a late answer)
            escaleer(opschorting, nu, await contacten(work, deps, late), door=HUB)
            await work.opschortingen.save(opschorting)
            await work.commit()
        geescaleerd.append(opschorting_id)
    if geescaleerd:
        log.info("late chain links escalated", count=len(geescaleerd), opschortingen=geescaleerd)
    return geescaleerd


async def waarschuw_bijna_verlopen(uow: Callable[[], UnitOfWork], deps: Deps) -> list[str]:
    """Warn of every running time-out whose last day is near, once per end date; returns
    their ids."""
    nu = deps.clock()
    dagen = deps.settings.einde_waarschuwing_dagen
    tot = nu.astimezone(NL).date() + dt.timedelta(days=dagen)
    async with uow() as work:
        kandidaten = await work.opschortingen.eindigend_ongewaarschuwd(tot)
    gewaarschuwd: list[str] = []
    for opschorting_id in kandidaten:
        async with uow() as work:
            opschorting = await work.opschortingen.get(opschorting_id, for_update=True)
            if opschorting is None:
                continue
            partijen = {v.uitvoerder for v in opschorting.ontvangers_van_wijziging()}
            if not waarschuw_einde(
                opschorting, nu, dagen, await contacten(work, deps, partijen), door=HUB
            ):
                continue
            await work.opschortingen.save(opschorting)
            await work.commit()
        gewaarschuwd.append(opschorting_id)
    if gewaarschuwd:
        log.info("time-outs ending soon warned of", count=len(gewaarschuwd))
    return gewaarschuwd


async def bewaak_termijnen(uow: Callable[[], UnitOfWork], deps: Deps) -> Ronde:
    """One round of the deadline watcher: expiries first (an expired time-out is not warned
    of), then late chain links, then time-outs about to end."""
    verlopen = await verloop_opschortingen(uow(), deps)
    return Ronde(
        verlopen=verlopen,
        geescaleerd=await escaleer_late_schakels(uow, deps),
        gewaarschuwd=await waarschuw_bijna_verlopen(uow, deps),
    )
