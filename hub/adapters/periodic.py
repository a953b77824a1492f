"""A background job that runs now and then every so often, until cancelled."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import structlog

log = structlog.get_logger(__name__)


async def every(seconds: float, job: Callable[[], Awaitable[object]], *, name: str) -> None:
    """Run ``job`` now and then every ``seconds``; a failure is logged and the job runs again at
    the next round (a database that is away for a moment must not end the job for good)."""
    while True:
        try:
            await job()
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("periodic job failed", job=name)
        await asyncio.sleep(seconds)
