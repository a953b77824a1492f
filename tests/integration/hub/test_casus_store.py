"""The casus in the store, on SQLite and on a real PostgreSQL: its lifecycle, its history, its
messages in the outbox, and the loket's list query."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import select

from hub.adapters.orm import AuditRow, CasusRow, OutboxRow
from hub.service import casus as service
from hub.service.commands import (
    AccepteerCasus,
    DienCasusIn,
    LosCasusOp,
    NeemCasusInBehandeling,
    SchaalCasusOp,
    SluitCasus,
)
from hub.service.errors import Conflict
from hub.service.queries import ZoekCasussen
from tests.support.loket import LOKET_DOOR, casus_body
from tests.unit.hub.fakes import Klok

BSN = "999990019"


@pytest.fixture
def klok(hub):
    klok = Klok(dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC))
    hub.deps = dataclasses.replace(hub.deps, clock=klok)
    return klok


async def submit(hub, **changes) -> str:
    cmd = DienCasusIn(**{**casus_body(BSN), **changes})
    return await service.dien_casus_in(cmd, hub.uow(), hub.deps, door=LOKET_DOOR)


async def outbox_types(hub, casus_id: str) -> list[str]:
    async with hub.sessions() as session:
        rows = await session.scalars(
            select(OutboxRow).where(OutboxRow.key == casus_id).order_by(OutboxRow.seq)
        )
        return [row.event_type for row in rows]


async def test_lifecycle_state_history_messages_and_audit_commit_together(hub, klok):
    casus_id = await submit(hub)
    for handler, cmd in [
        (service.accepteer_casus, AccepteerCasus()),
        (service.neem_casus_in_behandeling, NeemCasusInBehandeling(behandelteam="Team Noord")),
        (service.schaal_casus_op, SchaalCasusOp(reden="Bestuurders nodig")),
        (
            service.los_casus_op,
            LosCasusOp(oplossing="Regeling", ingezette_instrumenten=["escalatie"]),
        ),
        (service.sluit_casus, SluitCasus(redencode="opgelost", toelichting="Klaar")),
    ]:
        klok.verzet(hours=1)
        await handler(casus_id, cmd, hub.uow(), hub.deps, door=LOKET_DOOR)

    casus = (await service.lees_casus(casus_id, hub.uow())).casus
    assert casus.status == "gesloten"
    assert [(t.van, t.naar) for t in casus.transities] == [
        (None, "ingediend"),
        ("ingediend", "geaccepteerd"),
        ("geaccepteerd", "in_behandeling"),
        ("in_behandeling", "opgeschaald"),
        ("opgeschaald", "opgelost"),
        ("opgelost", "gesloten"),
    ]
    assert casus.transities[0].op == dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
    assert casus.transities[-1].op == dt.datetime(2026, 12, 1, 14, 0, tzinfo=dt.UTC)
    assert casus.transities[4].details == {
        "oplossing": "Regeling",
        "ingezette_instrumenten": ["escalatie"],
    }
    assert casus.betrokken_organisaties == ("belastingdienst", "cjib", "duo")
    assert await outbox_types(hub, casus_id) == [
        "nl.maatwerk.casus.ingediend.v1",
        "nl.maatwerk.casus.geaccepteerd.v1",
        "nl.maatwerk.casus.in-behandeling.v1",
        "nl.maatwerk.casus.opgeschaald.v1",
        "nl.maatwerk.casus.opgelost.v1",
        "nl.maatwerk.casus.gesloten.v1",
    ]
    audit = await service.lees_audit(casus_id, hub.uow())
    assert [a["actie"] for a in audit][-1] == "casus.gesloten"
    assert audit[-1]["details"] == {
        "van": "opgelost",
        "redencode": "opgelost",
        "toelichting": "Klaar",
    }


async def test_a_refused_step_leaves_state_outbox_and_audit_as_they_were(hub, klok):
    casus_id = await submit(hub)
    with pytest.raises(Conflict):
        await service.sluit_casus(
            casus_id, SluitCasus(redencode="opgelost"), hub.uow(), hub.deps, door=LOKET_DOOR
        )
    assert await outbox_types(hub, casus_id) == ["nl.maatwerk.casus.ingediend.v1"]
    async with hub.sessions() as session:
        row = await session.get(CasusRow, casus_id)
        assert row is not None and row.status == "ingediend"
        audit = (await session.scalars(select(AuditRow).where(AuditRow.casus_id == casus_id))).all()
        assert [a.actie for a in audit] == ["casus.ingediend"]


async def test_list_filters_sorts_pages_and_counts_in_sql(hub, klok):
    normaal = await submit(hub, urgentie="normaal", betrokken_organisaties=["uwv"])
    klok.verzet(days=1)
    acuut = await submit(hub, urgentie="acuut", betrokken_organisaties=["cjib"])
    klok.verzet(days=1)
    hoog = await submit(hub, urgentie="hoog", betrokken_organisaties=["cjib", "duo"])
    klok.verzet(hours=1)
    await service.accepteer_casus(hoog, AccepteerCasus(), hub.uow(), hub.deps, door=LOKET_DOOR)

    async def ids(**vraag) -> tuple[list[str], int]:
        lijst = await service.zoek_casussen(ZoekCasussen(**vraag), hub.uow())
        return [c.casus_id for c in lijst.items], lijst.totaal

    assert await ids() == ([hoog, acuut, normaal], 3)
    assert await ids(sorteer="ingediend_op") == ([normaal, acuut, hoog], 3)
    assert await ids(sorteer="-urgentie") == ([acuut, hoog, normaal], 3)
    assert await ids(sorteer="urgentie") == ([normaal, hoog, acuut], 3)
    assert await ids(status=["geaccepteerd"]) == ([hoog], 1)
    assert await ids(status=["ingediend", "gesloten"], urgentie=["acuut"]) == ([acuut], 1)
    assert await ids(organisatie=["cjib"]) == ([hoog, acuut], 2)
    assert await ids(organisatie=["duo", "uwv"]) == ([hoog, normaal], 2)
    assert await ids(per_pagina=2) == ([hoog, acuut], 3)
    assert await ids(per_pagina=2, pagina=2) == ([normaal], 3)
    assert await ids(per_pagina=2, pagina=3) == ([], 3)
    start = dt.date(2026, 12, 1)
    assert await ids(ingediend_vanaf=start, ingediend_tot=start) == ([normaal], 1)
    assert await ids(ingediend_vanaf=start + dt.timedelta(days=1)) == ([hoog, acuut], 2)
    lijst = await service.zoek_casussen(ZoekCasussen(status=["geaccepteerd"]), hub.uow())
    [item] = lijst.items
    assert [t.naar for t in item.transities] == ["ingediend", "geaccepteerd"]
    assert item.betrokken_organisaties == ("cjib", "duo")
