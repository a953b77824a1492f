"""Idempotency keys on SQLite and PostgreSQL: one claim wins when two race, the answer is kept,
and the retention purge deletes old keys."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt

import pytest

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
        geclaimd_op=next(c.geclaimd_op for c in claims if c.uitkomst is Uitkomst.NIEUW),
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


async def test_a_claim_left_without_an_answer_is_taken_over_after_its_lease(hub):
    """The hub stopped while handling a request: nothing of it committed (the effect and the
    answer commit together), so once the lease is over the retry handles it anew; the stale
    request, should it still be running, can neither store its answer nor release the key."""
    stale = await idempotentie.claim(hub.uow(), hub.deps, caller="c", key="k", hash_="h")
    start = hub.deps.clock()
    soon = dataclasses.replace(hub.deps, clock=lambda: start + dt.timedelta(seconds=30))
    assert (await idempotentie.claim(hub.uow(), soon, caller="c", key="k", hash_="h")).uitkomst is (
        Uitkomst.BEZIG
    )

    later = dataclasses.replace(hub.deps, clock=lambda: start + idempotentie.LEASE * 2)
    retry = await idempotentie.claim(hub.uow(), later, caller="c", key="k", hash_="h")
    again = await idempotentie.claim(hub.uow(), later, caller="c", key="k", hash_="h")

    assert (retry.uitkomst, again.uitkomst) == (Uitkomst.NIEUW, Uitkomst.BEZIG)
    assert stale.geclaimd_op is not None and retry.geclaimd_op is not None
    with pytest.raises(idempotentie.SleutelKwijt):
        await idempotentie.complete(
            hub.uow(),
            caller="c",
            key="k",
            hash_="h",
            geclaimd_op=stale.geclaimd_op,
            status=201,
            content_type=None,
            body=b"stale",
        )
    await idempotentie.release(hub.uow(), caller="c", key="k", geclaimd_op=stale.geclaimd_op)
    await idempotentie.complete(
        hub.uow(),
        caller="c",
        key="k",
        hash_="h",
        geclaimd_op=retry.geclaimd_op,
        status=201,
        content_type=None,
        body=b"retry",
    )
    replay = await idempotentie.claim(hub.uow(), later, caller="c", key="k", hash_="h")
    assert (replay.uitkomst, replay.body) == (Uitkomst.HERHAALD, b"retry")
