"""A background job that runs every so often, until cancelled."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import structlog

log = structlog.get_logger(__name__)


async def every(
    seconds: float,
    job: Callable[[], Awaitable[object]],
    *,
    name: str,
    on_failure: Callable[[str], object] | None = None,
    first_after: float = 0.0,
) -> None:
    """Run ``job`` after ``first_after`` seconds (at once by default) and then every
    ``seconds``; a failed round is logged, counted (``on_failure``, a metric) and the job runs
    again at the next round: a database or broker that is away for a moment is not a crash of
    the task (that would make the hub unready while its API still takes orders). What escapes
    this loop is a crash, for the supervisor (:mod:`schemas.supervision`)."""
    if first_after > 0:
        await asyncio.sleep(first_after)
    while True:
        try:
            await job()
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("periodic job failed", job=name)
            if on_failure is not None:
                on_failure(name)
        await asyncio.sleep(seconds)
