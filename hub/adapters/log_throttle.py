"""Rate-limited logging of a failing record: one line per key (a record's topic, partition and
offset) per interval, with how many lines were held back since the last one.

A record that fails on every delivery must not fill the disk with the same line hundreds of times
a second. Pure Python, no I/O: the caller logs when :meth:`LogThrottle.allow` says so.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Hashable


class LogThrottle:
    """At most one log line per key every ``interval`` seconds."""

    def __init__(
        self,
        interval: float = 10.0,
        *,
        max_keys: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._interval = interval
        self._max_keys = max_keys
        self._clock = clock
        self._keys: OrderedDict[Hashable, tuple[float, int]] = OrderedDict()

    def allow(self, key: Hashable) -> int | None:
        """``None``: hold this line back. Otherwise log it, with the returned count of lines
        held back for ``key`` since its last one."""
        now = self._clock()
        last = self._keys.get(key)
        if last is not None and now - last[0] < self._interval:
            self._keys[key] = (last[0], last[1] + 1)
            return None
        self._keys[key] = (now, 0)
        self._keys.move_to_end(key)
        while len(self._keys) > self._max_keys:
            self._keys.popitem(last=False)
        return 0 if last is None else last[1]

    def forget(self, key: Hashable) -> None:
        self._keys.pop(key, None)
