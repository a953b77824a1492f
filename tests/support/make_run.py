"""``make run`` (deploy/stack.py) as a user starts it, on free ports and a state directory of its
own: the stack the README walk-through (``tests/e2e/test_readme.py``) and the supervisor's tests
(``tests/e2e/test_supervisor.py``) run against.

Starting it (a broker of its own, a hub, a simulator and a connector per agency, the parties
without Kafka) takes 35-55 s on two busy cores, and stopping it another 10-20 s: the two modules
share one (``tests/e2e/conftest.py: make_run``; one unit of work in
``tests/support/scheduling.py``). The README's modules run first, on the fresh stack; the
supervisor's kill the parts one by one and end with SIGINT, which stops the stack as a user's
Ctrl-C does. A module that finds the shared stack stopped (run in another order) starts a new
one (:meth:`MakeRuns.running`).
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from simulators import AGENCIES, DEELNEMER_POORTEN
from tests.support.processes import ManagedProcess, child_processes, free_ports, start_process

ROOT = Path(__file__).resolve().parents[2]
UP = "maatwerk-hub stack is up:"
"""The line ``make run`` prints once every process serves (every connector in its group)."""


@dataclass
class MakeRun:
    process: ManagedProcess
    var_dir: Path
    ports: dict[str, int]
    """Port by name: ``hub``, ``kafka``, ``controller``, each agency (its simulator),
    ``connector-<agency>``, ``d-<party>``."""
    started_in: float

    @property
    def hub(self) -> str:
        """``host:port`` of the hub (what the README's ``127.0.0.1:8000`` becomes)."""
        return f"127.0.0.1:{self.ports['hub']}"

    @property
    def connector_ports(self) -> dict[str, int]:
        return {a: self.ports[f"connector-{a}"] for a in AGENCIES}

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}"

    def child(self, text: str) -> int:
        """The pid of the stack's child whose command line holds ``text``."""
        (pid,) = (pid for pid, cmd in child_processes(self.process.pid).items() if text in cmd)
        return pid


def start_make_run(base: Path) -> MakeRun:
    """``deploy/stack.py`` with every port free and its state under ``base / "var"``, waited for
    until it prints :data:`UP`."""
    names = ("hub", "kafka", "controller", *AGENCIES, *(f"connector-{a}" for a in AGENCIES))
    names += tuple(f"d-{d}" for d in DEELNEMER_POORTEN)
    ports = dict(zip(names, free_ports(len(names)), strict=True))
    argv = [
        sys.executable,
        str(ROOT / "deploy" / "stack.py"),
        *("--var-dir", str(base / "var"), "--hub-port", str(ports["hub"])),
        *("--kafka-port", str(ports["kafka"])),
        *("--kafka-controller-port", str(ports["controller"])),
        *(arg for a in AGENCIES for arg in ("--simulator-port", f"{a}={ports[a]}")),
        *(arg for a in AGENCIES for arg in ("--connector-port", f"{a}={ports[f'connector-{a}']}")),
        *(arg for d in DEELNEMER_POORTEN for arg in ("--deelnemer-port", f"{d}={ports[f'd-{d}']}")),
    ]
    started = time.monotonic()
    process = start_process(
        "stack", argv, env={"NO_COLOR": "1"}, cwd=ROOT, log_dir=base, ready_line=UP, timeout=240
    )
    took = time.monotonic() - started
    print(f"\nmake run: stack up (every connector in its group) after {took:.1f}s")
    return MakeRun(process, base / "var", ports, took)


@dataclass
class MakeRuns:
    """The shared ``make run`` of a test session: started when a module first asks for it, again
    when the one before was stopped; the last one stopped at the end."""

    root: Path
    started: list[MakeRun] = field(default_factory=list)

    def running(self) -> MakeRun:
        if not self.started or self.started[-1].process.returncode is not None:
            self.started.append(start_make_run(self.root / f"run-{len(self.started)}"))
        return self.started[-1]

    def stop(self) -> None:
        for run in self.started:
            if run.process.returncode is None:
                run.process.terminate(timeout=60)
