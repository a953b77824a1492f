"""Whether a back-office answers again, shared by every instruction in flight to it.

Why: while a back-office is away, each instruction in flight waits out its own backoff between
attempts (0.5, 1, 2 s by default, then :attr:`~connectors.base.runtime.Herhaalbeleid.max_wachttijd`
before it is handed back for redelivery). When the back-office came back, nothing noticed until the
first of those waits ended: the first answer came 7.3 s after it was back (``bench/catchup.py``).
Now, per back-office (:attr:`~connectors.base.backoffice.HttpVerzoek.bestemming`):

- any answer from it (:meth:`Bereikbaarheid.gezien`) ends every wait for it at once: each
  instruction waiting tries again straight away instead of at the end of its backoff;
- while instructions wait, one of them (the probe) asks again every ``peiling`` seconds, so the
  back-office's return is noticed within one probe interval, however long the backoff has grown.
  The probe is the same request with the same idempotency key: asking again never has a second
  effect.

Nothing else changes: the instruction's own attempts, its report to the hub and its redelivery
follow :class:`~connectors.base.runtime.Herhaalbeleid` as before.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

Slaap = Callable[[float], Awaitable[None]]


class Bereikbaarheid:
    """One back-office, as the instructions in flight to it see it (see the module docstring)."""

    def __init__(self, slaap: Slaap = asyncio.sleep) -> None:
        self._slaap = slaap
        self._terug = asyncio.Event()
        """Set when the back-office answered since it was last found away."""
        self._terug.set()
        self._peiler = False
        """Whether an instruction is the probe now."""

    def weg(self) -> None:
        """A request found the back-office away: waits from now on last until it answers."""
        if self._terug.is_set():
            self._terug = asyncio.Event()

    def gezien(self) -> None:
        """The back-office answered a request (whatever the answer): every wait ends."""
        self._terug.set()

    def neem_peiling(self) -> bool:
        """Take the probe's part if nobody has it; ``True`` for the one that got it (it gives it
        back with :meth:`geef_peiling`)."""
        if self._peiler:
            return False
        self._peiler = True
        return True

    def geef_peiling(self) -> None:
        self._peiler = False

    async def wacht(self, seconden: float) -> bool:
        """Wait ``seconden``, or less: until the back-office answered a request (anyone's).
        ``True`` when it did."""
        terug = self._terug
        if terug.is_set():
            return True
        slaper = asyncio.ensure_future(self._slaap(seconden))
        wachter = asyncio.ensure_future(terug.wait())
        try:
            await asyncio.wait((slaper, wachter), return_when=asyncio.FIRST_COMPLETED)
        finally:
            slaper.cancel()
            wachter.cancel()
        return terug.is_set()
