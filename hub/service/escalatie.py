"""Handlers of the escalation to the LET: escalate a casus with its dossier, schedule the
meeting, record the outcome, an action done and knelpunten; read the dossier (only those
invited, each read in the processing log); ask about knelpunten.

Escalating is one transaction: the casus goes to ``opgeschaald`` (``casus.opgeschaald`` on the
casus topic) and the :class:`~hub.domain.escalatie.Escalatie` is recorded
(``escalatie.aangemeld`` on the escalation topic, the processing-log entry of the dossier shared
with the LET), both through the message bus (``hub.service.berichten.escalatie``). The dossier is
built from what the hub knows: the instruments on the casus, the organisations' names and kinds,
and each invited organisation's registered contact, or a flag that it has none.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from hub.domain.afspraak import LOKET
from hub.domain.casus import Casus, OngeldigeTransitie
from hub.domain.escalatie import (
    NL,
    Actiepunt,
    Besluit,
    Contactpunt,
    Document,
    Dossier,
    Escalatie,
    EscalatieStatus,
    Instrumentstand,
    Knelpunt,
    KnelpuntFilter,
    Knelpuntregel,
    Knelpunttelling,
    OngeldigActiepunt,
    OngeldigeStap,
    Overleg,
    Uitnodiging,
)
from hub.domain.selectie import Pagina
from hub.service import verwerkingen
from hub.service.deps import Deps
from hub.service.errors import Conflict, NietGevonden, Ongeldig
from hub.service.escalatie_commands import (
    MeldEscalatieAan,
    OrganisatieIn,
    PlanOverleg,
    RegelIn,
    RegistreerKnelpunt,
    RondActiepuntAf,
    StelUitkomstVast,
)
from hub.service.instrumentlijst import Instrumentlijst
from hub.service.unit_of_work import UnitOfWork
from schemas.gedeeld import Partij, Partijsoort, Regel
from schemas.organisaties import ORGANISATIES, UITVOERDERS, Uitvoerder, per_gemeente

MAX_INSTRUMENTEN = 50
"""Instruments listed in a dossier (newest kinds first); a casus with more is rare."""


@dataclass(frozen=True, slots=True)
class Lezer:
    """Who reads a dossier: its OIN and whether it is the loket or the LET (who always may)."""

    oin: str
    loket: bool = False
    let: bool = False


def _soort_van(code: str) -> Partijsoort:
    if per_gemeente(code) or code.startswith("gemeente-"):
        return Partijsoort.GEMEENTE
    if code in UITVOERDERS:
        return Partijsoort.LANDELIJKE_UITVOERDER
    vast = {
        "loket": Partijsoort.LOKET,
        "let": Partijsoort.LET,
        "zorgverzekeraar": Partijsoort.ZORGVERZEKERAAR,
        "zorgkantoor": Partijsoort.ZORGKANTOOR,
    }
    return vast.get(code, Partijsoort.OVERIG)


BEKENDE_PARTIJEN: dict[str, Partij] = {
    o.oin: Partij(oin=o.oin, naam=o.naam, soort=_soort_van(o.code)) for o in ORGANISATIES
}
"""The organisations the hub knows by OIN (``schemas.organisaties``), as parties."""


def _partij(oin: str, bekend: dict[str, Partij], *, field: str) -> Partij:
    partij = bekend.get(oin) or BEKENDE_PARTIJEN.get(oin)
    if partij is None:
        raise Ongeldig(f"organisation {oin} is not known to the hub here", field=field)
    return partij


async def _organisatie(uow: UnitOfWork, o: OrganisatieIn, i: int) -> Partij:
    """The party by its OIN: as the hub knows it (its own list, else the register); ``naam`` and
    ``soort`` given win, and are required for an organisation the hub does not know."""
    if o.naam is not None and o.soort is not None:
        return Partij(oin=o.oin, naam=o.naam, soort=o.soort)
    bekend = BEKENDE_PARTIJEN.get(o.oin)
    if bekend is None:
        registratie = await uow.register.get(o.oin)
        if registratie is not None:
            g = registratie.gegevens
            bekend = Partij(oin=o.oin, naam=g.organisatie_naam, soort=g.organisatiesoort)
    if bekend is None:
        missing = "naam" if o.naam is None else "soort"
        raise Ongeldig(
            f"organisation {o.oin} is not known to the hub: give its naam and soort",
            field=f"organisaties.{i}.{missing}",
        )
    return Partij(oin=o.oin, naam=o.naam or bekend.naam, soort=o.soort or bekend.soort)


async def _organisaties(
    uow: UnitOfWork, cmd: MeldEscalatieAan, casus: Casus
) -> list[tuple[Partij, OrganisatieIn]]:
    if cmd.organisaties is not None:
        return [(await _organisatie(uow, o, i), o) for i, o in enumerate(cmd.organisaties)]
    if not casus.betrokken_organisaties:
        raise Ongeldig(
            "the casus names no organisations involved: give organisaties", field="organisaties"
        )
    gekozen = []
    for code in casus.betrokken_organisaties:
        org = UITVOERDERS[Uitvoerder(code)]
        gekozen.append((BEKENDE_PARTIJEN[org.oin], OrganisatieIn(oin=org.oin)))
    return gekozen


async def _contacten(uow: UnitOfWork, oins: Sequence[str]) -> dict[str, Contactpunt]:
    """The registered contacts of these organisations (an OIN missing has none)."""
    gevonden = await uow.register.contacten(oins)
    return {
        oin: Contactpunt(team=c.team, email=c.email, telefoon=c.telefoon)
        for oin, c in gevonden.items()
    }


async def _instrumenten(uow: UnitOfWork, casus_id: str) -> tuple[Instrumentstand, ...]:
    """The instruments on the casus, as the hub records them now."""
    standen: list[Instrumentstand] = []
    for opschorting_id in await uow.opschortingen.for_casus(casus_id):
        o = await uow.opschortingen.get(opschorting_id)
        if o is None:
            continue
        status = (
            o.status.value
            if o.lopend
            else ("opgeheven" if o.opgeheven_per is not None else "verlopen")
        )
        agencies = ", ".join(v.uitvoerder for v in o.keten)
        periode = f"{o.ingangsdatum.isoformat()} t/m {o.einddatum.isoformat()}: {agencies}"
        standen.append(Instrumentstand("opschorting", opschorting_id, status, periode))
    for schuldenoverzicht in (False, True):
        ids, _ = await uow.informatieverzoeken.van_casus(
            casus_id, LOKET, Pagina(1, MAX_INSTRUMENTEN), schuldenoverzicht=schuldenoverzicht
        )
        for verzoek_id in ids:
            v = await uow.informatieverzoeken.get(verzoek_id)
            if v is None:
                continue
            soort = "schuldenoverzicht" if schuldenoverzicht else "informatieverzoek"
            uitvoerders = ", ".join(sorted({d.uitvoerder for d in v.delen}))
            standen.append(
                Instrumentstand(soort, verzoek_id, v.status.value, f"{v.doel}: {uitvoerders}")
            )
    return tuple(standen[:MAX_INSTRUMENTEN])


async def _geen_open_escalatie(uow: UnitOfWork, casus_id: str) -> None:
    """A casus the loket took back from the LET may be escalated again, once the LET recorded
    the outcome of the open escalation: two open escalations of one casus would split it."""
    for eerder_id in await uow.escalaties.van_casus(casus_id):
        eerder = await uow.escalaties.get(eerder_id)
        if eerder is not None and eerder.status is not EscalatieStatus.AFGEROND:
            raise Conflict(
                f"casus {casus_id} has an open escalation {eerder_id} ({eerder.status}); "
                "the LET records its outcome first",
                field="casus_id",
            )


async def meld_aan(
    casus_id: str, cmd: MeldEscalatieAan, uow: UnitOfWork, deps: Deps, *, door: str
) -> str:
    """Escalate the casus to the LET with its dossier; returns the escalation id. 409 when the
    casus's status does not allow it (naming the allowed steps)."""
    escalatie_id = str(uuid.uuid4())
    async with uow:
        casus = await uow.casussen.get(casus_id, for_update=True)
        if casus is None:
            raise NietGevonden(f"casus {casus_id} not found", field="casus_id")
        now = deps.clock()
        try:
            casus.schaal_op(door=door, op=now, escalatie_id=escalatie_id, reden=cmd.reden)
        except OngeldigeTransitie as exc:
            raise Conflict(str(exc), field=exc.field) from exc
        await _geen_open_escalatie(uow, casus_id)  # the casus's own status speaks first
        gekozen = await _organisaties(uow, cmd, casus)
        uitgenodigd = [(p, o) for p, o in gekozen if o.uitnodigen]
        if not uitgenodigd:
            raise Ongeldig("invite at least one organisation", field="organisaties")
        contacten = await _contacten(uow, [p.oin for p, _ in uitgenodigd])
        dossier = Dossier(
            samenvatting=cmd.samenvatting,
            vraag=cmd.vraag,
            geprobeerd=cmd.geprobeerd or casus.geprobeerd,
            betrokken_partijen=tuple(p for p, _ in gekozen),
            lopende_instrumenten=await _instrumenten(uow, casus_id),
            documenten=tuple(Document(d.kenmerk, d.titel) for d in cmd.documenten),
        )
        escalatie = Escalatie.meld_aan(
            escalatie_id=escalatie_id,
            casus_id=casus_id,
            dossier=dossier,
            uitnodigingen=tuple(
                Uitnodiging(partij=p, functie=o.functie, contact=contacten.get(p.oin))
                for p, o in uitgenodigd
            ),
            urgentie=casus.urgentie,
            door=door,
            op=now,
        )
        await uow.casussen.save(casus)
        await uow.escalaties.add(escalatie)
        await uow.commit()
    return escalatie_id


async def _stap(escalatie_id: str, uow: UnitOfWork, stap: Callable[[Escalatie], None]) -> Escalatie:
    """Load, let the aggregate take the step, store, commit. A step its status does not allow
    is a 409 naming the status and the allowed ones."""
    async with uow:
        escalatie = await uow.escalaties.get(escalatie_id, for_update=True)
        if escalatie is None:
            raise NietGevonden(f"escalatie {escalatie_id} not found", field="escalatie_id")
        try:
            stap(escalatie)
        except OngeldigeStap as exc:
            raise Conflict(str(exc), field="status") from exc
        except OngeldigActiepunt as exc:
            if exc.bestaat:
                raise Conflict(str(exc), field="nummer") from exc
            raise NietGevonden(str(exc), field="nummer") from exc
        await uow.escalaties.save(escalatie)
        await uow.commit()
        return escalatie


async def plan_overleg(
    escalatie_id: str, cmd: PlanOverleg, uow: UnitOfWork, deps: Deps, *, door: str
) -> Escalatie:
    now = deps.clock()
    if cmd.aanvang.tzinfo is None:
        raise Ongeldig("give the time zone (Z or +01:00)", field="aanvang")
    if cmd.aanvang < now:
        raise Ongeldig("the meeting cannot start in the past", field="aanvang")
    overleg = Overleg(
        overleg_id=str(uuid.uuid4()),
        aanvang=cmd.aanvang.astimezone(dt.UTC),
        duur_minuten=cmd.duur_minuten,
        locatie=cmd.locatie,
        agenda=tuple(cmd.agenda),
        gepland_op=now,
        gepland_door=door,
    )
    return await _stap(escalatie_id, uow, lambda e: e.plan_overleg(overleg, door=door, op=now))


def _betrokken(escalatie: Escalatie) -> dict[str, Partij]:
    return {p.oin: p for p in escalatie.dossier.betrokken_partijen}


async def stel_uitkomst_vast(
    escalatie_id: str, cmd: StelUitkomstVast, uow: UnitOfWork, deps: Deps, *, door: str
) -> Escalatie:
    now = deps.clock()
    vandaag = now.astimezone(NL).date()

    def stap(e: Escalatie) -> None:
        bekend = _betrokken(e)
        verantwoordelijke = (
            None
            if cmd.verantwoordelijke is None
            else _partij(cmd.verantwoordelijke, bekend, field="verantwoordelijke")
        )
        if cmd.uitkomst.value == "oplossing" and verantwoordelijke is None:
            raise Ongeldig("required when uitkomst is 'oplossing'", field="verantwoordelijke")
        actiepunten = []
        for i, a in enumerate(cmd.actiepunten):
            if a.uiterlijk < vandaag:
                raise Ongeldig(
                    f"the deadline is before today ({vandaag.isoformat()})",
                    field=f"actiepunten.{i}.uiterlijk",
                )
            partij = _partij(
                a.verantwoordelijke, bekend, field=f"actiepunten.{i}.verantwoordelijke"
            )
            actiepunten.append(Actiepunt(i + 1, a.omschrijving, partij, a.uiterlijk))
        besluit = Besluit(cmd.uitkomst, cmd.besluit, verantwoordelijke, now, door)
        e.stel_uitkomst_vast(besluit, tuple(actiepunten), door=door, op=now)

    return await _stap(escalatie_id, uow, stap)


async def rond_actiepunt_af(
    escalatie_id: str,
    nummer: int,
    cmd: RondActiepuntAf,
    uow: UnitOfWork,
    deps: Deps,
    *,
    door: str,
) -> Escalatie:
    now = deps.clock()
    return await _stap(
        escalatie_id,
        uow,
        lambda e: e.rond_actiepunt_af(nummer, toelichting=cmd.toelichting, door=door, op=now),
    )


def _regel(regel: RegelIn | None) -> Regel | None:
    if regel is None:
        return None
    return Regel(regeling=regel.regeling, artikel=regel.artikel, bwb_id=regel.bwb_id)


async def registreer_knelpunt(
    escalatie_id: str, cmd: RegistreerKnelpunt, uow: UnitOfWork, deps: Deps, *, door: str
) -> str:
    """Record a knelpunt on the escalation; returns its id."""
    if cmd.categorie.value == "wetgeving" and cmd.regel is None:
        raise Ongeldig("required when categorie is 'wetgeving'", field="regel")
    now = deps.clock()
    knelpunt_id = str(uuid.uuid4())

    def stap(e: Escalatie) -> None:
        bekend = _betrokken(e)
        partijen = tuple(
            _partij(oin, bekend, field=f"betrokken_partijen.{i}")
            for i, oin in enumerate(cmd.betrokken_partijen)
        )
        knelpunt = Knelpunt(
            knelpunt_id=knelpunt_id,
            categorie=cmd.categorie,
            regel=_regel(cmd.regel),
            omschrijving=cmd.omschrijving,
            betrokken_partijen=partijen,
            voorstel=cmd.voorstel,
            geregistreerd_op=now,
        )
        e.registreer_knelpunt(knelpunt, door=door, op=now)

    await _stap(escalatie_id, uow, stap)
    return knelpunt_id


def mag_lezen(escalatie: Escalatie, lezer: Lezer) -> bool:
    """The loket, the LET and the organisations invited; no one else."""
    return lezer.loket or lezer.let or escalatie.is_uitgenodigd(lezer.oin)


async def lees_escalatie(escalatie_id: str, uow: UnitOfWork, lezer: Lezer) -> Escalatie:
    """The escalation with its dossier, for those who may read it (others: 404, so an
    organisation not invited cannot tell whether it exists). A read by an organisation invited
    is information shared: a processing-log entry and an audit entry, committed before the
    dossier is answered. The loket wrote the dossier and the LET received it when it was
    escalated (logged then), so their reads share nothing new."""
    async with uow:
        escalatie = await uow.escalaties.get(escalatie_id)
        if escalatie is None or not mag_lezen(escalatie, lezer):
            raise NietGevonden(f"escalatie {escalatie_id} not found", field="escalatie_id")
        if not (lezer.loket or lezer.let):
            await verwerkingen.log_escalatiedossier(
                uow,
                escalatie.casus_id,
                await uow.casussen.leden(escalatie.casus_id),
                loket=escalatie.aangemeld_door,
                ontvanger=lezer.oin,
            )
            uow.audit.record(
                actor=f"urn:nld:oin:{lezer.oin}",
                actie="escalatie.dossier-gelezen",
                casus_id=escalatie.casus_id,
                details={"escalatie_id": escalatie_id},
            )
            await uow.commit()
        return escalatie


async def escalaties_van_casus(casus_id: str, uow: UnitOfWork) -> list[str]:
    async with uow:
        return await uow.escalaties.van_casus(casus_id)


async def zoek_escalaties(
    statussen: Iterable[EscalatieStatus], pagina: Pagina, uow: UnitOfWork
) -> tuple[list[Escalatie], int]:
    async with uow:
        return await uow.escalaties.zoek(tuple(statussen), pagina)


async def zoek_knelpunten(
    filter: KnelpuntFilter, pagina: Pagina, uow: UnitOfWork
) -> tuple[list[Knelpuntregel], int]:
    async with uow:
        return await uow.escalaties.knelpunten(filter, pagina)


async def knelpuntrapport(filter: KnelpuntFilter, uow: UnitOfWork) -> Knelpunttelling:
    async with uow:
        return await uow.escalaties.tel_knelpunten(filter)


async def achterstallige_actiepunten(uow: UnitOfWork, deps: Deps) -> int:
    """Open actions past their deadline, over all escalations."""
    async with uow:
        return await uow.escalaties.tel_achterstallig(deps.clock().astimezone(NL).date())


async def _op_casus(uow: UnitOfWork, casus_id: str) -> list[str]:
    return await uow.escalaties.van_casus(casus_id)


INSTRUMENTLIJST = Instrumentlijst(
    "escalaties", "Ids of its escalations to the LET, oldest first.", _op_casus
)
"""The casus view's list of escalations."""
