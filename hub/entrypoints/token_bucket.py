"""Token buckets per caller, in process: the API's rate limit (``hub.entrypoints.hygiene``).

A small bucket of our own rather than a library: ``limits`` (the well-kept choice) counts in fixed
or moving windows and has no token bucket, which is what "a rate and a burst" means; and the
buckets live in one process anyway (one hub per store). Each caller's bucket holds up to
``burst`` tokens and refills at ``rate`` per second; a request takes one. Memory stays bounded:
past :data:`MAX_CALLERS` buckets the full ones are dropped (a full bucket is what a new caller
gets anyway).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

MAX_CALLERS = 10_000


@dataclass(slots=True)
class _Bucket:
    tokens: float
    at: float


class TokenBuckets:
    def __init__(
        self, rate: float, burst: int, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.rate = rate
        self.burst = burst
        self._clock = clock
        self._buckets: dict[str, _Bucket] = {}

    def take(self, caller: str) -> float:
        """Take a token for ``caller``: 0 when allowed, else the seconds until a token is there
        (what ``Retry-After`` says, rounded up)."""
        now = self._clock()
        bucket = self._buckets.get(caller)
        if bucket is None:
            if len(self._buckets) >= MAX_CALLERS:
                self._drop_full(now)
            bucket = self._buckets[caller] = _Bucket(float(self.burst), now)
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.at) * self.rate)
        bucket.at = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return 0.0
        return (1 - bucket.tokens) / self.rate

    def _drop_full(self, now: float) -> None:
        self._buckets = {
            caller: b
            for caller, b in self._buckets.items()
            if b.tokens + (now - b.at) * self.rate < self.burst
        }


def retry_after(seconds: float) -> str:
    return str(max(1, math.ceil(seconds)))
