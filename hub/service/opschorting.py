"""Handlers for the time-out (opschorting): order it, read it, and take the agencies' answers.

The contract messages an order causes (the recorded order, one sealed instruction per agency) are
made by the message bus (``hub.service.berichten.opschorting``) from the aggregate's events.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from hub.domain.casus import ZONDER_WOONGEMEENTE
from hub.domain.opschorting import OngeldigeOpschorting, Opschorting, Scope
from hub.domain.verzoek import Uitkomst, VerzoekStatus, VorderingUitkomst
from hub.service.commands import DraagOpschortingOp
from hub.service.deps import Deps
from hub.service.errors import Conflict, NietGevonden, Ongeldig
from hub.service.instrumentlijst import Instrumentlijst
from hub.service.routes import Route
from hub.service.unit_of_work import UnitOfWork
from schemas.opschorting import (
    Antwoord,
    OpschortingBevestigd,
    OpschortingDeelsBevestigd,
    OpschortingGeweigerd,
)


def weiger(exc: OngeldigeOpschorting) -> Exception:
    """A rule broken by the input names its field (422); one the time-out's state forbids is a
    conflict (409)."""
    if exc.field is not None:
        return Ongeldig(str(exc), field=exc.field)
    return Conflict(str(exc), field="opschorting_id")


async def draag_opschorting_op(
    casus_id: str, cmd: DraagOpschortingOp, uow: UnitOfWork, deps: Deps, *, door: str
) -> str:
    """Record the loket's time-out order; each agency in scope gets its own instruction.
    ``door`` is the proven caller, the actor in the audit trail.

    The order, its requests and all outgoing messages commit in one transaction (outbox).
    """
    now = deps.clock()
    async with uow:
        casus = await uow.casussen.get(casus_id)
        if casus is None:
            raise NietGevonden(f"casus {casus_id} not found", field="casus_id")
        for index, scope in enumerate(cmd.uitvoerders):
            if not deps.keys.is_connected(scope.uitvoerder.value):
                raise Ongeldig(
                    f"agency {scope.uitvoerder.value} is not connected to the hub",
                    field=f"uitvoerders.{index}.uitvoerder",
                )
            if not casus.bereikbaar(scope.uitvoerder.value):
                raise Ongeldig(ZONDER_WOONGEMEENTE, field=f"uitvoerders.{index}.uitvoerder")
        try:
            opschorting = Opschorting.draag_op(
                opschorting_id=str(uuid.uuid4()),
                casus_id=casus_id,
                scope=[
                    Scope(
                        s.uitvoerder.value,
                        tuple(s.vorderingen) if s.vorderingen is not None else None,
                        tuple(s.personen) if s.personen is not None else None,
                    )
                    for s in cmd.uitvoerders
                ],
                huishouden=[lid.pseudoniem for lid in casus.leden],
                maatregelen=tuple(m.value for m in cmd.maatregelen),
                ingangsdatum=cmd.ingangsdatum,
                einddatum=cmd.einddatum,
                grondslag=cmd.grondslag,
                reden=cmd.reden,
                instructies={s.uitvoerder.value: str(uuid.uuid4()) for s in cmd.uitvoerders},
                reageer_uiterlijk=now + dt.timedelta(hours=deps.settings.answer_deadline_hours),
                nu=now,
                door=door,
            )
        except OngeldigeOpschorting as exc:
            raise weiger(exc) from exc
        await uow.opschortingen.add(opschorting)
        await uow.commit()
    return opschorting.opschorting_id


async def lees_opschorting(
    opschorting_id: str, uow: UnitOfWork, deps: Deps, *, uitvoerder: str | None = None
) -> Opschorting:
    """The time-out; for an agency (``uitvoerder``) only its own part of it, and not found when
    it takes no part: that a time-out exists for a household is itself sensitive."""
    async with uow:
        opschorting = await uow.opschortingen.get(opschorting_id)
    if opschorting is not None and uitvoerder is not None:
        opschorting = opschorting.voor_uitvoerder(uitvoerder)
    if opschorting is None:
        raise NietGevonden(f"opschorting {opschorting_id} not found", field="opschorting_id")
    return opschorting


def antwoord_status(data: Antwoord) -> VerzoekStatus:
    """The status an agency's answer gives its request."""
    if isinstance(data, OpschortingBevestigd):
        return VerzoekStatus.CONFIRMED
    if isinstance(data, OpschortingDeelsBevestigd):
        return VerzoekStatus.PARTIALLY_CONFIRMED
    return VerzoekStatus.REFUSED


def _uitkomst(data: Antwoord) -> Uitkomst:
    return Uitkomst(
        instructie_id=data.instructie_id,
        status=antwoord_status(data),
        beantwoord_op=data.beantwoord_op,
        # For an extension or lifting: the agency's reference of that change, when it gives one.
        referentie=data.wijzigingsreferentie or data.referentie,
        redencode=data.redencode.value if isinstance(data, OpschortingGeweigerd) else None,
        reden=data.reden if isinstance(data, OpschortingGeweigerd) else None,
        vorderingen=tuple(
            VorderingUitkomst(
                vordering=v.vordering,
                opgeschort=v.opgeschort,
                redencode=v.redencode.value if v.redencode else None,
                toelichting=v.toelichting,
            )
            for v in data.vorderingen
        ),
    )


async def _beantwoord(
    instrument_id: str, uitvoerder: str, data: Any, uow: UnitOfWork, *, door: str, event_id: str
) -> bool:
    opschorting = await uow.opschortingen.get(instrument_id, for_update=True)
    if opschorting is None:
        raise LookupError(f"opschorting {instrument_id} is gone")
    uitkomst = _uitkomst(data)
    gewijzigd = opschorting.beantwoord(
        uitvoerder, uitkomst, nu=uow.clock(), door=door, antwoord_id=event_id
    )
    if gewijzigd:
        await uow.opschortingen.save_antwoord(
            opschorting, opschorting.verzoek(uitkomst.instructie_id)
        )
    return gewijzigd


ANTWOORD_ROUTE = Route(
    antwoorden=(OpschortingBevestigd, OpschortingDeelsBevestigd, OpschortingGeweigerd),
    instructie_id=lambda data: data.instructie_id,
    uitvoerder=lambda data: data.uitvoerder.value,
    status=lambda data: antwoord_status(data).value,
    beantwoord=_beantwoord,
)
"""How this instrument's answers are read and applied (listed in ``hub.bootstrap``)."""


async def _op_casus(uow: UnitOfWork, casus_id: str) -> list[str]:
    return await uow.opschortingen.for_casus(casus_id)


INSTRUMENTLIJST = Instrumentlijst(
    "opschortingen", "Ids of its time-out orders, oldest first.", _op_casus
)
"""The casus view's list of time-outs (``hub.bootstrap.INSTRUMENTLIJSTEN``)."""
