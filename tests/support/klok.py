"""Run the in-process tiers at another moment: ``MAATWERK_TEST_NOW=2027-03-28T01:30:00+00:00``.

The hub keeps Dutch calendar days, so a test that dates what it sends by one clock and runs the hub
on another breaks only at some dates and hours (the evening hour when the Netherlands is a day ahead
of UTC, a daylight-saving switch, a year end, the day a fixed fake date fell behind the calendar).
This plugin moves the whole test process to the given instant with ``time-machine`` (the clock
then ticks on from there), so ``make test-clock`` can run the unit and API tests at such moments
instead of waiting for them. Only the test process moves: processes it starts (the broker, the
stack of the end-to-end tests) keep the machine's clock, so the tiers that start processes are not
run this way.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

import pytest

ENV = "MAATWERK_TEST_NOW"
_KEY = pytest.StashKey[Any]()


def moment() -> dt.datetime | None:
    """The instant asked for in ``MAATWERK_TEST_NOW`` (an ISO 8601 time with its offset)."""
    raw = os.environ.get(ENV, "").strip()
    if not raw:
        return None
    try:
        at = dt.datetime.fromisoformat(raw)
    except ValueError as exc:
        raise pytest.UsageError(f"{ENV}={raw!r} is not an ISO 8601 date and time") from exc
    if at.tzinfo is None:
        raise pytest.UsageError(f"{ENV}={raw!r} has no UTC offset: say which instant it is")
    return at


def pytest_configure(config: pytest.Config) -> None:
    at = moment()
    if at is None:
        return
    import time_machine

    traveller = time_machine.travel(at, tick=True)
    traveller.start()
    config.stash[_KEY] = traveller


def pytest_report_header(config: pytest.Config) -> str | None:
    at = moment()
    return None if at is None else f"clock: the test process runs from {at.isoformat()} ({ENV})"


def pytest_unconfigure(config: pytest.Config) -> None:
    traveller = config.stash.get(_KEY, None)
    if traveller is not None:
        traveller.stop()
