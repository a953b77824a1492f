"""Idempotent requests: a request repeated with the same ``Idempotency-Key`` has one effect and
gets the first answer again (the IETF ``Idempotency-Key`` header draft, as payment APIs use it).

A key belongs to a caller (its OIN, or ``anonymous``), and stands for one request: its method,
path and body, hashed. :func:`claim` records the key before the request is handled, in a
transaction of its own, so a duplicate that arrives while the first is still running waits for
its answer (:func:`wacht_op_antwoord`) instead of doing it twice.

The answer is stored by :func:`complete` in the same transaction as the request's effect, and the
answer leaves only after that commit (``hub.entrypoints.idempotentie``): once the effect is
there, so is the answer a retry gets, and a failure anywhere before the commit leaves neither, so
:func:`release` may forget the key and the retry is handled anew. A key is never released once
its effect committed, because the two commit as one; and a claim that never got its answer (the
hub stopped while handling it) is taken over by a retry after :data:`LEASE`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import hmac
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from hub.service.deps import Deps
from hub.service.unit_of_work import UnitOfWork


def request_hash(method: str, path: str, body: bytes, *, key: bytes) -> str:
    """The request's fingerprint: an HMAC under the hub's secret ``key``, not a bare digest. A
    body may hold a BSN (a casus submission, a right-of-access search), and a bare SHA-256 of a
    small body is found again by trying every BSN; without the key it cannot be."""
    digest = hmac.new(key, digestmod=hashlib.sha256)
    for part in (method.encode(), path.encode(), body):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


class Uitkomst(StrEnum):
    NIEUW = "nieuw"
    """First use of the key: handle the request, then :func:`complete`."""
    HERHAALD = "herhaald"
    """The same request again: give the stored answer."""
    ANDERS = "anders"
    """The key was used for a different request."""
    BEZIG = "bezig"
    """The first request with this key is still being handled."""


@dataclass(frozen=True, slots=True)
class Claim:
    uitkomst: Uitkomst
    status: int | None = None
    content_type: str | None = None
    body: bytes | None = None
    geclaimd_op: dt.datetime | None = None
    """When this request claimed the key (:attr:`Uitkomst.NIEUW`): its answer is stored on
    that claim only."""


LEASE = dt.timedelta(minutes=2)
"""How long a claim without an answer holds its key. The effect and the answer commit together,
so a claim older than this belongs to a request that will never commit (the hub stopped while
handling it): the key's retry takes the claim over instead of getting 409 until the purge. A
request that is only slow cannot commit after a takeover either: its answer is stored only on
its own claim (:func:`complete` compares the claim's time)."""


async def claim(uow: UnitOfWork, deps: Deps, *, caller: str, key: str, hash_: str) -> Claim:
    now = deps.clock()
    async with uow:
        if await uow.idempotency.claim(caller, key, hash_, now):
            await uow.commit()
            return Claim(Uitkomst.NIEUW, geclaimd_op=now)
        row = await uow.idempotency.get(caller, key)
        if row is None:  # purged between the two statements: rare; the client may retry
            return Claim(Uitkomst.BEZIG)
        if row.request_hash != hash_:
            return Claim(Uitkomst.ANDERS)
        if row.status is None:
            if row.created_at < now - LEASE and await uow.idempotency.take_over(
                caller, key, hash_, row.created_at, now
            ):
                await uow.commit()
                return Claim(Uitkomst.NIEUW, geclaimd_op=now)
            return Claim(Uitkomst.BEZIG)
        return Claim(Uitkomst.HERHAALD, row.status, row.content_type, row.body)


async def wacht_op_antwoord(
    uow: Callable[[], UnitOfWork],
    *,
    caller: str,
    key: str,
    hash_: str,
    seconds: float,
    poll: float = 0.05,
) -> Claim:
    """A duplicate of a request still being handled: look again until its answer is there or
    ``seconds`` passed (then :attr:`Uitkomst.BEZIG`, the 409). A client that retries as soon as
    it gives up waiting on the first answer gets that answer, not a refusal."""
    deadline = time.monotonic() + seconds
    while True:
        async with uow() as unit:
            row = await unit.idempotency.get(caller, key)
            if row is None:  # the first failed and was released: the client retries
                return Claim(Uitkomst.BEZIG)
            if row.request_hash != hash_:
                return Claim(Uitkomst.ANDERS)
            if row.status is not None:
                return Claim(Uitkomst.HERHAALD, row.status, row.content_type, row.body)
        if time.monotonic() >= deadline:
            return Claim(Uitkomst.BEZIG)
        await asyncio.sleep(poll)


class SleutelKwijt(RuntimeError):
    """The claim of a key being handled is gone (purged): its effect must not commit."""


async def complete(
    uow: UnitOfWork,
    *,
    caller: str,
    key: str,
    hash_: str,
    geclaimd_op: dt.datetime,
    status: int,
    content_type: str | None,
    body: bytes,
) -> None:
    """Store the answer. Called inside the request's transaction, so the answer commits with the
    effect; the claim must still be this request's (not purged, not taken over), or nothing
    commits."""
    async with uow:
        stored = await uow.idempotency.complete(
            caller, key, hash_, geclaimd_op, status, content_type, body
        )
        if not stored:
            raise SleutelKwijt(f"the claim of idempotency key {key!r} is gone")
        await uow.commit()


async def release(uow: UnitOfWork, *, caller: str, key: str, geclaimd_op: dt.datetime) -> None:
    async with uow:
        await uow.idempotency.release(caller, key, geclaimd_op)
        await uow.commit()
