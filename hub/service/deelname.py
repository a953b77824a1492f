"""Instructions that ask an installed agency to take part: an invitation to an escalation (LET)
and a repayment request of the bridging procedure, and their answers.

An escalation invites organisations and the bridging procedure asks its responsible party to
repay; both are recorded and published on the instrument's own topic as before, and parties that
are no installed agency read them over the API as before. An organisation that IS an installed
agency (its OIN is an :class:`~schemas.organisaties.Uitvoerder`'s from the settings, or the
casus's ``woongemeente`` for ``gemeente``) whose key the hub has also gets an instruction on its
own instruction topic, in the same transaction (outbox), as a :class:`~hub.domain.verzoek.Verzoek`
(soort ``uitnodiging`` / ``terugbetaling``) keyed on the instruction's event id. Its connector's
answer comes back through the one answer handler (every check of :mod:`hub.service.antwoorden`,
idempotent on the event id) by :data:`ANTWOORD_ROUTE`: received / accepted with the agency's
reference (``confirmed``), or refused with a reason code (``refused``); audited with the
answering agency as actor. Delivery trouble makes it ``undeliverable`` like any request.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from hub.adapters.telemetry import current_traceparent
from hub.domain.casus import Casus, Lid
from hub.domain.escalatie import Escalatie
from hub.domain.verwerking import Betrokkene, Verwerking, oin_van_door
from hub.domain.verzoek import OnverwachtAntwoord, Uitkomst, Verzoek, VerzoekSoort, VerzoekStatus
from hub.service.deps import Deps
from hub.service.routes import Route
from hub.service.unit_of_work import UnitOfWork
from schemas.escalatie import EscalatieUitnodigingGeweigerd, EscalatieUitnodigingOntvangen
from schemas.opschorting import PersoonVersleuteld
from schemas.organisaties import Uitvoerder, per_gemeente
from schemas.overbrugging import TerugbetalingsverzoekAanvaard, TerugbetalingsverzoekGeweigerd
from schemas.tracing import trace_id_of

NAMESPACE = uuid.UUID("5b0d7c1e-3f52-4f8e-9a61-6d1c2a8e4b70")
"""Instruction ids are uuid5(NAMESPACE, '<soort>/<keten>/<agency>'): a retried step yields the
same id, so the agency's back-office (idempotent on it) registers it once."""

ANTWOORDTERMIJN = dt.timedelta(days=5)
"""How long an agency has to answer an invitation or a repayment request."""

DOEL_UITNODIGING = "escalatie-uitnodiging"
DOEL_TERUGBETALING = "overbrugging-terugbetalingsverzoek"
GRONDSLAG_DEELNAME = "Escalatie en overbruggingsprocedure (Programma Maatwerk)"


def instructie_id(soort: VerzoekSoort, keten_id: str, uitvoerder: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{soort.value}/{keten_id}/{uitvoerder}"))


def uitvoerder_van(oin: str, casus: Casus | None, deps: Deps) -> Uitvoerder | None:
    """The installed agency whose OIN ``oin`` is; a municipality is the agency that serves the
    municipalities (``per_gemeente``, e.g. gemeente) when it is the casus's woongemeente (one
    connector serves them all, and routes by the municipality: that connector's own OIN names no
    municipality). None: no installed agency."""
    for u in Uitvoerder:
        if not per_gemeente(u) and deps.settings.oin_van(u) == oin:
            return u
    if casus is not None and casus.woongemeente == oin:
        return next((u for u in Uitvoerder if per_gemeente(u)), None)
    return None


def aangesloten_uitvoerder(oin: str, casus: Casus | None, deps: Deps) -> Uitvoerder | None:
    """:func:`uitvoerder_van`, when the hub has its key too (it can seal for it). None: the
    organisation keeps the API path."""
    gevonden = uitvoerder_van(oin, casus, deps)
    if gevonden is None or not deps.keys.is_connected(gevonden.value):
        return None
    return gevonden


async def uitnodigingsinstructies(
    escalatie: Escalatie, uow: UnitOfWork, deps: Deps
) -> dict[str, Verzoek]:
    """Per invited organisation (OIN) that got an instruction: its latest (the one for the
    meeting as now planned), with the agency's answer."""
    async with uow:
        casus = await uow.casussen.get(escalatie.casus_id)
        verzoeken = await uow.verzoeken.van_instrument(escalatie.escalatie_id)
    laatste: dict[str, Verzoek] = {}
    for v in sorted(verzoeken, key=lambda v: v.reageer_uiterlijk):
        if v.soort is VerzoekSoort.UITNODIGING:
            laatste[v.uitvoerder] = v
    per_oin: dict[str, Verzoek] = {}
    for u in escalatie.uitnodigingen:
        uitvoerder = uitvoerder_van(u.partij.oin, casus, deps)
        if uitvoerder is not None and uitvoerder.value in laatste:
            per_oin[u.partij.oin] = laatste[uitvoerder.value]
    return per_oin


async def terugbetalingsinstructies(overbrugging_id: str, uow: UnitOfWork) -> dict[str, Verzoek]:
    """Per repayment request (its ``verzoek_id``) sent to an agency: its request, with the
    agency's answer."""
    async with uow:
        verzoeken = await uow.verzoeken.van_instrument(overbrugging_id)
    return {v.keten_id: v for v in verzoeken if v.soort is VerzoekSoort.TERUGBETALING}


async def personen(
    casus_id: str,
    uitvoerder: Uitvoerder,
    uow: UnitOfWork,
    deps: Deps,
    *,
    ontvanger: str,
    door: str,
    doel: str,
) -> tuple[PersoonVersleuteld, ...]:
    """The household, each BSN sealed for ``uitvoerder`` only; logged as a processing activity
    (to ``ontvanger``, the organisation's OIN) in the transaction that queues the instruction."""
    leden = await uow.casussen.leden(casus_id)
    await _log(uow, casus_id, ontvanger, leden, door=door, doel=doel)
    return tuple(
        PersoonVersleuteld(
            pseudoniem=lid.pseudoniem,
            bsn_versleuteld=deps.keys.seal_for(
                uitvoerder.value, deps.secrets.ontsleutel_opslag(lid.bsn_opgeslagen)
            ),
        )
        for lid in leden
    )


async def _log(
    uow: UnitOfWork, casus_id: str, ontvanger: str, leden: list[Lid], *, door: str, doel: str
) -> None:
    await uow.verwerkingen.add(
        Verwerking(
            verwerking_id=str(uuid.uuid4()),
            op=uow.clock(),
            vrager=oin_van_door(door),
            verstrekker=oin_van_door(door),
            ontvanger=ontvanger,
            doel=doel,
            grondslag=GRONDSLAG_DEELNAME,
            categorieen=("bsn",),
            betrokkenen=tuple(
                Betrokkene(pseudoniem=lid.pseudoniem, bsn_zoeksleutel=lid.bsn_zoeksleutel)
                for lid in leden
            ),
            casus_id=casus_id,
            trace_id=trace_id_of(current_traceparent()),
        )
    )


def nieuw_verzoek(
    soort: VerzoekSoort,
    *,
    keten_id: str,
    instrument_id: str,
    casus_id: str,
    uitvoerder: Uitvoerder,
    nu: dt.datetime,
) -> Verzoek:
    """The request the instruction is recorded as (pending until its answer)."""
    return Verzoek(
        instructie_id=instructie_id(soort, keten_id, uitvoerder.value),
        soort=soort,
        keten_id=keten_id,
        instrument_id=instrument_id,
        casus_id=casus_id,
        uitvoerder=uitvoerder.value,
        reageer_uiterlijk=nu + ANTWOORDTERMIJN,
    )


_BEVESTIGD = (EscalatieUitnodigingOntvangen, TerugbetalingsverzoekAanvaard)


def _status(data: Any) -> VerzoekStatus:
    return VerzoekStatus.CONFIRMED if isinstance(data, _BEVESTIGD) else VerzoekStatus.REFUSED


async def _beantwoord(
    instrument_id: str, uitvoerder: str, data: Any, uow: UnitOfWork, *, door: str, event_id: str
) -> bool:
    """Record the answer on its request (the first answer wins) and audit it."""
    verzoek = await uow.verzoeken.get(data.instructie_id, for_update=True)
    if verzoek is None:
        raise OnverwachtAntwoord(f"no request {data.instructie_id}")
    verwacht = (
        VerzoekSoort.UITNODIGING
        if isinstance(data, EscalatieUitnodigingOntvangen | EscalatieUitnodigingGeweigerd)
        else VerzoekSoort.TERUGBETALING
    )
    if verzoek.soort is not verwacht:
        raise OnverwachtAntwoord(
            f"instruction {verzoek.instructie_id} is a {verzoek.soort.value} request, "
            f"not a {verwacht.value} request"
        )
    uitkomst = Uitkomst(
        instructie_id=data.instructie_id,
        status=_status(data),
        beantwoord_op=data.beantwoord_op,
        referentie=data.referentie,
        redencode=getattr(data, "redencode", None),
        reden=getattr(data, "reden", None),
    )
    gewijzigd = verzoek.verwerk(uitkomst, uow.clock())
    if gewijzigd:
        await uow.verzoeken.save(verzoek)
    uow.audit.record(
        actor=door,
        actie=f"{verzoek.soort.value}.beantwoord" if gewijzigd else "verzoek.antwoord-genegeerd",
        casus_id=verzoek.casus_id,
        details={
            "instructie_id": verzoek.instructie_id,
            "instrument_id": verzoek.instrument_id,
            "uitvoerder": uitvoerder,
            "status": uitkomst.status.value,
            "referentie": uitkomst.referentie,
            "redencode": None if uitkomst.redencode is None else str(uitkomst.redencode),
            "event_id": event_id,
        },
    )
    return gewijzigd


ANTWOORD_ROUTE = Route(
    antwoorden=(
        EscalatieUitnodigingOntvangen,
        EscalatieUitnodigingGeweigerd,
        TerugbetalingsverzoekAanvaard,
        TerugbetalingsverzoekGeweigerd,
    ),
    instructie_id=lambda data: data.instructie_id,
    uitvoerder=lambda data: data.uitvoerder.value,
    status=lambda data: _status(data).value,
    beantwoord=_beantwoord,
)
"""How the answers to invitations and repayment requests are read and applied (listed in
``hub.bootstrap``)."""
