"""Idempotency keys on SQLite and PostgreSQL: one claim wins when two race, the answer is kept,
and the retention purge deletes old keys."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt

from hub.service import idempotentie
from hub.service.idempotentie import Uitkomst
from hub.service.retention import purge_expired


async def test_racing_claims_of_one_key_have_one_winner(hub):
    claims = await asyncio.gather(
        *(
            idempotentie.claim(hub.uow(), hub.deps, caller="oin-1", key="k", hash_="h")
            for _ in range(10)
        )
    )
    assert sorted(c.uitkomst for c in claims).count(Uitkomst.NIEUW) == 1
    assert {c.uitkomst for c in claims} == {Uitkomst.NIEUW, Uitkomst.BEZIG}

    await idempotentie.complete(
        hub.uow(), caller="oin-1", key="k", status=201, content_type="application/json", body=b"{}"
    )
    again = await idempotentie.claim(hub.uow(), hub.deps, caller="oin-1", key="k", hash_="h")
    assert (again.uitkomst, again.status, again.body) == (Uitkomst.HERHAALD, 201, b"{}")
    other = await idempotentie.claim(hub.uow(), hub.deps, caller="oin-1", key="k", hash_="x")
    assert other.uitkomst is Uitkomst.ANDERS
    mine = await idempotentie.claim(hub.uow(), hub.deps, caller="oin-2", key="k", hash_="x")
    assert mine.uitkomst is Uitkomst.NIEUW  # a key belongs to its caller


async def test_old_keys_are_purged_with_the_retention(hub):
    await idempotentie.claim(hub.uow(), hub.deps, caller="c", key="old", hash_="h")
    later = hub.deps.clock() + dt.timedelta(days=hub.settings.idempotency_key_retention_days + 1)
    hub.deps = dataclasses.replace(hub.deps, clock=lambda: later)
    await idempotentie.claim(hub.uow(), hub.deps, caller="c", key="new", hash_="h")

    purged = await purge_expired(hub.uow(), hub.deps)

    assert purged.idempotency_keys == 1
    again = await idempotentie.claim(hub.uow(), hub.deps, caller="c", key="old", hash_="other")
    assert again.uitkomst is Uitkomst.NIEUW
