"""End-to-end tests: the stack as real processes on a real broker.

The modules in ``tests/e2e/stack/`` share one stack (its ``conftest.py``). A module here that
starts a hub or connectors on the worker's broker starts its own and stops them at its end: two
sets of connectors with different keys on one broker take each other's instructions.

``make_runs`` is the ``make run`` stack (its own broker) of the README's walk-through and of the
supervisor's tests, started once for both (group ``make-run``).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.idle import stopped_when_unused
from tests.support.make_run import MakeRuns


@pytest.fixture(scope="package")
def make_runs(
    pytestconfig: pytest.Config, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[MakeRuns]:
    """``make run`` (deploy/stack.py with a broker of its own), shared by ``test_readme.py`` and
    ``test_supervisor.py`` (one unit of work in ``tests/support/scheduling.py``): see
    ``tests/support/make_run.py``. Stopped as soon as the next test does not use it, not at the
    end of the package: its broker and processes would run idle beside the worker's next
    modules."""
    runs = MakeRuns(tmp_path_factory.mktemp("make-run"))
    with stopped_when_unused(pytestconfig, "make_runs", runs.stop):
        yield runs
