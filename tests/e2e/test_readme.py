"""The README is a test: ``make run`` (deploy/stack.py, on free ports and a state directory of
its own), then every shell block of the walk-through ("Try it as the loket" up to "Operating it")
run in order in one bash session, each answer compared with the shape the README shows.

How a README section is written so that it runs (``tests/support/readme.py`` has the details):
one bash session for all blocks (variables carry over); ``.var/`` is the stack's state directory
and ``.venv/bin`` is on the PATH; ``127.0.0.1:8000`` is the stack's hub; ``<!-- readme-test:
skip -->`` before a fence leaves the block out; ``# ...`` lines under a command show its answer
(literal ``"key": value`` pairs must occur in the JSON, ``"..."`` / ``<...>`` values and nested
objects only need their key, a leading three-digit number is the HTTP status); a GET that shows
an answer is asked again for up to 30 s until it has that shape; a command that exits non-zero
fails. Ids are captured with ``jq`` from a saved answer, never typed as placeholders.

Also: a clean start's log holds no warning (a warning at start must mean a real problem).
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from simulators import AGENCIES, DEELNEMER_POORTEN
from tests.support.processes import ManagedProcess, free_ports, start_process
from tests.support.readme import (
    HUB,
    RETRY_SECONDS,
    Shape,
    Shell,
    Step,
    blocks,
    mismatches,
    shell_env,
)

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
UP = "maatwerk-hub stack is up:"


@dataclass
class MakeRun:
    process: ManagedProcess
    var_dir: Path
    hub: str
    started_in: float
    connector_ports: dict[str, int]


@pytest.fixture(scope="module")
def make_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MakeRun]:
    """``make run`` as a user starts it, on free ports (its options pass through ``ARGS``)."""
    base = tmp_path_factory.mktemp("readme")
    names = ("hub", "kafka", "controller", *AGENCIES, *(f"c-{a}" for a in AGENCIES))
    names += tuple(f"d-{d}" for d in DEELNEMER_POORTEN)
    ports = dict(zip(names, free_ports(len(names)), strict=True))
    argv = [
        sys.executable,
        str(ROOT / "deploy" / "stack.py"),
        *("--var-dir", str(base / "var"), "--hub-port", str(ports["hub"])),
        *("--kafka-port", str(ports["kafka"])),
        *("--kafka-controller-port", str(ports["controller"])),
        *(arg for a in AGENCIES for arg in ("--simulator-port", f"{a}={ports[a]}")),
        *(arg for a in AGENCIES for arg in ("--connector-port", f"{a}={ports[f'c-{a}']}")),
        *(arg for d in DEELNEMER_POORTEN for arg in ("--deelnemer-port", f"{d}={ports[f'd-{d}']}")),
    ]
    started = time.monotonic()
    process = start_process(
        "stack",
        argv,
        # The broker's data dir goes with the test's: its stop at the end may SIGKILL after 3 s
        # (not 30), what `make run`'s orderly stop proves is test_supervisor's.
        env={"NO_COLOR": "1", "LOCAL_KAFKA_STOP_TIMEOUT": "3"},
        cwd=ROOT,
        log_dir=base,
        ready_line=UP,
        timeout=240,
    )
    took = time.monotonic() - started
    print(f"\nmake run: stack up (every connector in its group) after {took:.1f}s")
    try:
        connectors = {a: ports[f"c-{a}"] for a in AGENCIES}
        yield MakeRun(process, base / "var", f"127.0.0.1:{ports['hub']}", took, connectors)
    finally:
        process.terminate(timeout=60)


def warnings_in(log: str) -> list[str]:
    """The log lines at level warning or worse (JSON lines of the processes, and Python's
    ``WARNING:``/``ERROR:`` prefixes of anything not yet in JSON)."""
    found = []
    for line in log.splitlines():
        _, _, text = line.partition("| ")
        text = text.strip()
        try:
            level = str(json.loads(text).get("level", "")).lower()
        except (ValueError, AttributeError):
            level = text.split(":", 1)[0].lower() if ":" in text else ""
        if level in ("warning", "error", "critical"):
            found.append(line)
    return found


def test_a_clean_start_logs_no_warning(make_run: MakeRun) -> None:
    """Each start once logged 16 "Failed to create topic" warnings (the hub may not create
    topics), "Auto create topics is disabled" per connector and the Kafka client's start-up
    blips as an error and a warning: noise that looks like failure."""
    log = make_run.process.output()
    start_up = log[: log.index(UP)]
    noise = warnings_in(start_up)
    print(f"warnings in the start-up log: {len(noise)}")
    assert noise == []


def test_up_means_every_connector_has_joined_its_group(make_run: MakeRun) -> None:
    """ "stack is up" once came about 3 s before the connectors had joined Kafka: an order placed
    at once waited. Now each connector's /ready (204 only once its consumer is in its group)
    answers 204 the moment the line is printed, asked once, without waiting."""
    for agency, port in make_run.connector_ports.items():
        response = httpx.get(f"http://127.0.0.1:{port}/ready", timeout=10)
        assert response.status_code == 204, (agency, response.text)


def test_the_readme_walk_through_runs_as_written(make_run: MakeRun, tmp_path: Path) -> None:
    (tmp_path / ".var").symlink_to(make_run.var_dir)
    shell = Shell(tmp_path, shell_env(Path(sys.executable).parent))
    started = time.monotonic()
    ran = 0
    try:
        for block in blocks((ROOT / "README.md").read_text()):
            if block.skip:
                continue
            for step in block.steps:
                run_step(shell, step, step.command.replace(HUB, make_run.hub))
                ran += 1
    finally:
        shell.close()
    print(f"README: {ran} commands in {time.monotonic() - started:.1f}s")
    assert ran > 0


def run_step(shell: Shell, step: Step, command: str) -> None:
    """Run one command; a GET whose answer lacks the shape is asked again until the deadline."""
    shape = Shape.of(step.expected) if step.expected else None
    deadline = time.monotonic() + RETRY_SECONDS
    while True:
        outcome = shell.run(command)
        where = (
            f"README.md line {step.line}:\n{command}\n--- output:\n{outcome.output}{outcome.errors}"
        )
        assert outcome.code == 0, f"exit code {outcome.code} at {where}"
        wrong = [] if shape is None else mismatches(shape, outcome.output, outcome.status)
        if not wrong:
            return
        if not step.is_get or time.monotonic() > deadline:
            pytest.fail(f"the answer lacks what the README shows ({'; '.join(wrong)}) at {where}")
        time.sleep(0.5)  # a user asking again after half a second
