"""Handlers for the time-out (opschorting): order it, record the answers, read its chain."""

from __future__ import annotations

import datetime as dt
import uuid

import structlog

from hub.domain.opschorting import (
    KetenSchakel,
    OnverwachtAntwoord,
    Opschorting,
    SchakelStatus,
    Uitkomst,
    VorderingUitkomst,
)
from hub.service.commands import DraagOpschortingOp
from hub.service.deps import Deps
from hub.service.errors import NietGevonden, Ongeldig
from hub.service.unit_of_work import UnitOfWork
from schemas import CloudEvent, make_event
from schemas.opschorting import (
    Antwoord,
    OpschortingBevestigd,
    OpschortingDeelsBevestigd,
    OpschortingInstructie,
    OpschortingOpgedragen,
    Periode,
    PersoonVersleuteld,
    Scope,
)
from schemas.topics import OPSCHORTING, instructie_topic

log = structlog.get_logger(__name__)


async def draag_opschorting_op(
    casus_id: str, cmd: DraagOpschortingOp, uow: UnitOfWork, deps: Deps
) -> str:
    """Record the loket's time-out order and queue one sealed instruction per agency.

    The order, its chain and all outgoing messages commit in one transaction (outbox).
    """
    now = deps.clock()
    deadline = now + dt.timedelta(hours=deps.settings.answer_deadline_hours)
    opschorting_id = str(uuid.uuid4())
    periode = Periode(ingangsdatum=cmd.ingangsdatum, einddatum=cmd.einddatum)
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
        leden = await uow.casussen.leden(casus_id)
        instructies: list[CloudEvent[OpschortingInstructie]] = []
        keten: list[KetenSchakel] = []
        for scope in cmd.uitvoerders:
            code = scope.uitvoerder.value
            bsns = [
                (lid.pseudoniem, deps.secrets.ontsleutel_opslag(lid.bsn_opgeslagen))
                for lid in leden
            ]
            instructie = OpschortingInstructie(
                opschorting_id=opschorting_id,
                casus_id=casus_id,
                uitvoerder=scope.uitvoerder,
                personen=tuple(
                    PersoonVersleuteld(
                        pseudoniem=psn, bsn_versleuteld=deps.keys.seal_for(code, bsn)
                    )
                    for psn, bsn in bsns
                ),
                vorderingen=tuple(scope.vorderingen) if scope.vorderingen is not None else None,
                maatregelen=tuple(cmd.maatregelen),
                periode=periode,
                grondslag=cmd.grondslag,
                reden=cmd.reden,
                reageer_uiterlijk=deadline,
            )
            event = make_event(instructie, source=deps.settings.source, subject=casus_id, time=now)
            instructies.append(event)
            keten.append(
                KetenSchakel(
                    uitvoerder=code,
                    instructie_id=event.id,
                    reageer_uiterlijk=deadline,
                    vorderingen_in_scope=instructie.vorderingen,
                )
            )
        opschorting = Opschorting(
            opschorting_id=opschorting_id,
            casus_id=casus_id,
            maatregelen=tuple(m.value for m in cmd.maatregelen),
            ingangsdatum=cmd.ingangsdatum,
            einddatum=cmd.einddatum,
            grondslag=cmd.grondslag,
            reden=cmd.reden,
            opgedragen_op=now,
            keten=keten,
        )
        await uow.opschortingen.add(opschorting)
        opgedragen = OpschortingOpgedragen(
            opschorting_id=opschorting_id,
            casus_id=casus_id,
            scope=tuple(
                Scope(
                    uitvoerder=s.uitvoerder,
                    vorderingen=tuple(s.vorderingen) if s.vorderingen is not None else None,
                )
                for s in cmd.uitvoerders
            ),
            maatregelen=tuple(cmd.maatregelen),
            periode=periode,
            grondslag=cmd.grondslag,
            reden=cmd.reden,
            opgedragen_op=now,
        )
        uow.publish(
            make_event(opgedragen, source=deps.settings.source, subject=casus_id, time=now),
            OPSCHORTING.name,
        )
        for event in instructies:
            uow.publish(event, instructie_topic(event.data.uitvoerder).name)
        uow.audit.record(
            actor="loket",
            actie="opschorting.opgedragen",
            casus_id=casus_id,
            details={
                "opschorting_id": opschorting_id,
                "uitvoerders": [link.uitvoerder for link in keten],
                "instructies": {link.uitvoerder: link.instructie_id for link in keten},
            },
        )
        await uow.commit()
    return opschorting_id


def antwoord_status(data: Antwoord) -> SchakelStatus:
    """The status an agency's answer gives its chain link."""
    if isinstance(data, OpschortingBevestigd):
        return SchakelStatus.CONFIRMED
    if isinstance(data, OpschortingDeelsBevestigd):
        return SchakelStatus.PARTIALLY_CONFIRMED
    return SchakelStatus.REFUSED


def _uitkomst(data: Antwoord) -> Uitkomst:
    vorderingen = tuple(
        VorderingUitkomst(
            vordering=v.vordering,
            opgeschort=v.opgeschort,
            redencode=v.redencode.value if v.redencode else None,
            toelichting=v.toelichting,
        )
        for v in data.vorderingen
    )
    return Uitkomst(
        instructie_id=data.instructie_id,
        status=antwoord_status(data),
        beantwoord_op=data.beantwoord_op,
        # For an extension or lifting: the agency's reference of that change, when it gives one.
        referentie=data.wijzigingsreferentie or data.referentie,
        redencode=getattr(data, "redencode", None) and data.redencode.value,  # type: ignore[union-attr]
        reden=getattr(data, "reden", None),
        vorderingen=vorderingen,
    )


class AntwoordAfgewezen(ValueError):
    """An answer that is valid JSON and schema, but cannot belong to any chain: dead-letter it."""


async def verwerk_antwoord(
    event: CloudEvent[Antwoord], uow: UnitOfWork, now: dt.datetime | None = None
) -> bool:
    """Record an agency's answer. Idempotent on the event id; returns True when it changed state."""
    data = event.data
    async with uow:
        if await uow.processed.seen(event.id):
            log.info("duplicate answer ignored", event_id=event.id)
            return False
        opschorting = await uow.opschortingen.get(data.opschorting_id, for_update=True)
        if opschorting is None or opschorting.casus_id != data.casus_id:
            raise AntwoordAfgewezen(f"unknown opschorting {data.opschorting_id} for this casus")
        try:
            link = opschorting.schakel_voor(data.uitvoerder.value, data.instructie_id)
            changed = link.verwerk(_uitkomst(data), now or dt.datetime.now(dt.UTC))
        except OnverwachtAntwoord as exc:
            raise AntwoordAfgewezen(str(exc)) from exc
        uow.processed.mark(event.id, event.type)
        if changed:
            await uow.opschortingen.save_schakel(opschorting, link)
        uow.audit.record(
            actor=event.source,
            actie=f"opschorting.{link.status.value}"
            if changed
            else "opschorting.antwoord-genegeerd",
            casus_id=data.casus_id,
            details={
                "opschorting_id": opschorting.opschorting_id,
                "uitvoerder": link.uitvoerder,
                "instructie_id": link.instructie_id,
                "event_id": event.id,
                "referentie": link.referentie,
            },
        )
        await uow.commit()
        return changed


async def lees_opschorting(opschorting_id: str, uow: UnitOfWork, deps: Deps) -> Opschorting:
    async with uow:
        opschorting = await uow.opschortingen.get(opschorting_id)
    if opschorting is None:
        raise NietGevonden(f"opschorting {opschorting_id} not found", field="opschorting_id")
    return opschorting
