"""Casus lifecycle events as contract messages (``maatwerk.casus.v1``).

Each domain event of the casus becomes its ``casus.*`` payload, keyed on the casus id so a
casus's messages stay in order, and an audit entry ``casus.<status>``. What the audit keeps is
what the step carried (reason codes, team, escalation id, the previous status), never a BSN: the
household appears only as pseudonyms.
"""

from __future__ import annotations

from typing import Any

from hub.domain.casus import (
    Afgewezen,
    CasusGebeurtenis,
    Geaccepteerd,
    Gesloten,
    InBehandelingGenomen,
    Ingediend,
    Opgelost,
    Opgeschaald,
)
from hub.service.berichten import Bericht, Uitgaand, Vertalingen
from hub.service.deps import Deps
from hub.service.unit_of_work import UnitOfWork
from schemas import EventData
from schemas.casus import (
    CasusAfgewezen,
    CasusGeaccepteerd,
    CasusGesloten,
    CasusInBehandeling,
    CasusIngediend,
    CasusOpgelost,
    CasusOpgeschaald,
    Huishoudlid,
    Maatwerkfunctionaris,
)
from schemas.topics import CASUS


def _uit(g: CasusGebeurtenis, data: EventData, details: dict[str, Any]) -> Uitgaand:
    if g.van is not None:
        details = {"van": g.van.value, **details}
    return Uitgaand(
        actie=f"casus.{g.naar}",
        casus_id=g.casus_id,
        details=details,
        berichten=(Bericht(data, CASUS.name),),
    )


async def ingediend(g: Ingediend, uow: UnitOfWork, deps: Deps) -> Uitgaand:
    data = CasusIngediend(
        casus_id=g.casus_id,
        indiener_oin=g.indiener_oin,
        maatwerkfunctionaris=Maatwerkfunctionaris(
            naam=g.maatwerkfunctionaris.naam,
            email=g.maatwerkfunctionaris.email,
            telefoon=g.maatwerkfunctionaris.telefoon,
        ),
        huishouden=tuple(Huishoudlid(pseudoniem=lid.pseudoniem, rol=lid.rol) for lid in g.leden),
        probleemdomeinen=g.probleemdomeinen,
        betrokken_organisaties=g.betrokken_organisaties,
        geprobeerd=g.geprobeerd,
        urgentie=g.urgentie,
        gevraagde_instrumenten=g.gevraagde_instrumenten,
        ingediend_op=g.op,
        woongemeente=g.woongemeente,
    )
    return _uit(g, data, {"leden": [lid.pseudoniem for lid in g.leden]})


async def geaccepteerd(g: Geaccepteerd, uow: UnitOfWork, deps: Deps) -> Uitgaand:
    data = CasusGeaccepteerd(casus_id=g.casus_id, toelichting=g.toelichting, geaccepteerd_op=g.op)
    return _uit(g, data, {"toelichting": g.toelichting})


async def afgewezen(g: Afgewezen, uow: UnitOfWork, deps: Deps) -> Uitgaand:
    data = CasusAfgewezen(
        casus_id=g.casus_id,
        redencode=g.redencode,
        reden=g.reden,
        advies=g.advies,
        afgewezen_op=g.op,
    )
    return _uit(g, data, {"redencode": g.redencode.value, "reden": g.reden, "advies": g.advies})


async def in_behandeling(g: InBehandelingGenomen, uow: UnitOfWork, deps: Deps) -> Uitgaand:
    data = CasusInBehandeling(
        casus_id=g.casus_id, behandelteam=g.behandelteam, in_behandeling_op=g.op
    )
    return _uit(g, data, {"behandelteam": g.behandelteam})


async def opgeschaald(g: Opgeschaald, uow: UnitOfWork, deps: Deps) -> Uitgaand:
    data = CasusOpgeschaald(
        casus_id=g.casus_id, escalatie_id=g.escalatie_id, reden=g.reden, opgeschaald_op=g.op
    )
    return _uit(g, data, {"escalatie_id": g.escalatie_id, "reden": g.reden})


async def opgelost(g: Opgelost, uow: UnitOfWork, deps: Deps) -> Uitgaand:
    data = CasusOpgelost(
        casus_id=g.casus_id,
        oplossing=g.oplossing,
        ingezette_instrumenten=g.ingezette_instrumenten,
        opgelost_op=g.op,
    )
    details = {
        "oplossing": g.oplossing,
        "ingezette_instrumenten": [i.value for i in g.ingezette_instrumenten],
    }
    return _uit(g, data, details)


async def gesloten(g: Gesloten, uow: UnitOfWork, deps: Deps) -> Uitgaand:
    data = CasusGesloten(
        casus_id=g.casus_id, redencode=g.redencode, toelichting=g.toelichting, gesloten_op=g.op
    )
    return _uit(g, data, {"redencode": g.redencode.value, "toelichting": g.toelichting})


VERTALINGEN: Vertalingen = {
    Ingediend: ingediend,
    Geaccepteerd: geaccepteerd,
    Afgewezen: afgewezen,
    InBehandelingGenomen: in_behandeling,
    Opgeschaald: opgeschaald,
    Opgelost: opgelost,
    Gesloten: gesloten,
}
"""Each kind of domain event of this instrument, and its translation."""
