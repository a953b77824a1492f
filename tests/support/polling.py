"""How often a test asks the hub whether something happened in the background.

The hub lets each caller make 20 requests a second on average after a burst of 100
(``Settings.rate_limit_per_second``). A test that polled every 20 ms ran out of that burst after
about three seconds and got 429s, so a wait that took longer failed with the hub's error body in
hand. Ten polls a second stays well within the limit however long the wait.
"""

from __future__ import annotations

import asyncio

POLL_SECONDS = 0.1


async def poll_pause() -> None:
    """The pause between two polls of the hub's API."""
    await asyncio.sleep(POLL_SECONDS)
