"""Rate-limited log lines for a record that keeps failing.

A back-office that stays away makes the same record fail again and again; one line per attempt
would grow the logs by megabytes a second. :class:`LogBegrenzer` lets one line per key (a record's
topic, partition and offset) through per interval and counts the lines it held back, so the next
line that passes says how many were suppressed::

    begrenzer = LogBegrenzer(interval=30.0)
    onderdrukt = begrenzer.mag(("topic", 0, 42))
    if onderdrukt is not None:
        log.warning("back-office unavailable", suppressed=onderdrukt)

The libraries on PyPI for this (``log-rate-limit``, ``logging-rate-limiter``) are filters for
the standard ``logging`` module keyed on the message text; the connector logs through structlog
and keys on the record, so this is the twenty lines it takes. The number of keys is bounded: the
oldest is forgotten first.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass


@dataclass
class _Stand:
    vorige: float
    onderdrukt: int = 0


class LogBegrenzer:
    """At most one log line per key per ``interval`` seconds (see the module docstring)."""

    def __init__(
        self,
        *,
        interval: float = 30.0,
        max_sleutels: int = 10_000,
        klok: Callable[[], float] = time.monotonic,
    ) -> None:
        self._interval = interval
        self._max = max_sleutels
        self._klok = klok
        self._standen: OrderedDict[Hashable, _Stand] = OrderedDict()

    def mag(self, sleutel: Hashable) -> int | None:
        """``None``: hold this line back. Else log it, with the number of lines held back since
        the last one that passed for this key (0 the first time)."""
        nu = self._klok()
        stand = self._standen.get(sleutel)
        if stand is None:
            self._standen[sleutel] = _Stand(vorige=nu)
            while len(self._standen) > self._max:
                self._standen.popitem(last=False)
            return 0
        self._standen.move_to_end(sleutel)
        if nu - stand.vorige < self._interval:
            stand.onderdrukt += 1
            return None
        onderdrukt, stand.onderdrukt, stand.vorige = stand.onderdrukt, 0, nu
        return onderdrukt

    def vergeet(self, sleutel: Hashable) -> None:
        """The record is done (answered or dead-lettered): its next line is not held back."""
        self._standen.pop(sleutel, None)
