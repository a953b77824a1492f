"""The modules of ``tests/e2e/stack/`` share one stack on the worker's broker; it must be gone
before the worker's next module starts a hub and connectors of its own on that broker.

Runs pytest's plan (``--setup-plan``: nothing is started) in a process of its own: no broker,
no browser, a few seconds of imports.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.support.scheduling import GROUPS

ROOT = Path(__file__).resolve().parents[2]
NEXT_MODULE = "tests/e2e/test_hub_restart.py"
"""A module outside the group that starts a hub and connectors of its own on the worker's
broker."""


def modules_of(group: str) -> list[str]:
    """The modules of a group, a package's as found on disk."""
    found: list[str] = []
    for entry in GROUPS[group]:
        if entry.endswith("/"):
            found += sorted(str(p.relative_to(ROOT)) for p in (ROOT / entry).glob("test_*.py"))
        else:
            found.append(entry)
    return found


def test_the_shared_stack_stops_before_the_next_module_of_its_worker_starts():
    """The e2e stack's connectors on the worker's broker take every instruction for their
    agencies: alive beside a later module with a hub of its own (other keys) they reported that
    hub's instructions undeliverable (the dashboard's request counted ``undeliverable``, not
    ``pending``). pytest's plan for the group's modules followed by another end-to-end module on
    the worker's broker, as one worker may get them, must stop the stack before the first test
    of that module."""
    group = modules_of("e2e-stack")
    # One module with a stack of its own on the worker's broker stands for every other: which
    # module comes next does not change when pytest stops a package's fixture, and the plan of
    # every end-to-end module cost 10-17 s of CPU (their imports, a browser driver's among them).
    others = [NEXT_MODULE]
    assert group
    plan = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--setup-plan",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:hypothesispytest",
            "-p",
            "no:schemathesis",
            *group,
            *others,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    lines = plan.stdout.splitlines()
    assert plan.returncode == 0, plan.stdout + plan.stderr
    stopped = [i for i, line in enumerate(lines) if line.split() == ["TEARDOWN", "P", "stack"]]
    first_other = next(i for i, line in enumerate(lines) if line.strip().split("::")[0] in others)
    assert stopped and stopped[0] < first_other, "\n".join(lines)
