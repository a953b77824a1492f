"""The one backoff rule of the project: capped exponential, and it never overflows.

Every wait that grows with failures uses :class:`Backoff`: the outbox row's next attempt
(``hub.adapters.outbox.RetryPolicy``), the relay's pause after a failed round, a consumer's wait
before a record is handed back (``hub.entrypoints.redelivery``), a connector's wait between
back-office attempts (``connectors.base.runtime.Herhaalbeleid``), the lag monitor's retry of a
loading coordinator, the supervisor's restart of a crashed task (:mod:`schemas.supervision`) and
the local stack's restart of a crashed process (``deploy/stack.py``).

Why our own and not ``stamina`` or ``tenacity``: those wrap one call and retry it in a loop. Here
the attempt count lives elsewhere, across calls: in the outbox row (its next attempt is a time
stored in the database), per record across redeliveries, per task across restarts. What these
places need is the rule alone, "the wait after the n-th failure", which neither library offers as
a public function. The rule is a few lines; the care is in the cap: ``base * 2**n`` with an ever
growing ``n`` raises ``OverflowError`` once ``2**n`` no longer fits a float (n > 1023), which
once ended the outbox relay after three hours of broker outage.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_DOUBLINGS = 64
"""Past this many doublings any wait is over any sensible maximum (2**64 > 10**19)."""


@dataclass(frozen=True, slots=True)
class Backoff:
    """Wait ``initial`` after the first failure, ``factor`` times longer after each next one,
    never longer than ``maximum``. Any failure count, however large, gives a finite wait."""

    initial: float
    maximum: float
    factor: float = 2.0

    def __post_init__(self) -> None:
        if self.initial < 0 or self.maximum < 0:
            raise ValueError("a wait is not negative")
        if self.factor < 1:
            raise ValueError("factor must be at least 1: a wait does not shrink with failures")

    def delay(self, failures: int) -> float:
        """Seconds to wait after ``failures`` failures in a row (1 for the first; 0 or less
        counts as the first)."""
        steps = min(max(failures - 1, 0), MAX_DOUBLINGS)
        try:
            grown = self.initial * float(self.factor) ** steps
        except OverflowError:  # a factor of 1e10 or so: past any maximum anyway
            return float(self.maximum)
        return float(min(grown, self.maximum))
