"""The deadline watcher: records every time-out whose end date has passed, as it happens."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import structlog

log = structlog.get_logger(__name__)


async def watch(check: Callable[[], Awaitable[list[str]]], every_seconds: float) -> None:
    """Run ``check`` now and then every ``every_seconds`` until cancelled; errors are logged and
    retried at the next round."""
    while True:
        try:
            expired = await check()
            if expired:
                log.info("time-outs expired", count=len(expired), opschortingen=expired)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("expiry check failed")
        await asyncio.sleep(every_seconds)
