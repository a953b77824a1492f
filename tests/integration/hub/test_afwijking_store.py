"""On SQLite and PostgreSQL: a deviation decision, its outbox row and its audit entry commit
together; it reads back as recorded and in order per casus; a refused one leaves nothing; no
table holds a BSN."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, text

from hub.adapters.orm import AfwijkingRow, AuditRow, OutboxRow
from hub.bootstrap import INSTRUMENTLIJSTEN
from hub.domain.opschorting import NL
from hub.service import afwijking as service
from hub.service.casus import accepteer_casus, dien_casus_in, lees_casus, sluit_casus
from hub.service.commands import AccepteerCasus, DienCasusIn, LegAfwijkingVast, SluitCasus
from hub.service.errors import Conflict
from schemas import parse_event
from schemas.afwijking import AfwijkingBesloten
from schemas.topics import AFWIJKING
from tests.integration.hub.test_store import BSN
from tests.support.afwijking import KNELPUNT_ID, afwijking_body
from tests.support.loket import LOKET_DOOR, casus_body


def _vandaag(hub) -> dt.date:
    return hub.now().astimezone(NL).date()


async def _casus(hub) -> str:
    casus_id = await dien_casus_in(
        DienCasusIn(**casus_body(BSN)), hub.uow(), hub.deps, door=LOKET_DOOR
    )
    await accepteer_casus(casus_id, AccepteerCasus(), hub.uow(), hub.deps, door=LOKET_DOOR)
    return casus_id


async def test_a_decision_commits_with_its_message_and_audit_entry(hub):
    casus_id = await _casus(hub)
    aanvrager = hub.deps.secrets.pseudoniem(casus_id, BSN)
    vandaag = _vandaag(hub)
    cmd = LegAfwijkingVast(
        **afwijking_body(
            vandaag,
            betrokkenen=[aanvrager],
            geldigheid={
                "ingangsdatum": vandaag.isoformat(),
                "einddatum": (vandaag + dt.timedelta(days=30)).isoformat(),
            },
            knelpunt_id=KNELPUNT_ID,
        )
    )
    eerste = await service.leg_afwijking_vast(casus_id, cmd, hub.uow(), hub.deps, door=LOKET_DOOR)
    tweede = await service.leg_afwijking_vast(
        casus_id,
        LegAfwijkingVast(**afwijking_body(vandaag, regel={"regeling": "Awb"})),
        hub.uow(),
        hub.deps,
        door=LOKET_DOOR,
    )

    afwijking = await service.lees_afwijking(eerste, hub.uow())
    b = afwijking.besluit
    assert (b.casus_id, b.betrokkenen, b.knelpunt_id) == (casus_id, (aanvrager,), KNELPUNT_ID)
    assert (b.geldig_van, b.geldig_tot) == (vandaag, vandaag + dt.timedelta(days=30))
    assert b.regel.bwb_id == "BWBR0015703" and b.besloten_door.soort == "gemeente"
    assert b.vastgelegd_door == LOKET_DOOR and b.vastgelegd_op.tzinfo is not None
    lijst = await service.afwijkingen_van(casus_id, hub.uow())
    assert [a.afwijking_id for a in lijst] == [eerste, tweede]
    dossier = await lees_casus(casus_id, hub.uow(), INSTRUMENTLIJSTEN)
    assert dossier.instrumenten["afwijkingen"] == [eerste, tweede]

    async with hub.sessions() as session:
        rows = (
            await session.scalars(
                select(OutboxRow).where(OutboxRow.topic == AFWIJKING.name).order_by(OutboxRow.seq)
            )
        ).all()
        audit = (
            await session.scalars(select(AuditRow).where(AuditRow.actie == "afwijking.besloten"))
        ).all()
        dump = " ".join(
            str(row) for row in (await session.execute(text("SELECT * FROM afwijking"))).all()
        )
    events = [parse_event(row.value) for row in rows]
    assert [e.id for e in events] == [eerste, tweede]
    assert all(isinstance(e.data, AfwijkingBesloten) and e.subject == casus_id for e in events)
    assert [(a.actor, a.casus_id) for a in audit] == [(LOKET_DOOR, casus_id)] * 2
    assert BSN not in dump


async def test_a_refused_decision_leaves_nothing_behind(hub):
    casus_id = await _casus(hub)
    await sluit_casus(
        casus_id, SluitCasus(redencode="ingetrokken"), hub.uow(), hub.deps, door=LOKET_DOOR
    )
    with pytest.raises(Conflict):
        await service.leg_afwijking_vast(
            casus_id,
            LegAfwijkingVast(**afwijking_body(_vandaag(hub))),
            hub.uow(),
            hub.deps,
            door=LOKET_DOOR,
        )
    async with hub.sessions() as session:
        assert (await session.scalars(select(AfwijkingRow))).all() == []
        assert (
            await session.scalars(select(OutboxRow).where(OutboxRow.topic == AFWIJKING.name))
        ).all() == []
