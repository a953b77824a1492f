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


class LoadFileGroupScheduling(LoadFileScheduling):
    def _split_scope(self, nodeid: str) -> str:
        module = super()._split_scope(nodeid)
        return group_of(module) or module
