"""Handlers for changes to a running time-out: extension, lifting, and expiry.

An extension or a lifting goes, as an instruction of its own, to every agency that did not refuse
the order; each agency answers it like the order itself, and the change keeps its own chain.
Expiry needs no instruction (every agency has the end date): the hub records it and publishes it.
The aggregate checks the rules and records the events; the message bus makes the messages.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable

import structlog

from hub.domain.opschorting import NL, OngeldigeOpschorting, Opschorting
from hub.service.commands import HefOpschortingOp, VerlengOpschorting
from hub.service.deps import Deps
from hub.service.errors import NietGevonden
from hub.service.opschorting import weiger
from hub.service.unit_of_work import UnitOfWork

log = structlog.get_logger(__name__)

HUB = "hub"
"""The actor of what the hub does by itself (its deadline watcher)."""


async def _wijzig(
    opschorting_id: str,
    uow: UnitOfWork,
    deps: Deps,
    wijzig: Callable[[Opschorting, dict[str, str], dt.datetime, dt.datetime], str],
) -> str:
    """Apply a change in one transaction: its state, its requests and, through the message bus,
    the recorded change and one instruction per receiving agency. Returns the change's id."""
    now = deps.clock()
    deadline = now + dt.timedelta(hours=deps.settings.answer_deadline_hours)
    async with uow:
        opschorting = await uow.opschortingen.get(opschorting_id, for_update=True)
        if opschorting is None:
            raise NietGevonden(f"opschorting {opschorting_id} not found", field="opschorting_id")
        ids = {v.uitvoerder: str(uuid.uuid4()) for v in opschorting.ontvangers_van_wijziging()}
        try:
            wijziging_id = wijzig(opschorting, ids, now, deadline)
        except OngeldigeOpschorting as exc:
            raise weiger(exc) from exc
        await uow.opschortingen.save(opschorting)
        await uow.commit()
    return wijziging_id


async def verleng_opschorting(
    opschorting_id: str, cmd: VerlengOpschorting, uow: UnitOfWork, deps: Deps, *, door: str
) -> str:
    """Extend a running time-out to a later end date. Returns the change's id."""
    return await _wijzig(
        opschorting_id,
        uow,
        deps,
        lambda o, ids, now, deadline: (
            o.verleng(
                wijziging_id=str(uuid.uuid4()),
                einddatum=cmd.einddatum,
                reden=cmd.reden,
                nu=now,
                instructies=ids,
                reageer_uiterlijk=deadline,
                door=door,
            ).wijziging_id
        ),
    )


async def hef_opschorting_op(
    opschorting_id: str, cmd: HefOpschortingOp, uow: UnitOfWork, deps: Deps, *, door: str
) -> str:
    """Lift a running time-out: collection resumes on the lifting date. Returns the change id."""
    opheffingsdatum = cmd.opheffingsdatum or deps.clock().astimezone(NL).date()
    return await _wijzig(
        opschorting_id,
        uow,
        deps,
        lambda o, ids, now, deadline: (
            o.hef_op(
                wijziging_id=str(uuid.uuid4()),
                opheffingsdatum=opheffingsdatum,
                reden=cmd.reden,
                nu=now,
                instructies=ids,
                reageer_uiterlijk=deadline,
                door=door,
            ).wijziging_id
        ),
    )


async def verloop_opschortingen(uow: UnitOfWork, deps: Deps) -> list[str]:
    """Record every running time-out whose end date has passed; returns their ids."""
    now = deps.clock()
    verlopen: list[str] = []
    async with uow:
        for opschorting_id in await uow.opschortingen.lopend_tot_voor(now.astimezone(NL).date()):
            opschorting = await uow.opschortingen.get(opschorting_id, for_update=True)
            if opschorting is None or not opschorting.verloop(now, door=HUB):
                continue
            await uow.opschortingen.save(opschorting)
            verlopen.append(opschorting_id)
        await uow.commit()
    if verlopen:
        log.info("time-outs expired", count=len(verlopen), opschortingen=verlopen)
    return verlopen
