"""``--dist loadfile`` with groups: the test modules that share a costly fixture run on one worker.

pytest-xdist's ``loadfile`` sends each test module, as one unit, to whichever worker is free. A
session fixture (the three-node Kafka cluster) or a package fixture (the end-to-end tests' shared
stack) is then started once on every worker that happens to get a module needing it: one start of
40-60 s more per worker. This scheduler is ``loadfile``, except that the modules of one of
:data:`GROUPS` form one unit: they run on one worker, one after the other, and share the fixture.

A group is a list of modules, or a package (a path ending in ``/``): every module under it. A
package fixture that modules share is best given a package of its own, holding just those modules:
pytest stops it after the package's last test, before the worker's next module starts, and a
module added there joins the group by its place.

The table is here, not in a mark on each module: the scheduler runs in xdist's controller, which
sees only the tests' ids (xdist's own ``loadgroup`` suffixes those with the mark's group on the
workers, which pytest 9 no longer lets it do). A module that shares the fixture but is missing
here still passes; it only starts the fixture again on the other worker.
"""

from __future__ import annotations

from itertools import zip_longest

from xdist.scheduler import LoadFileScheduling

GROUPS: dict[str, tuple[str, ...]] = {
    # tests/conftest.py: kafka_cluster, one per session.
    "kafka-cluster": (
        "tests/e2e/test_cluster_failover.py",
        "tests/integration/test_kafka_cluster.py",
    ),
    # tests/e2e/stack/conftest.py: stack, one for the package.
    "e2e-stack": ("tests/e2e/stack/",),
    # tests/e2e/conftest.py: make_runs, one `make run` per package (the README's walk-through
    # first, then the supervisor's kills and its SIGINT).
    "make-run": (
        "tests/e2e/test_readme.py",
        "tests/e2e/test_supervisor.py",
    ),
}
"""Group name -> the modules (paths as in the tests' ids), or packages (ending in ``/``), that
form one unit of work."""

GROUP_OF = {module: group for group, modules in GROUPS.items() for module in modules}


def group_of(module: str) -> str | None:
    """The group of a module (a path as in the tests' ids), or None."""
    if module in GROUP_OF:
        return GROUP_OF[module]
    return next(
        (g for prefix, g in GROUP_OF.items() if prefix.endswith("/") and module.startswith(prefix)),
        None,
    )


FIRST = ("tests/faults/", "tests/e2e/")
"""The longest modules (stacks, brokers, the browser): handed out first."""
WAITING = ("tests/integration/",)
"""Modules that mostly wait on a real broker, PostgreSQL or processes they start."""
COMPUTING = ("tests/api/", "tests/contract/")
"""Modules that only compute, in process."""


def interleaved(nodeids: list[str]) -> list[str]:
    """The collected tests in the order they are handed out: the modules under :data:`FIRST`, then
    one waiting module and one computing module in turn, then the rest (the unit tests), each
    module's tests together and in their order.

    Handed out in ``testpaths`` order, every integration module came before every API test: for
    a minute and more the four workers all waited (a broker held down, a connector's retries)
    while a quarter of the two cores' time went unused, and at the end the API tests had the
    cores to themselves. In turn, a worker's waiting leaves the CPU to another's computing.

    Applied to each process's own collection (``tests/conftest.py``), never to the controller's
    copy: the controller sends a worker indices into the worker's own list."""
    modules: dict[str, list[str]] = {}
    for nodeid in nodeids:
        modules.setdefault(nodeid.split("::", 1)[0], []).append(nodeid)
    first, waiting, computing, rest = [], [], [], []
    for module in modules:
        if module.startswith(FIRST):
            first.append(module)
        elif module.startswith(WAITING):
            waiting.append(module)
        elif module.startswith(COMPUTING):
            computing.append(module)
        else:
            rest.append(module)
    alternated = [m for pair in zip_longest(waiting, computing) for m in pair if m is not None]
    return [nodeid for module in first + alternated + rest for nodeid in modules[module]]


class LoadFileGroupScheduling(LoadFileScheduling):
    def _split_scope(self, nodeid: str) -> str:
        module = super()._split_scope(nodeid)
        return group_of(module) or module
