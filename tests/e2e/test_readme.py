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
from pathlib import Path

import httpx
import pytest

from tests.support.make_run import UP, MakeRun, MakeRuns
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


@pytest.fixture(scope="module")
def make_run(make_runs: MakeRuns) -> MakeRun:
    """``make run`` as a user starts it, on free ports (its options pass through ``ARGS``): the
    e2e package's, shared with ``test_supervisor.py`` (which kills its parts after these tests)."""
    return make_runs.running()


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
