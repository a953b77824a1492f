"""The fault suite's stack: its own broker (which it restarts), hub, connectors, simulators.

A test of the suite runs at the short scale (each fault once) unless it is parametrized with
the full one (more orders, every fault several rounds, longer freezes): those variants are marked
``slow`` and run in ``make test-slow`` (and ``make test-faults``), not in ``make test``.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.faults import FaultStack, fault_stack, own_broker


@dataclass(frozen=True)
class Scale:
    name: str
    orders: int
    """Orders in the steady load (at least; it goes on while faults are injected)."""
    interval: float
    """Seconds between two orders."""
    rounds: int
    """Times every process fault is injected."""
    freeze_seconds: float
    settle_seconds: float
    """Longest wait for every order to be final after the faults (beyond it: stuck)."""

    def __str__(self) -> str:
        return self.name


SCALES = {
    # The least that still proves the point: orders in flight through each fault (the load goes
    # on while the faults run, a few orders between two), each fault once. 40 orders at 0.5 s
    # came to 170-250 orders: the load runs as long as the faults take.
    "short": Scale(
        "short", orders=20, interval=0.75, rounds=1, freeze_seconds=5, settle_seconds=120
    ),
    "full": Scale(
        "full", orders=200, interval=0.4, rounds=3, freeze_seconds=20, settle_seconds=300
    ),
}


BOTH_SCALES = pytest.mark.parametrize(
    "scale", [SCALES["short"], pytest.param(SCALES["full"], marks=pytest.mark.slow)], ids=str
)
"""For a test that runs short in ``make test`` and full in ``make test-slow``."""


@pytest.fixture
def scale() -> Scale:
    """The short scale, for a test not parametrized with :data:`BOTH_SCALES`."""
    return SCALES["short"]


@pytest.fixture(scope="module")
def stack(request: pytest.FixtureRequest) -> Iterator[FaultStack]:
    """The stack, in a directory of its own outside pytest's (which other sessions of the same
    user prune): kept, with every process's log, when a test of the suite failed."""
    root = Path(tempfile.mkdtemp(prefix="maatwerk-faults-"))
    failed_before = request.session.testsfailed
    with own_broker(root) as broker, fault_stack(broker, root) as running:
        yield running
    if request.session.testsfailed == failed_before:
        shutil.rmtree(root, ignore_errors=True)
