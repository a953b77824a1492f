"""The whole stack as real processes on a real broker: hub, a connector and a simulator per
agency.

One stack serves every module of this package that only reads it or works on casussen of its own
(each test makes its own): starting its fifteen processes takes 30-50 s on two busy cores. Those
modules are one group in ``tests/support/scheduling.py`` (``e2e-stack``), so that ``make test``
runs them on one worker, one after the other. A module that kills or restarts a part of the
stack, or needs other settings, defines a ``stack`` of its own (``test_hub_restart.py``).

``make_runs`` is the ``make run`` stack (its own broker) of the README's walk-through and of the
supervisor's tests, started once for both (group ``make-run``).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.make_run import MakeRuns
from tests.support.stack import Stack, running_stack


@pytest.fixture(scope="package")
def stack(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with running_stack(kafka_bootstrap, tmp_path_factory.mktemp("stack")) as stack:
        yield stack


@pytest.fixture(scope="package")
def make_runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MakeRuns]:
    """``make run`` (deploy/stack.py with a broker of its own), shared by ``test_readme.py`` and
    ``test_supervisor.py`` (one unit of work in ``tests/support/scheduling.py``): see
    ``tests/support/make_run.py``."""
    runs = MakeRuns(tmp_path_factory.mktemp("make-run"))
    try:
        yield runs
    finally:
        runs.stop()
