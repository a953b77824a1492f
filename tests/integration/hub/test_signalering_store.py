"""On SQLite and PostgreSQL: the deadline watcher's marks and messages commit together and hold
across a restart (a second hub on the same store) and across two rounds run at once (two
replicas): each late link is escalated once, each end date warned of once."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt

import pytest
from sqlalchemy import select

from hub.adapters.orm import AuditRow, OpschortingRow, OutboxRow, VerzoekRow
from hub.bootstrap import build_hub
from hub.domain.opschorting import NL
from hub.service.casus import dien_casus_in
from hub.service.commands import DienCasusIn, DraagOpschortingOp
from hub.service.opschorting import draag_opschorting_op
from hub.service.signalering import bewaak_termijnen
from schemas.organisaties import UITVOERDERS, Uitvoerder
from tests.integration.hub.test_store import BSN
from tests.support.loket import LOKET_DOOR, casus_body, opschorting_body
from tests.support.register import ingeschreven

CJIB = UITVOERDERS[Uitvoerder.CJIB].oin
TYPES = (
    "nl.maatwerk.opschorting.antwoordtermijn-verstreken.v1",
    "nl.maatwerk.opschorting.loopt-af.v1",
)


class Klok:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def klok(hub) -> Klok:
    klok = Klok(hub.now())
    hub.deps = dataclasses.replace(hub.deps, clock=klok)
    return klok


async def _order(hub, klok: Klok, days: int) -> str:
    casus_id = await dien_casus_in(
        DienCasusIn(**casus_body(BSN)), hub.uow(), hub.deps, door=LOKET_DOOR
    )
    start = klok.now.astimezone(NL).date()
    body = opschorting_body("cjib", "duo", start=start, days=days)
    return await draag_opschorting_op(
        casus_id, DraagOpschortingOp(**body), hub.uow(), hub.deps, door=LOKET_DOOR
    )


async def _signalen(hub) -> list[OutboxRow]:
    async with hub.sessions() as session:
        return list(
            (
                await session.scalars(
                    select(OutboxRow).where(OutboxRow.event_type.in_(TYPES)).order_by(OutboxRow.seq)
                )
            ).all()
        )


async def test_marks_and_signals_commit_together_and_hold_across_a_restart(hub, klok, tmp_path):
    await ingeschreven(hub.uow(), CJIB, naam="CJIB")
    opschorting_id = await _order(hub, klok, days=10)
    klok.now += dt.timedelta(hours=hub.settings.answer_deadline_hours, minutes=1)
    ronde = await bewaak_termijnen(hub.uow, hub.deps)
    assert ronde.geescaleerd == [opschorting_id] and ronde.gewaarschuwd == [opschorting_id]
    signalen = await _signalen(hub)
    # two escalations (cjib, duo), three warnings (loket, cjib, duo)
    assert sorted(r.event_type for r in signalen) == [TYPES[0]] * 2 + [TYPES[1]] * 3
    async with hub.sessions() as session:
        marks = (
            await session.scalars(
                select(VerzoekRow.geescaleerd_op).where(VerzoekRow.instrument_id == opschorting_id)
            )
        ).all()
        row = await session.scalar(
            select(OpschortingRow).where(OpschortingRow.opschorting_id == opschorting_id)
        )
        audit = (
            await session.scalars(
                select(AuditRow.actie).where(AuditRow.actor == "hub").order_by(AuditRow.sequence)
            )
        ).all()
    assert marks == [klok.now, klok.now]
    assert row is not None and row.einde_gewaarschuwd_voor == row.einddatum
    assert audit.count("opschorting.antwoordtermijn-verstreken") == 2
    assert audit.count("opschorting.loopt-af") == 1

    # A second hub on the same store (a restart, or another replica) finds nothing to signal.
    tweede = await build_hub(hub.settings)
    try:
        tweede.deps = dataclasses.replace(tweede.deps, clock=klok)
        klok.now += dt.timedelta(hours=1)
        ronde = await bewaak_termijnen(tweede.uow, tweede.deps)
        assert (ronde.geescaleerd, ronde.gewaarschuwd) == ([], [])
    finally:
        await tweede.close()
    assert len(await _signalen(hub)) == 5


async def test_two_rounds_at_once_signal_once(hub, klok):
    opschorting_id = await _order(hub, klok, days=5)
    klok.now += dt.timedelta(hours=hub.settings.answer_deadline_hours, minutes=1)
    tweede = await build_hub(hub.settings)
    try:
        tweede.deps = dataclasses.replace(tweede.deps, clock=klok)
        rondes = await asyncio.gather(
            bewaak_termijnen(hub.uow, hub.deps),
            bewaak_termijnen(tweede.uow, tweede.deps),
            return_exceptions=True,
        )
    finally:
        await tweede.close()
    geslaagd = [r for r in rondes if not isinstance(r, BaseException)]
    assert geslaagd, rondes  # a round that lost a lock race on SQLite is retried next round
    assert sum(r.geescaleerd.count(opschorting_id) for r in geslaagd) == 1
    assert sum(r.gewaarschuwd.count(opschorting_id) for r in geslaagd) == 1
    assert len(await _signalen(hub)) == 5
