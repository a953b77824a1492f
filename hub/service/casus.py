"""Handlers for the casus."""

from __future__ import annotations

from typing import Any

from hub.domain.casus import CasusStatus, Lid, nieuw_casus_id
from hub.service.commands import DienCasusIn
from hub.service.deps import Deps
from hub.service.errors import NietGevonden
from hub.service.unit_of_work import UnitOfWork
from schemas import make_event
from schemas.casus import CasusIngediend, Huishoudlid, Maatwerkfunctionaris
from schemas.topics import CASUS


async def dien_casus_in(cmd: DienCasusIn, uow: UnitOfWork, deps: Deps) -> str:
    """Record a new casus and publish ``casus.ingediend``. Returns the casus id."""
    now = deps.clock()
    casus_id = nieuw_casus_id(now)
    leden = [
        Lid(
            pseudoniem=deps.secrets.pseudoniem(lid.bsn),
            rol=lid.rol,
            bsn_opgeslagen=deps.secrets.versleutel_opslag(lid.bsn),
        )
        for lid in cmd.huishouden
    ]
    data = CasusIngediend(
        casus_id=casus_id,
        indiener_oin=cmd.indiener_oin,
        maatwerkfunctionaris=Maatwerkfunctionaris(**cmd.maatwerkfunctionaris.model_dump()),
        huishouden=tuple(Huishoudlid(pseudoniem=lid.pseudoniem, rol=lid.rol) for lid in leden),
        probleemdomeinen=tuple(cmd.probleemdomeinen),
        betrokken_organisaties=tuple(cmd.betrokken_organisaties),
        geprobeerd=cmd.geprobeerd,
        urgentie=cmd.urgentie,
        gevraagde_instrumenten=tuple(cmd.gevraagde_instrumenten),
        ingediend_op=now,
    )
    async with uow:
        await uow.casussen.add(
            casus_id=casus_id,
            indiener_oin=cmd.indiener_oin,
            status=CasusStatus.INGEDIEND.value,
            urgentie=cmd.urgentie.value,
            gegevens=data.model_dump(mode="json"),
            ingediend_op=now,
            leden=leden,
        )
        uow.audit.record(
            actor=f"urn:nld:oin:{cmd.indiener_oin}",
            actie="casus.ingediend",
            casus_id=casus_id,
            details={"leden": [lid.pseudoniem for lid in leden]},
        )
        uow.publish(
            make_event(data, source=deps.settings.source, subject=casus_id, time=now),
            CASUS.name,
        )
        await uow.commit()
    return casus_id


async def lees_casus(casus_id: str, uow: UnitOfWork) -> dict[str, Any]:
    async with uow:
        row = await uow.casussen.get(casus_id)
        if row is None:
            raise NietGevonden(f"casus {casus_id} not found", field="casus_id")
        opschortingen = await uow.opschortingen.for_casus(casus_id)
        return {
            **row.gegevens,
            "status": row.status,
            "opschortingen": opschortingen,
        }


async def lees_audit(casus_id: str, uow: UnitOfWork) -> list[dict[str, Any]]:
    """The audit trail of a casus, oldest first."""
    async with uow:
        if await uow.casussen.get(casus_id) is None:
            raise NietGevonden(f"casus {casus_id} not found", field="casus_id")
        return [
            {"at": row.at, "actor": row.actor, "actie": row.actie, "details": row.details}
            for row in await uow.audit.for_casus(casus_id)
        ]
