"""Handlers for changes to a running time-out: extension, lifting, and expiry.

An extension or a lifting goes, as an instruction of its own, to every agency that did not refuse
the order; each agency answers it like the order itself, and the change keeps its own chain.
Expiry needs no instruction (every agency has the end date): the hub records it and publishes it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

from hub.domain.opschorting import NL, OngeldigeWijziging, Opschorting, Wijziging
from hub.service.commands import HefOpschortingOp, VerlengOpschorting
from hub.service.deps import Deps
from hub.service.errors import Conflict, NietGevonden, Ongeldig
from hub.service.unit_of_work import UnitOfWork
from schemas import EventData, make_event
from schemas.opschorting import (
    OpschortingOpgeheven,
    OpschortingOpheffingInstructie,
    OpschortingVerlengd,
    OpschortingVerlengingInstructie,
    OpschortingVerlopen,
    Periode,
    PersoonVersleuteld,
)
from schemas.organisaties import Uitvoerder
from schemas.topics import OPSCHORTING, instructie_topic


async def _laad(opschorting_id: str, uow: UnitOfWork) -> Opschorting:
    opschorting = await uow.opschortingen.get(opschorting_id, for_update=True)
    if opschorting is None:
        raise NietGevonden(f"opschorting {opschorting_id} not found", field="opschorting_id")
    return opschorting


def _weiger(exc: OngeldigeWijziging) -> Exception:
    """A change against the state of the time-out is a conflict; a bad date names its field."""
    if exc.field is not None:
        return Ongeldig(str(exc), field=exc.field)
    return Conflict(str(exc), field="opschorting_id")


async def _personen(
    opschorting: Opschorting, uitvoerder: str, uow: UnitOfWork, deps: Deps
) -> tuple[PersoonVersleuteld, ...]:
    leden = await uow.casussen.leden(opschorting.casus_id)
    return tuple(
        PersoonVersleuteld(
            pseudoniem=lid.pseudoniem,
            bsn_versleuteld=deps.keys.seal_for(
                uitvoerder, deps.secrets.ontsleutel_opslag(lid.bsn_opgeslagen)
            ),
        )
        for lid in leden
    )


def _nieuwe_ids(opschorting: Opschorting) -> dict[str, str]:
    return {link.uitvoerder: str(uuid.uuid4()) for link in opschorting.ontvangers_van_wijziging()}


Registratie = Callable[[Opschorting, Wijziging, dt.datetime, dt.date], EventData]
"""The change as the hub records it on the opschorting topic (gets the end date before it)."""
Instructie = Callable[[Opschorting, Wijziging, dict[str, Any]], EventData]
"""The change as one agency's instruction, from the fields all instructions share."""


async def _wijzig(
    opschorting_id: str,
    uow: UnitOfWork,
    deps: Deps,
    *,
    wijzig: Callable[[Opschorting, dict[str, str], dt.datetime, dt.datetime], Wijziging],
    registratie: Registratie,
    instructie: Instructie,
    actie: str,
) -> str:
    """Apply a change in one transaction: state, the recorded change and one instruction per
    receiving agency, all through the outbox. Returns the change's id."""
    now = deps.clock()
    deadline = now + dt.timedelta(hours=deps.settings.answer_deadline_hours)
    async with uow:
        opschorting = await _laad(opschorting_id, uow)
        vorige_einddatum = opschorting.einddatum
        try:
            wijziging = wijzig(opschorting, _nieuwe_ids(opschorting), now, deadline)
        except OngeldigeWijziging as exc:
            raise _weiger(exc) from exc
        source, casus_id = deps.settings.source, opschorting.casus_id
        uow.publish(
            make_event(
                registratie(opschorting, wijziging, now, vorige_einddatum),
                source=source,
                subject=casus_id,
                time=now,
            ),
            OPSCHORTING.name,
        )
        for link in wijziging.keten:
            origineel = opschorting.schakel(link.uitvoerder)
            gedeeld = {
                "opschorting_id": opschorting_id,
                "casus_id": casus_id,
                "uitvoerder": Uitvoerder(link.uitvoerder),
                "instructie_id": origineel.instructie_id,
                "referentie": origineel.referentie,
                "personen": await _personen(opschorting, link.uitvoerder, uow, deps),
                "vorderingen": origineel.vorderingen_in_scope,
                "reden": wijziging.reden,
                "reageer_uiterlijk": deadline,
            }
            uow.publish(
                make_event(
                    instructie(opschorting, wijziging, gedeeld),
                    source=source,
                    subject=casus_id,
                    event_id=link.instructie_id,
                    time=now,
                ),
                instructie_topic(link.uitvoerder).name,
            )
        await _bewaar(opschorting, wijziging, uow, actie=actie)
        await uow.commit()
    return wijziging.wijziging_id


def _periode(opschorting: Opschorting) -> Periode:
    return Periode(ingangsdatum=opschorting.ingangsdatum, einddatum=opschorting.einddatum)


async def verleng_opschorting(
    opschorting_id: str, cmd: VerlengOpschorting, uow: UnitOfWork, deps: Deps
) -> str:
    """Extend a running time-out to a later end date. Returns the change's id."""
    return await _wijzig(
        opschorting_id,
        uow,
        deps,
        wijzig=lambda o, ids, now, deadline: o.verleng(
            wijziging_id=str(uuid.uuid4()),
            einddatum=cmd.einddatum,
            reden=cmd.reden,
            nu=now,
            instructies=ids,
            reageer_uiterlijk=deadline,
        ),
        registratie=lambda o, w, now, vorige: OpschortingVerlengd(
            opschorting_id=o.opschorting_id,
            casus_id=o.casus_id,
            vorige_einddatum=vorige,
            periode=_periode(o),
            reden=w.reden,
            verlengd_op=now,
        ),
        instructie=lambda o, w, gedeeld: OpschortingVerlengingInstructie(
            **gedeeld, periode=_periode(o)
        ),
        actie="opschorting.verlengd",
    )


async def hef_opschorting_op(
    opschorting_id: str, cmd: HefOpschortingOp, uow: UnitOfWork, deps: Deps
) -> str:
    """Lift a running time-out: collection resumes on the lifting date. Returns the change id."""
    opheffingsdatum = cmd.opheffingsdatum or deps.clock().astimezone(NL).date()
    return await _wijzig(
        opschorting_id,
        uow,
        deps,
        wijzig=lambda o, ids, now, deadline: o.hef_op(
            wijziging_id=str(uuid.uuid4()),
            opheffingsdatum=opheffingsdatum,
            reden=cmd.reden,
            nu=now,
            instructies=ids,
            reageer_uiterlijk=deadline,
        ),
        registratie=lambda o, w, now, vorige: OpschortingOpgeheven(
            opschorting_id=o.opschorting_id,
            casus_id=o.casus_id,
            opheffingsdatum=opheffingsdatum,
            reden=w.reden,
            opgeheven_op=now,
        ),
        instructie=lambda o, w, gedeeld: OpschortingOpheffingInstructie(
            **gedeeld, opheffingsdatum=opheffingsdatum
        ),
        actie="opschorting.opgeheven",
    )


async def _bewaar(
    opschorting: Opschorting, wijziging: Wijziging, uow: UnitOfWork, *, actie: str
) -> None:
    await uow.opschortingen.save_toestand(opschorting)
    await uow.opschortingen.add_wijziging(opschorting.opschorting_id, wijziging)
    uow.audit.record(
        actor="loket",
        actie=actie,
        casus_id=opschorting.casus_id,
        details={
            "opschorting_id": opschorting.opschorting_id,
            "wijziging_id": wijziging.wijziging_id,
            "instructies": {link.uitvoerder: link.instructie_id for link in wijziging.keten},
        },
    )


async def verloop_opschortingen(uow: UnitOfWork, deps: Deps) -> list[str]:
    """Record every running time-out whose end date has passed; returns their ids."""
    now = deps.clock()
    verlopen: list[str] = []
    async with uow:
        for opschorting_id in await uow.opschortingen.lopend_tot_voor(now.astimezone(NL).date()):
            opschorting = await uow.opschortingen.get(opschorting_id, for_update=True)
            if opschorting is None or not opschorting.verloop(now):
                continue
            uow.publish(
                make_event(
                    OpschortingVerlopen(
                        opschorting_id=opschorting_id,
                        casus_id=opschorting.casus_id,
                        einddatum=opschorting.einddatum,
                        verlopen_op=now,
                    ),
                    source=deps.settings.source,
                    subject=opschorting.casus_id,
                    time=now,
                ),
                OPSCHORTING.name,
            )
            await uow.opschortingen.save_toestand(opschorting)
            uow.audit.record(
                actor="hub",
                actie="opschorting.verlopen",
                casus_id=opschorting.casus_id,
                details={"opschorting_id": opschorting_id, "einddatum": str(opschorting.einddatum)},
            )
            verlopen.append(opschorting_id)
        await uow.commit()
    return verlopen
