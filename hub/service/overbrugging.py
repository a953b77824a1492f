"""Handlers for the bridging procedure (overbrugging): request, decide, pre-finance, designate
the responsible party, ask for and book repayments, and the overviews.

A handler loads the bridging, calls one step of the aggregate and commits: the aggregate checks
the rule and records the domain event, the bus (``hub.service.berichten.overbrugging``) turns it
into its contract message on ``maatwerk.overbrugging.v1`` and the audit entry, in the same
transaction. A step the state does not allow is a 409 naming the state and the allowed steps; a
booking that breaks a rule of the books is a 422 naming the field, and nothing is stored (the
unit of work rolls back). Who may take which step is the entry point's (roles); ``door`` is the
proven caller.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from hub.domain.casus import CasusStatus
from hub.domain.grootboek import OngeldigeBoeking
from hub.domain.opschorting import NL
from hub.domain.overbrugging import (
    Afwijzing,
    Betaling,
    Financier,
    GelijktijdigGewijzigd,
    OngeldigeStap,
    Openstaand,
    Organisatie,
    Overbrugging,
    Terugbetaling,
    Terugvordering,
    Toekenning,
    Verantwoordelijke,
)
from hub.service.commands import (
    BoekTerugbetaling,
    BoekVoorfinanciering,
    KenOverbruggingToe,
    PartijIn,
    VraagOverbruggingAan,
    VraagTerugbetaling,
    WijsOverbruggingAf,
    WijsVerantwoordelijkeAan,
)
from hub.service.deps import Deps
from hub.service.errors import Conflict, NietGevonden, Ongeldig
from hub.service.instrumentlijst import Instrumentlijst
from hub.service.unit_of_work import UnitOfWork
from schemas.casus import Urgentie
from schemas.gedeeld import Partijsoort
from schemas.organisaties import LOKET

T = TypeVar("T")

OPEN_CASUS = (CasusStatus.GEACCEPTEERD, CasusStatus.IN_BEHANDELING, CasusStatus.OPGESCHAALD)
"""A casus the loket is working on: the only ones a bridging can be asked for."""


def _organisatie(invoer: PartijIn) -> Organisatie:
    return Organisatie(oin=invoer.oin, naam=invoer.naam, soort=invoer.soort.value)


def loket_als_partij(oin: str) -> Organisatie:
    """The loket that decides, and pre-finances, as a message names it."""
    return Organisatie(oin=oin, naam=LOKET.naam, soort=Partijsoort.LOKET.value)


async def organisatie_van(oin: str, uow: UnitOfWork) -> Organisatie | None:
    """An organisation in the register (the Landelijk Maatwerkregister) by its OIN, with the
    name and kind it entered; None when it has no current entry."""
    registratie = await uow.register.get(oin)
    if registratie is None:
        return None
    g = registratie.gegevens
    return Organisatie(oin=oin, naam=g.organisatie_naam, soort=g.organisatiesoort.value)


async def vraag_aan(
    casus_id: str, cmd: VraagOverbruggingAan, uow: UnitOfWork, deps: Deps, *, door: str
) -> str:
    """Record a request to bridge on an open casus; returns its id."""
    nu = deps.clock()
    async with uow:
        casus = await uow.casussen.get(casus_id)
        if casus is None:
            raise NietGevonden(f"casus {casus_id} not found", field="casus_id")
        if casus.status not in OPEN_CASUS:
            allowed = ", ".join(OPEN_CASUS)
            raise Conflict(
                f"casus {casus_id} is {casus.status}: a bridging needs a casus that is {allowed}",
                field="casus_id",
            )
        urgent = cmd.urgent
        if urgent is None:
            urgent = casus.urgentie in (Urgentie.HOOG, Urgentie.ACUUT)
        overbrugging = _domein(
            lambda: Overbrugging.vraag_aan(
                overbrugging_id=str(uuid.uuid4()),
                casus_id=casus_id,
                zorgvoorziening=cmd.zorgvoorziening,
                mogelijke_financiers=tuple(
                    Financier(_organisatie(f), f.kader.value) for f in cmd.mogelijke_financiers
                ),
                geraamd_centen=cmd.geraamd_bedrag_centen,
                aanvrager=_organisatie(cmd.aanvrager),
                urgent=urgent,
                door=door,
                nu=nu,
            )
        )
        await uow.overbruggingen.add(overbrugging)
        await uow.commit()
    return overbrugging.overbrugging_id


def _domein(stap: Callable[[], T]) -> T:
    """Run one step of the aggregate, its refusals as the API's errors."""
    try:
        return stap()
    except OngeldigeStap as exc:
        raise Conflict(str(exc), field="status") from exc
    except OngeldigeBoeking as exc:
        raise Ongeldig(exc.message, field=exc.field) from exc


async def _stap(
    overbrugging_id: str,
    uow: UnitOfWork,
    stap: Callable[[Overbrugging], None],
) -> None:
    """Load, take one step, store and commit; a refused step stores nothing."""
    async with uow:
        overbrugging = await uow.overbruggingen.get(overbrugging_id, for_update=True)
        if overbrugging is None:
            raise NietGevonden(f"overbrugging {overbrugging_id} not found", field="overbrugging_id")
        _domein(lambda: stap(overbrugging))
        try:
            await uow.overbruggingen.save(overbrugging)
        except GelijktijdigGewijzigd as exc:
            raise Conflict(
                f"overbrugging {overbrugging_id} changed meanwhile; read it and try again",
                field="overbrugging_id",
            ) from exc
        await uow.commit()


async def ken_toe(
    overbrugging_id: str,
    cmd: KenOverbruggingToe,
    uow: UnitOfWork,
    deps: Deps,
    *,
    door: str,
    oin: str,
) -> None:
    """The loket grants the bridging; the loket (``oin``, the caller) pre-finances it."""
    nu = deps.clock()
    toekenning = Toekenning(
        voorfinancierder=loket_als_partij(oin),
        maximum_centen=cmd.maximum_bedrag_centen,
        ingangsdatum=cmd.ingangsdatum or nu.astimezone(NL).date(),
        toelichting=cmd.toelichting,
    )
    await _stap(overbrugging_id, uow, lambda o: o.ken_toe(toekenning, door=door, nu=nu))


async def wijs_af(
    overbrugging_id: str, cmd: WijsOverbruggingAf, uow: UnitOfWork, deps: Deps, *, door: str
) -> None:
    nu = deps.clock()
    afwijzing = Afwijzing(redencode=cmd.redencode.value, reden=cmd.reden)
    await _stap(overbrugging_id, uow, lambda o: o.wijs_af(afwijzing, door=door, nu=nu))


async def betaal(
    overbrugging_id: str, cmd: BoekVoorfinanciering, uow: UnitOfWork, deps: Deps, *, door: str
) -> str:
    """Book a pre-financing payment; a payment reference is booked once per bridging."""
    nu = deps.clock()
    betaling = Betaling(
        betaling_id=str(uuid.uuid4()),
        centen=cmd.bedrag_centen,
        ontvanger=cmd.ontvanger,
        betaaldatum=cmd.betaaldatum,
        betalingskenmerk=cmd.betalingskenmerk,
        geboekt_op=nu,
    )

    def stap(o: Overbrugging) -> None:
        if any(b.betalingskenmerk == cmd.betalingskenmerk for b in o.betalingen):
            raise Conflict(
                f"a payment with betalingskenmerk {cmd.betalingskenmerk} is booked already",
                field="betalingskenmerk",
            )
        o.betaal(betaling, door=door, nu=nu)

    await _stap(overbrugging_id, uow, stap)
    return betaling.betaling_id


async def wijs_verantwoordelijke_aan(
    overbrugging_id: str, cmd: WijsVerantwoordelijkeAan, uow: UnitOfWork, deps: Deps, *, door: str
) -> None:
    """The LET designates the responsible party (an organisation the hub knows); what is owed
    now is asked of it at once (``TerugbetalingGevraagd``), due in ``betaaltermijn_dagen``."""
    nu = deps.clock()
    async with uow:
        organisatie = await organisatie_van(cmd.verantwoordelijke_oin, uow)
    if organisatie is None:
        raise Ongeldig(
            f"OIN {cmd.verantwoordelijke_oin} is not an organisation in the register",
            field="verantwoordelijke_oin",
        )
    verantwoordelijke = Verantwoordelijke(
        organisatie=organisatie,
        kader=cmd.kader.value,
        motivering=cmd.motivering,
        escalatie_id=cmd.escalatie_id,
        aangewezen_op=nu,
    )
    vandaag = nu.astimezone(NL).date()

    def stap(o: Overbrugging) -> None:
        o.wijs_verantwoordelijke_aan(verantwoordelijke, door=door, nu=nu)
        if o.te_vragen_centen > 0:
            o.vraag_terugbetaling(
                verzoek_id=str(uuid.uuid4()),
                uiterlijk=vandaag + dt.timedelta(days=cmd.betaaltermijn_dagen),
                vandaag=vandaag,
                door=door,
                nu=nu,
            )

    await _stap(overbrugging_id, uow, stap)


async def vraag_terugbetaling(
    overbrugging_id: str, cmd: VraagTerugbetaling, uow: UnitOfWork, deps: Deps, *, door: str
) -> str:
    """Ask the responsible party for what was pre-financed since its last request."""
    nu = deps.clock()
    vandaag = nu.astimezone(NL).date()
    verzoek_id = str(uuid.uuid4())

    def stap(o: Overbrugging) -> None:
        o.vraag_terugbetaling(
            verzoek_id=verzoek_id,
            uiterlijk=vandaag + dt.timedelta(days=cmd.betaaltermijn_dagen),
            vandaag=vandaag,
            door=door,
            nu=nu,
        )

    await _stap(overbrugging_id, uow, stap)
    return verzoek_id


async def ontvang_terugbetaling(
    overbrugging_id: str, cmd: BoekTerugbetaling, uow: UnitOfWork, deps: Deps, *, door: str
) -> str:
    """Book a repayment received against one request (part payments allowed)."""
    nu = deps.clock()
    terugbetaling = Terugbetaling(
        terugbetaling_id=str(uuid.uuid4()),
        verzoek_id=cmd.verzoek_id,
        centen=cmd.bedrag_centen,
        ontvangstdatum=cmd.ontvangstdatum,
        geboekt_op=nu,
    )
    await _stap(
        overbrugging_id, uow, lambda o: o.ontvang_terugbetaling(terugbetaling, door=door, nu=nu)
    )
    return terugbetaling.terugbetaling_id


async def lees(overbrugging_id: str, uow: UnitOfWork) -> Overbrugging:
    async with uow:
        overbrugging = await uow.overbruggingen.get(overbrugging_id)
    if overbrugging is None:
        raise NietGevonden(f"overbrugging {overbrugging_id} not found", field="overbrugging_id")
    return overbrugging


async def van_casus(casus_id: str, uow: UnitOfWork) -> list[Overbrugging]:
    async with uow:
        if await uow.casussen.get(casus_id) is None:
            raise NietGevonden(f"casus {casus_id} not found", field="casus_id")
        ids = await uow.overbruggingen.van_casus(casus_id)
        found = [await uow.overbruggingen.get(i) for i in ids]
    return [o for o in found if o is not None]


@dataclass(frozen=True, slots=True)
class Geldoverzicht:
    """The overview: outstanding per responsible party, and the repayments overdue."""

    op: dt.datetime
    openstaand: list[Openstaand]
    achterstallig: list[Terugvordering]


async def geldoverzicht(uow: UnitOfWork, deps: Deps) -> Geldoverzicht:
    nu = deps.clock()
    async with uow:
        return Geldoverzicht(
            op=nu,
            openstaand=await uow.overbruggingen.openstaand(),
            achterstallig=await uow.overbruggingen.achterstallig(nu.astimezone(NL).date()),
        )


async def terugvorderingen_aan(betaler_oin: str, uow: UnitOfWork) -> list[Terugvordering]:
    """The repayment requests to one party (the caller itself, by its certificate)."""
    async with uow:
        return await uow.overbruggingen.aan(betaler_oin)


@dataclass(frozen=True, slots=True)
class Onbeslist:
    """The bridgings waiting for the loket's decision (the ops overview shows them)."""

    aantal: int
    urgent: list[Overbrugging]
    """The urgent ones, longest waiting first."""


async def onbeslist(uow: UnitOfWork) -> Onbeslist:
    async with uow:
        wachtend = await uow.overbruggingen.onbeslist()
    return Onbeslist(aantal=len(wachtend), urgent=[o for o in wachtend if o.urgent])


async def _op_casus(uow: UnitOfWork, casus_id: str) -> list[str]:
    return await uow.overbruggingen.van_casus(casus_id)


INSTRUMENTLIJST = Instrumentlijst(
    "overbruggingen",
    "Ids of its bridgings, oldest first (GET /api/v1/overbruggingen/{id}).",
    _op_casus,
)
"""The casus view's list of bridgings."""
