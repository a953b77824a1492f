"""The fault suite's stack: its own broker (which it restarts), hub, connectors, simulators.

``MAATWERK_FAULTS=full`` (``make test-faults``) runs the full suite: more orders, every fault
several rounds. Without it (``make test``) the short one: each fault once.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass

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


SCALES = {
    "short": Scale(
        "short", orders=40, interval=0.5, rounds=1, freeze_seconds=5, settle_seconds=120
    ),
    "full": Scale(
        "full", orders=200, interval=0.4, rounds=3, freeze_seconds=20, settle_seconds=300
    ),
}


@pytest.fixture(scope="module")
def scale() -> Scale:
    name = os.environ.get("MAATWERK_FAULTS", "short")
    if name not in SCALES:
        raise pytest.UsageError(f"MAATWERK_FAULTS must be one of {', '.join(SCALES)}, not {name!r}")
    return SCALES[name]


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FaultStack]:
    root = tmp_path_factory.mktemp("faults")
    with own_broker(root) as broker, fault_stack(broker, root) as running:
        yield running
