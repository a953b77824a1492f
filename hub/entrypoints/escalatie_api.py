"""The escalation to the LET.

``POST /api/v1/casussen/{casus_id}/escalaties`` (loket): escalate with the dossier.
``GET /api/v1/escalaties`` (loket, LET): the escalations, where each stands.
``GET /api/v1/escalaties/{id}`` (loket, LET, and the organisations invited: others 404): the
dossier; a read by anyone but the loket that escalated is logged (processing log, audit).
``POST /api/v1/escalaties/{id}/overleg``, ``/uitkomst``, ``/actiepunten/{nummer}/afronding``,
``/knelpunten`` (LET secretary): the LET's steps; 409 when the status does not allow one.
``GET /api/v1/knelpunten`` (list), ``/knelpunten/rapport`` (counts per category, law and month;
the dashboard's panel), ``/knelpunten/export`` (CSV): loket, LET and operators.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Response

from hub.domain.escalatie import NL, EscalatieStatus, KnelpuntFilter
from hub.domain.selectie import Pagina
from hub.entrypoints.api import Fouten, HubDep
from hub.entrypoints.escalatie_views import (
    EscalatiePagina,
    EscalatieSamenvatting,
    EscalatieView,
    KnelpuntPagina,
    Knelpuntrapport,
    KnelpuntView,
    knelpunten_csv,
)
from hub.entrypoints.identiteit import Beller, Rol, VereisteRol
from hub.service import deelname
from hub.service import escalatie as service
from hub.service.errors import Ongeldig
from hub.service.escalatie_commands import (
    MeldEscalatieAan,
    PlanOverleg,
    RegistreerKnelpunt,
    RondActiepuntAf,
    StelUitkomstVast,
)
from hub.service.invoer import Geheel, Paginanummer
from hub.service.queries import MAX_PER_PAGINA
from schemas.escalatie import Knelpuntcategorie
from schemas.ids import Oin

LoketDep = Annotated[Beller, Depends(VereisteRol(Rol.LOKET))]
LetDep = Annotated[Beller, Depends(VereisteRol(Rol.LET_SECRETARIS))]
OverzichtDep = Annotated[Beller, Depends(VereisteRol(Rol.LOKET, Rol.LET_SECRETARIS))]
LezerDep = Annotated[
    Beller,
    Depends(VereisteRol(Rol.LOKET, Rol.LET_SECRETARIS, Rol.UITVOERDER, Rol.DEELNEMER)),
]
RapportDep = Annotated[Beller, Depends(VereisteRol(Rol.LOKET, Rol.LET_SECRETARIS, Rol.OPERATOR))]

MAX_EXPORT = 10_000
"""Knelpunten in one CSV export; more is a 422 asking to narrow the filter (by month)."""

router = APIRouter(
    prefix="/api/v1",
    tags=["escalatie"],
    responses={
        404: {"model": Fouten, "description": "Unknown casus or escalation, or not invited."},
        422: {"model": Fouten, "description": "Invalid input; each error names its field."},
    },
)

_STAP: dict[int | str, dict[str, Any]] = {
    409: {
        "model": Fouten,
        "description": "The status does not allow this step; names the status and what may follow.",
    }
}

_MAAND = r"^[0-9]{4}-(0[1-9]|1[0-2])$"


def _vandaag(hub: HubDep) -> Any:
    return hub.now().astimezone(NL).date()


@router.post(
    "/casussen/{casus_id}/escalaties",
    status_code=201,
    response_model=EscalatieView,
    responses=_STAP,
)
async def meld_escalatie_aan(
    casus_id: str, body: MeldEscalatieAan, hub: HubDep, beller: LoketDep, response: Response
) -> EscalatieView:
    """Escalate the casus to the LET (``in_behandeling`` -> ``opgeschaald``) with its dossier.
    The hub adds the instruments on the casus and, for each organisation invited, its contact in
    the register, or flags it (``zonder_contact``) when it has none."""
    escalatie_id = await service.meld_aan(casus_id, body, hub.uow(), hub.deps, door=beller.door)
    response.headers["Location"] = f"/api/v1/escalaties/{escalatie_id}"
    return await _view(escalatie_id, hub, beller)


@router.get("/escalaties", response_model=EscalatiePagina)
async def zoek_escalaties(
    hub: HubDep,
    beller: OverzichtDep,
    status: Annotated[list[EscalatieStatus] | None, Query()] = None,
    pagina: Annotated[Paginanummer, Query()] = 1,
    per_pagina: Annotated[Geheel, Query(ge=1, le=MAX_PER_PAGINA)] = 20,
) -> EscalatiePagina:
    """The escalations (in these statuses; repeat for several), newest first, without dossier."""
    items, totaal = await service.zoek_escalaties(
        status or (), Pagina(pagina, per_pagina), hub.uow()
    )
    vandaag = _vandaag(hub)
    return EscalatiePagina(
        totaal=totaal,
        pagina=pagina,
        per_pagina=per_pagina,
        items=[EscalatieSamenvatting.of(e, vandaag) for e in items],
    )


@router.get("/escalaties/{escalatie_id}", response_model=EscalatieView)
async def lees_escalatie(escalatie_id: str, hub: HubDep, beller: LezerDep) -> EscalatieView:
    """The escalation and its dossier. Only for the loket, the LET and the organisations
    invited (anyone else: 404, as if it did not exist); each read by someone other than the
    loket that escalated is written in the processing log."""
    return await _view(escalatie_id, hub, beller)


@router.post("/escalaties/{escalatie_id}/overleg", response_model=EscalatieView, responses=_STAP)
async def plan_overleg(
    escalatie_id: str, body: PlanOverleg, hub: HubDep, beller: LetDep
) -> EscalatieView:
    """Schedule the meeting of the administrators invited (``aangemeld`` -> ``gepland``), or
    move it (``gepland`` again) before the outcome."""
    await service.plan_overleg(escalatie_id, body, hub.uow(), hub.deps, door=beller.door)
    return await _view(escalatie_id, hub, beller)


@router.post("/escalaties/{escalatie_id}/uitkomst", response_model=EscalatieView, responses=_STAP)
async def stel_uitkomst_vast(
    escalatie_id: str, body: StelUitkomstVast, hub: HubDep, beller: LetDep
) -> EscalatieView:
    """Record the outcome (``gepland`` -> ``afgerond``): the decision, the party responsible
    (organisations by OIN, among those involved) and the actions with owner and deadline."""
    await service.stel_uitkomst_vast(escalatie_id, body, hub.uow(), hub.deps, door=beller.door)
    return await _view(escalatie_id, hub, beller)


@router.post(
    "/escalaties/{escalatie_id}/actiepunten/{nummer}/afronding",
    response_model=EscalatieView,
    responses=_STAP,
)
async def rond_actiepunt_af(
    escalatie_id: str,
    nummer: Annotated[Geheel, Path(ge=1, le=1000)],
    hub: HubDep,
    beller: LetDep,
    body: RondActiepuntAf | None = None,
) -> EscalatieView:
    """Record an action as done (409 when it was already). The body is optional."""
    await service.rond_actiepunt_af(
        escalatie_id, nummer, body or RondActiepuntAf(), hub.uow(), hub.deps, door=beller.door
    )
    return await _view(escalatie_id, hub, beller)


@router.post("/escalaties/{escalatie_id}/knelpunten", status_code=201, response_model=KnelpuntView)
async def registreer_knelpunt(
    escalatie_id: str, body: RegistreerKnelpunt, hub: HubDep, beller: LetDep
) -> KnelpuntView:
    """Record a knelpunt found in the casus (any time during the escalation)."""
    knelpunt_id = await service.registreer_knelpunt(
        escalatie_id, body, hub.uow(), hub.deps, door=beller.door
    )
    e = await service.lees_escalatie(escalatie_id, hub.uow(), _lezer(beller))
    [knelpunt] = [k for k in e.knelpunten if k.knelpunt_id == knelpunt_id]
    return KnelpuntView.of(e.escalatie_id, e.casus_id, knelpunt)


def _filter(
    categorie: list[Knelpuntcategorie] | None,
    regeling: str | None,
    oin: str | None,
    vanaf: str | None,
    tot_en_met: str | None,
) -> KnelpuntFilter:
    if vanaf is not None and tot_en_met is not None and vanaf > tot_en_met:
        raise Ongeldig("the first month is after the last", field="vanaf")
    return KnelpuntFilter(
        categorieen=tuple(categorie or ()),
        regeling=regeling,
        oin=oin,
        vanaf_maand=vanaf,
        tot_en_met_maand=tot_en_met,
    )


CategorieQ = Annotated[list[Knelpuntcategorie] | None, Query(description="Any of these.")]
RegelingQ = Annotated[
    str | None, Query(min_length=1, max_length=200, description="The law, any case.")
]
OinQ = Annotated[Oin | None, Query(description="Concerning this organisation.")]
VanafQ = Annotated[str | None, Query(pattern=_MAAND, description="From month YYYY-MM.")]
TotQ = Annotated[str | None, Query(pattern=_MAAND, description="To month YYYY-MM, included.")]


@router.get("/knelpunten", response_model=KnelpuntPagina)
async def zoek_knelpunten(
    hub: HubDep,
    beller: RapportDep,
    categorie: CategorieQ = None,
    regeling: RegelingQ = None,
    oin: OinQ = None,
    vanaf: VanafQ = None,
    tot_en_met: TotQ = None,
    pagina: Annotated[Paginanummer, Query()] = 1,
    per_pagina: Annotated[Geheel, Query(ge=1, le=MAX_PER_PAGINA)] = 20,
) -> KnelpuntPagina:
    """Knelpunten across escalations, newest first; each filter narrows."""
    f = _filter(categorie, regeling, oin, vanaf, tot_en_met)
    regels, totaal = await service.zoek_knelpunten(f, Pagina(pagina, per_pagina), hub.uow())
    return KnelpuntPagina.of(regels, totaal, pagina, per_pagina)


@router.get("/knelpunten/rapport", response_model=Knelpuntrapport)
async def knelpuntrapport(
    hub: HubDep,
    beller: RapportDep,
    categorie: CategorieQ = None,
    regeling: RegelingQ = None,
    oin: OinQ = None,
    vanaf: VanafQ = None,
    tot_en_met: TotQ = None,
) -> Knelpuntrapport:
    """Knelpunten counted per category, per law and per month (the dashboard's panel), and the
    open actions past their deadline."""
    f = _filter(categorie, regeling, oin, vanaf, tot_en_met)
    telling = await service.knelpuntrapport(f, hub.uow())
    return Knelpuntrapport.of(
        telling, await service.achterstallige_actiepunten(hub.uow(), hub.deps)
    )


@router.get(
    "/knelpunten/export",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}, "description": "The knelpunten as CSV."}},
)
async def exporteer_knelpunten(
    hub: HubDep,
    beller: RapportDep,
    categorie: CategorieQ = None,
    regeling: RegelingQ = None,
    oin: OinQ = None,
    vanaf: VanafQ = None,
    tot_en_met: TotQ = None,
) -> Response:
    """The knelpunten that pass the filters as CSV, newest first (at most 10,000: narrow by
    month otherwise). Cells that a spreadsheet would run as a formula are quoted."""
    f = _filter(categorie, regeling, oin, vanaf, tot_en_met)
    regels, totaal = await service.zoek_knelpunten(f, Pagina(1, MAX_EXPORT), hub.uow())
    if totaal > MAX_EXPORT:
        raise Ongeldig(
            f"{totaal} knelpunten: narrow the months (at most {MAX_EXPORT})", field="vanaf"
        )
    return Response(
        content=knelpunten_csv(regels),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="knelpunten.csv"'},
    )


def _lezer(beller: Beller) -> service.Lezer:
    return service.Lezer(
        oin=beller.oin, loket=beller.heeft(Rol.LOKET), let=beller.heeft(Rol.LET_SECRETARIS)
    )


async def _view(escalatie_id: str, hub: HubDep, beller: Beller) -> EscalatieView:
    e = await service.lees_escalatie(escalatie_id, hub.uow(), _lezer(beller))
    instructies = await deelname.uitnodigingsinstructies(e, hub.uow(), hub.deps)
    return EscalatieView.van(e, _vandaag(hub), instructies)
