"""On PostgreSQL a batch of answers (one transaction, each answer a savepoint) and an API request
on a time-out of that batch both finish: the batch chains its audit entries when it commits, so
the chain head is the last lock either takes. It used to take the head at its first answer's
savepoint and then wait for the next answer's time-out, held by a request that waited for the
head: PostgreSQL broke the deadlock by failing one of them (the loket got a 500)."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text

from hub.bootstrap import build_hub
from hub.service.audit import verifieer_audit
from hub.settings import Settings

pytestmark = pytest.mark.postgres

TIME_OUT = "SELECT version_num FROM alembic_version FOR UPDATE"
"""A row both lock first, as an answer and a request lock their time-out (``for_update``)."""


def audited(uow, actie: str) -> None:
    uow.audit.record(
        actor="urn:nld:oin:00000001999999990001", actie=actie, casus_id=None, details={}
    )


async def test_an_answer_batch_and_a_request_on_its_time_out_both_commit(
    migrated_postgres_url, tmp_path
):
    hub = await build_hub(Settings(database_url=migrated_postgres_url, keys_dir=tmp_path))
    first_answer_done, request_holds_time_out = asyncio.Event(), asyncio.Event()

    async def batch() -> None:
        async with hub.request_transaction(batch=True) as transaction:
            async with hub.uow() as uow:  # the batch's first answer, of another time-out
                audited(uow, "antwoord.een")
                await uow.commit()
            first_answer_done.set()
            await request_holds_time_out.wait()
            async with hub.uow() as uow:  # its next answer: the time-out the request holds
                await uow.session.execute(text(TIME_OUT))
                audited(uow, "antwoord.twee")
                await uow.commit()
            await transaction.commit()

    async def request() -> None:
        await first_answer_done.wait()
        async with hub.uow() as uow:
            await uow.session.execute(text(TIME_OUT))
            request_holds_time_out.set()
            await asyncio.sleep(0.2)  # the batch now waits for the time-out
            audited(uow, "verlenging")
            await uow.commit()

    try:
        async with asyncio.timeout(30):
            await asyncio.gather(batch(), request())
        uitslag = await verifieer_audit(hub.uow())
        assert uitslag.intact and uitslag.aantal == 3
    finally:
        await hub.close()
