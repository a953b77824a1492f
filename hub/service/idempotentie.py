"""Idempotent requests: a request repeated with the same ``Idempotency-Key`` has one effect and
gets the first answer again (the IETF ``Idempotency-Key`` header draft, as payment APIs use it).

A key belongs to a caller (its OIN, or ``anonymous``), and stands for one request: its method,
path and body, hashed. :func:`claim` records the key before the request is handled, so a
duplicate that arrives while the first is still running is told so (409) instead of doing it
twice; :func:`complete` stores the answer; :func:`release` forgets the key when the hub failed
(a 5xx), so the client's retry is handled anew.

The claim and the action are separate transactions: a hub that dies between the action's commit
and :func:`complete` leaves the key claimed without an answer, and its retries get 409 until the
key is purged (``HUB_IDEMPOTENCY_KEY_RETENTION_DAYS``). That errs on the side of one effect.
"""

from __future__ import annotations

import hashlib
import hmac
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


async def claim(uow: UnitOfWork, deps: Deps, *, caller: str, key: str, hash_: str) -> Claim:
    async with uow:
        if await uow.idempotency.claim(caller, key, hash_, deps.clock()):
            await uow.commit()
            return Claim(Uitkomst.NIEUW)
        row = await uow.idempotency.get(caller, key)
        if row is None:  # purged between the two statements: rare; the client may retry
            return Claim(Uitkomst.BEZIG)
        if row.request_hash != hash_:
            return Claim(Uitkomst.ANDERS)
        if row.status is None:
            return Claim(Uitkomst.BEZIG)
        return Claim(Uitkomst.HERHAALD, row.status, row.content_type, row.body)


async def complete(
    uow: UnitOfWork, *, caller: str, key: str, status: int, content_type: str | None, body: bytes
) -> None:
    async with uow:
        await uow.idempotency.complete(caller, key, status, content_type, body)
        await uow.commit()


async def release(uow: UnitOfWork, *, caller: str, key: str) -> None:
    async with uow:
        await uow.idempotency.release(caller, key)
        await uow.commit()
