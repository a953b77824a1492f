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
        hub.uow(),
        caller="oin-1",
        key="k",
        hash_="h",
        status=201,
        content_type="application/json",
        body=b"{}",
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


async def _keys(hub, *keys: str) -> list[str]:
    found = []
    for key in keys:
        async with hub.uow() as uow:
            if await uow.idempotency.get("c", key) is not None:
                found.append(key)
    return found


async def test_the_units_of_work_of_a_request_commit_together_or_not_at_all(hub):
    """What an idempotent request relies on (``RequestTransaction``): what its units of work
    committed is written only when the request's transaction commits; a unit of work that
    failed is undone on its own."""
    async with hub.request_transaction():
        await idempotentie.claim(hub.uow(), hub.deps, caller="c", key="effect", hash_="h")
    # left without commit: as if the answer could not be made
    assert await _keys(hub, "effect") == []

    async with hub.request_transaction() as transaction:
        await idempotentie.claim(hub.uow(), hub.deps, caller="c", key="kept", hash_="h")
        try:
            async with hub.uow() as uow:
                await uow.idempotency.claim("c", "undone", "h", hub.deps.clock())
                raise LookupError("this step fails before its commit")
        except LookupError:
            pass
        await idempotentie.claim(hub.uow(), hub.deps, caller="c", key="after", hash_="h")
        assert await _keys(hub, "kept", "undone", "after") == ["kept", "after"]
        await transaction.commit()
    assert await _keys(hub, "kept", "undone", "after") == ["kept", "after"]
