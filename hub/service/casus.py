"""Handlers for the casus: submit it, move it through its lifecycle, read it, list casussen.

A handler loads the aggregate, calls one of its methods and commits; the aggregate checks the
rule and records the domain event, the message bus (``hub.service.berichten.casus``) turns the
event into the ``casus.*`` message and the audit entry in the same transaction. No handler builds
a contract message.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import structlog

from hub.domain.casus import Casus, Lid, Maatwerkfunctionaris, OngeldigeTransitie, nieuw_casus_id
from hub.domain.verzoek import Verzoek, VerzoekStatus
from hub.service.commands import (
    AccepteerCasus,
    DienCasusIn,
    LosCasusOp,
    NeemCasusInBehandeling,
    SchaalCasusOp,
    SluitCasus,
    WijsCasusAf,
)
from hub.service.deps import Deps
from hub.service.errors import Conflict, NietGevonden
from hub.service.instrumentlijst import Instrumentlijst, instrumenten
from hub.service.queries import ZoekCasussen
from hub.service.unit_of_work import UnitOfWork

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class CasusDossier:
    """A casus with the instruments on it, as the loket reads it."""

    casus: Casus
    opschortingen: list[str]
    """Ids of its time-outs, oldest first."""
    onbestelbaar: list[Verzoek] = field(default_factory=list)
    """Its requests that are undeliverable now (``hub.service.aflevering``)."""
    instrumenten: dict[str, list[str]] = field(default_factory=dict)
    """Per kind of instrument (its :class:`~hub.service.instrumentlijst.Instrumentlijst`'s key),
    the ids of those on the casus."""


@dataclass(frozen=True, slots=True)
class CasusLijst:
    items: list[Casus]
    totaal: int
    pagina: int
    per_pagina: int


async def dien_casus_in(cmd: DienCasusIn, uow: UnitOfWork, deps: Deps, *, door: str) -> str:
    """Record a new casus; ``casus.ingediend`` goes out on commit. Returns the casus id.

    ``door`` is the proven caller (``urn:nld:oin:<OIN>``), the actor in the audit trail; the
    body's ``indiener_oin`` is the submitting organisation, an attribute of the casus only."""
    now = deps.clock()
    casus_id = nieuw_casus_id(now)
    leden = tuple(
        Lid(
            pseudoniem=deps.secrets.pseudoniem(casus_id, lid.bsn),
            rol=lid.rol,
            bsn_opgeslagen=deps.secrets.versleutel_opslag(lid.bsn),
            bsn_zoeksleutel=deps.secrets.zoeksleutel(lid.bsn),
        )
        for lid in cmd.huishouden
    )
    casus = Casus.dien_in(
        casus_id=casus_id,
        indiener_oin=cmd.indiener_oin,
        maatwerkfunctionaris=Maatwerkfunctionaris(**cmd.maatwerkfunctionaris.model_dump()),
        leden=leden,
        probleemdomeinen=tuple(cmd.probleemdomeinen),
        betrokken_organisaties=tuple(cmd.betrokken_organisaties),
        geprobeerd=cmd.geprobeerd,
        urgentie=cmd.urgentie,
        gevraagde_instrumenten=tuple(cmd.gevraagde_instrumenten),
        door=door,
        op=now,
        woongemeente=cmd.woongemeente,
    )
    async with uow:
        await uow.casussen.add(casus)
        await uow.commit()
    return casus.casus_id


async def accepteer_casus(
    casus_id: str, cmd: AccepteerCasus, uow: UnitOfWork, deps: Deps, *, door: str
) -> None:
    await _transitie(
        casus_id,
        uow,
        lambda casus: casus.accepteer(door=door, op=deps.clock(), toelichting=cmd.toelichting),
    )


async def wijs_casus_af(
    casus_id: str, cmd: WijsCasusAf, uow: UnitOfWork, deps: Deps, *, door: str
) -> None:
    await _transitie(
        casus_id,
        uow,
        lambda casus: casus.wijs_af(
            door=door, op=deps.clock(), redencode=cmd.redencode, reden=cmd.reden, advies=cmd.advies
        ),
    )


async def neem_casus_in_behandeling(
    casus_id: str, cmd: NeemCasusInBehandeling, uow: UnitOfWork, deps: Deps, *, door: str
) -> None:
    await _transitie(
        casus_id,
        uow,
        lambda casus: casus.neem_in_behandeling(
            door=door, op=deps.clock(), behandelteam=cmd.behandelteam
        ),
    )


async def schaal_casus_op(
    casus_id: str, cmd: SchaalCasusOp, uow: UnitOfWork, deps: Deps, *, door: str
) -> str:
    """Escalate to the LET. Returns the escalation id the hub assigned (the LET's dossier will
    refer to it)."""
    escalatie_id = str(uuid.uuid4())
    await _transitie(
        casus_id,
        uow,
        lambda casus: casus.schaal_op(
            door=door, op=deps.clock(), escalatie_id=escalatie_id, reden=cmd.reden
        ),
    )
    return escalatie_id


async def los_casus_op(
    casus_id: str, cmd: LosCasusOp, uow: UnitOfWork, deps: Deps, *, door: str
) -> None:
    await _transitie(
        casus_id,
        uow,
        lambda casus: casus.los_op(
            door=door,
            op=deps.clock(),
            oplossing=cmd.oplossing,
            ingezette_instrumenten=tuple(cmd.ingezette_instrumenten),
        ),
    )


async def sluit_casus(
    casus_id: str, cmd: SluitCasus, uow: UnitOfWork, deps: Deps, *, door: str
) -> None:
    await _transitie(
        casus_id,
        uow,
        lambda casus: casus.sluit(
            door=door, op=deps.clock(), redencode=cmd.redencode, toelichting=cmd.toelichting
        ),
    )


async def _transitie(casus_id: str, uow: UnitOfWork, stap: Callable[[Casus], None]) -> None:
    """Load, let the aggregate take the step, store, commit. A step the status does not allow is
    a :class:`Conflict` naming the current status and the allowed ones."""
    async with uow:
        casus = await uow.casussen.get(casus_id, for_update=True)
        if casus is None:
            raise NietGevonden(f"casus {casus_id} not found", field="casus_id")
        try:
            stap(casus)
        except OngeldigeTransitie as exc:
            raise Conflict(str(exc), field=exc.field) from exc
        await uow.casussen.save(casus)
        await uow.commit()


async def lees_casus(
    casus_id: str, uow: UnitOfWork, lijsten: Iterable[Instrumentlijst] = ()
) -> CasusDossier:
    """The casus, and the instruments on it of each kind in ``lijsten`` (the hub's are
    ``hub.bootstrap.INSTRUMENTLIJSTEN``)."""
    async with uow:
        casus = await uow.casussen.get(casus_id)
        if casus is None:
            raise NietGevonden(f"casus {casus_id} not found", field="casus_id")
        return CasusDossier(
            casus=casus,
            opschortingen=await uow.opschortingen.for_casus(casus_id),
            onbestelbaar=await uow.verzoeken.van_casus(casus_id, [VerzoekStatus.UNDELIVERABLE]),
            instrumenten=await instrumenten(lijsten, uow, casus_id),
        )


async def zoek_casussen(vraag: ZoekCasussen, uow: UnitOfWork) -> CasusLijst:
    async with uow:
        items, totaal = await uow.casussen.list(vraag.filter(), vraag.sorteer, vraag.als_pagina())
    return CasusLijst(items=items, totaal=totaal, pagina=vraag.pagina, per_pagina=vraag.per_pagina)


async def lees_audit(casus_id: str, uow: UnitOfWork) -> list[dict[str, Any]]:
    """The audit trail of a casus, oldest first; each entry with its place in the chain of the
    whole trail (``sequence``) and its hash, so a reader can check it against a verification."""
    async with uow:
        if await uow.casussen.get(casus_id) is None:
            raise NietGevonden(f"casus {casus_id} not found", field="casus_id")
        return [
            {
                "sequence": row.sequence,
                "at": row.at,
                "actor": row.actor,
                "actie": row.actie,
                "details": row.details,
                "hash": row.hash,
            }
            for row in await uow.audit.for_casus(casus_id)
        ]


async def casussen_van(bsn: str, uow: UnitOfWork, deps: Deps) -> list[str]:
    """The ids of the casussen this person is a household member of, by the hub's lookup key
    (pseudonyms differ per casus and cannot find them). For the hub's own checks only, such as
    whether a time-out is in force for this person; never an answer to a caller as such."""
    async with uow:
        return await uow.casussen.casus_ids_van(deps.secrets.zoeksleutel(bsn))


async def vul_zoeksleutels_aan(
    uow: Callable[[], UnitOfWork], deps: Deps, *, per_keer: int = 500
) -> int:
    """Give every household member stored before revision 0009 its lookup key; returns how many.

    The migration cannot: it has no access to the hub's secrets. The hub calls this when it
    starts, after the migrations (``hub.bootstrap.build_hub``), so every look-up across casussen
    sees every casus. It commits per ``per_keer`` rows; once filled, a start costs one indexed
    query. Idempotent: hub processes starting at once write the same values. A stored BSN the
    storage key cannot open keeps no key (counted, never logged itself); its pseudonym is never
    changed."""
    gevuld = onleesbaar = 0
    na = 0
    while True:
        async with uow() as work:
            rijen = await work.casussen.leden_zonder_zoeksleutel(na=na, limit=per_keer)
            if not rijen:
                break
            for lid_id, opgeslagen in rijen:
                na = lid_id
                zoeksleutel = deps.secrets.zoeksleutel_uit_opslag(opgeslagen)
                if zoeksleutel is None:
                    onleesbaar += 1
                    continue
                await work.casussen.zet_zoeksleutel(lid_id, zoeksleutel)
                gevuld += 1
            await work.commit()
    if gevuld or onleesbaar:
        log.info("bsn lookup keys filled", filled=gevuld, unreadable=onleesbaar)
    return gevuld
