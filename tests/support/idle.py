"""Costly shared fixtures stopped as soon as the next test of the process does not use them.

A plugin (``tests/conftest.py`` loads it): its ``pytest_runtest_teardown`` knows the next test,
which a fixture does not.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

import pytest

_IDLE_STOPS = pytest.StashKey[dict[str, Callable[[], None]]]()


@contextlib.contextmanager
def stopped_when_unused(
    config: pytest.Config, fixture: str, stop: Callable[[], None]
) -> Iterator[None]:
    """While in this block, call ``stop`` after each test whose next test (in this process) does
    not use ``fixture``, and once at the end. For a costly fixture shared by several modules
    (a cluster, a ``make run``) that starts again when asked after a stop: its modules run one
    after the other (``tests/support/scheduling.py``), and it would otherwise run idle beside
    every later module of the worker until its scope ends."""
    stops = config.stash.setdefault(_IDLE_STOPS, {})
    stops[fixture] = stop
    try:
        yield
    finally:
        stops.pop(fixture, None)
        stop()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    try:
        return (yield)
    finally:
        needed = getattr(nextitem, "fixturenames", ())
        for fixture, stop in list(item.config.stash.get(_IDLE_STOPS, {}).items()):
            if fixture not in needed:
                stop()
