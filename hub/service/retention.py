"""Retention: published outbox rows, processed-event ids and idempotency keys are deleted once
they are old enough.

Sent outbox rows are kept a while for operators and audits (``HUB_OUTBOX_RETENTION_DAYS``), the
ids of consumed events as long as Kafka may redeliver their records
(``HUB_PROCESSED_EVENT_RETENTION_DAYS``, checked against the topics in ``hub.settings``), the
keys of idempotent requests as long as a client may retry
(``HUB_IDEMPOTENCY_KEY_RETENTION_DAYS``), and the sealed content of information answers for
``HUB_INFORMATIE_BEWAARTERMIJN_UREN`` after it arrived (the fact that it was given stays, with
when it was deleted). Deletes go in slices, each its own short transaction, so
a first purge of a large store does not hold locks for long.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import structlog

from hub.service.deps import Deps
from hub.service.unit_of_work import UnitOfWork

log = structlog.get_logger(__name__)

SLICE = 5000


@dataclass(frozen=True, slots=True)
class Purged:
    outbox: int
    processed_events: int
    idempotency_keys: int = 0
    informatie_inhoud: int = 0


async def _in_slices(
    uow: UnitOfWork, delete: Callable[[int], Awaitable[int]], slice_size: int
) -> int:
    total = 0
    while True:
        async with uow:
            deleted = await delete(slice_size)
            await uow.commit()
        total += deleted
        if deleted < slice_size:
            return total


async def purge_expired(uow: UnitOfWork, deps: Deps, *, slice_size: int = SLICE) -> Purged:
    """Delete sent outbox rows, processed-event ids, idempotency keys and information content
    older than their retention."""
    now = deps.clock()
    settings = deps.settings
    sent_before = now - dt.timedelta(days=settings.outbox_retention_days)
    processed_before = now - dt.timedelta(days=settings.processed_event_retention_days)
    keys_before = now - dt.timedelta(days=settings.idempotency_key_retention_days)
    inhoud_before = now - dt.timedelta(hours=settings.informatie_bewaartermijn_uren)
    purged = Purged(
        outbox=await _in_slices(
            uow, lambda limit: uow.retention.delete_sent_outbox(sent_before, limit), slice_size
        ),
        processed_events=await _in_slices(
            uow,
            lambda limit: uow.retention.delete_processed_events(processed_before, limit),
            slice_size,
        ),
        idempotency_keys=await _in_slices(
            uow,
            lambda limit: uow.retention.delete_idempotency_keys(keys_before, limit),
            slice_size,
        ),
        informatie_inhoud=await _in_slices(
            uow,
            lambda limit: uow.informatieverzoeken.wis_inhoud(inhoud_before, now, limit),
            slice_size,
        ),
    )
    if (
        purged.outbox
        or purged.processed_events
        or purged.idempotency_keys
        or purged.informatie_inhoud
    ):
        log.info(
            "retention purge",
            outbox=purged.outbox,
            processed_events=purged.processed_events,
            idempotency_keys=purged.idempotency_keys,
            informatie_inhoud=purged.informatie_inhoud,
        )
    return purged
