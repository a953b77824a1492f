"""``--dist loadfile`` with groups: the test modules that share a costly fixture run on one worker.

pytest-xdist's ``loadfile`` sends each test module, as one unit, to whichever worker is free. A
session fixture (the three-node Kafka cluster) or a package fixture (the end-to-end tests' shared
stack) is then started once on every worker that happens to get a module needing it: one start of
40-60 s more per worker. xdist's ``loadgroup`` keeps marked tests together but hands out every
other test on its own, which would start each module's own stack on both workers.

This scheduler is ``loadfile``, except that the modules marked
``pytest.mark.xdist_group(name)`` form one unit named ``name``. The workers mark the test ids as
``loadgroup`` does (``<id>@<name>``, ``tests/conftest.py``), and the units keep the order of
collection (``--no-loadscope-reorder``, set by ``make test``), which puts the long ones first.
"""

from __future__ import annotations

import pytest
from xdist.scheduler import LoadFileScheduling

GROUP_MARK = "xdist_group"


def group_of(item: pytest.Item) -> str | None:
    """The group an item's module (or the item) is marked with, if any."""
    names = sorted(
        {
            str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
            for mark in item.iter_markers(GROUP_MARK)
        }
    )
    return "_".join(names) or None


def mark_groups(items: list[pytest.Item]) -> None:
    """Suffix the ids of grouped items with ``@<group>`` (on a worker, before it reports its
    collection), as xdist does for ``--dist loadgroup``."""
    for item in items:
        group = group_of(item)
        if group is not None:
            item._nodeid = f"{item.nodeid}@{group}"


class LoadFileGroupScheduling(LoadFileScheduling):
    def _split_scope(self, nodeid: str) -> str:
        if nodeid.rfind("@") > nodeid.rfind("]"):  # a parameter's id may hold an @
            return nodeid.rsplit("@", 1)[-1]
        return super()._split_scope(nodeid)
