"""The README's walk-through as a test: its shell blocks, run in order in one shell, each answer
compared with the shape the README shows under the command.

Conventions a README section follows to be run (any section between ``START`` and ``END``,
including ones this module does not know):

- Fenced blocks marked ``sh``, ``bash`` or ``shell`` run, in README order, in ONE bash session
  (variables set in one block are there in the next), from a directory whose ``.var`` is the test
  stack's state directory, with the project's ``.venv/bin`` first on the PATH (as after
  ``source .venv/bin/activate``). ``127.0.0.1:8000`` is rewritten to the test stack's hub.
- ``<!-- readme-test: skip -->`` on the line before a fence (blank lines between allowed): the
  block is not run (``make run`` itself, a command that runs until stopped).
- Comment lines (``# ...``) right after a command are the answer it gives: every ``"key": value``
  shown with a literal value (a string, number, ``true``, ``false``, ``null``) must occur in the
  command's JSON output (somewhere in it, loosely); a key shown with ``"..."``, a ``"<...>"``
  value, an object or a list must be present; a leading three-digit number is the HTTP status of
  the command's last ``curl``. Comment lines that show no JSON and no status are prose.
- A command that shows an answer and sends no ``-X`` (a GET) is asked again until the answer has
  that shape (at most ``RETRY_SECONDS``): the README says "within a second or two".
- Any command that exits non-zero fails the test (``set -o pipefail`` is on).
"""

from __future__ import annotations

import json
import os
import queue
import re
import shlex
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

START = "## Try it as the loket"
END = "## Operating it"
SKIP = "<!-- readme-test: skip -->"
HUB = "127.0.0.1:8000"
RETRY_SECONDS = 30.0
STEP_TIMEOUT = 60.0
SHELLS = ("sh", "bash", "shell")

_FENCE = re.compile(r"^```(\w*)\s*$")
_STATUS = re.compile(r"^(\d{3})\b")
_KEY = r'"([^"\\]+)"\s*:\s*'
_LITERAL = re.compile(_KEY + r'("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?\b|true\b|false\b|null\b)')
_PRESENT = re.compile(_KEY + r'[\[{"]')


@dataclass
class Step:
    """One command and the answer the README shows for it (the comment lines below it)."""

    command: str
    line: int
    expected: list[str] = field(default_factory=list)

    @property
    def is_get(self) -> bool:
        return "curl" in self.command and not re.search(r"\s-X\s*[A-Z]", self.command)


@dataclass
class Block:
    line: int
    skip: bool
    steps: list[Step]


def _complete(text: str) -> bool:
    """Whether ``text`` is a whole shell command (no open quote, no trailing backslash)."""
    if text.rstrip().endswith("\\"):
        return False
    try:
        shlex.split(text, comments=True)
    except ValueError:
        return False
    return True


def steps_of(lines: list[str], first_line: int) -> list[Step]:
    """The commands of one block, each with the comment lines right after it."""
    steps: list[Step] = []
    pending: list[str] = []
    for offset, line in enumerate(lines):
        if not pending and line.lstrip().startswith("#"):
            if steps:
                steps[-1].expected.append(line.lstrip()[1:].strip())
            continue
        if not pending and not line.strip():
            continue
        pending.append(line)
        text = "\n".join(pending)
        if _complete(text):
            steps.append(Step(text, first_line + offset - len(pending) + 1))
            pending = []
    if pending:
        raise ValueError(f"README line {first_line}: an unfinished command: {pending[0]!r}")
    return steps


def blocks(readme: str) -> list[Block]:
    """The shell blocks between ``START`` and ``END``, in order."""
    lines = readme.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(START))
    end = next(i for i, line in enumerate(lines) if line.startswith(END) and i > start)
    found: list[Block] = []
    i = start
    while i < end:
        fence = _FENCE.match(lines[i].strip())
        if fence is None:
            i += 1
            continue
        close = next(j for j in range(i + 1, len(lines)) if lines[j].strip() == "```")
        if fence.group(1) in SHELLS:
            before = next((lines[j] for j in range(i - 1, start, -1) if lines[j].strip()), "")
            found.append(
                Block(i + 1, before.strip() == SKIP, steps_of(lines[i + 1 : close], i + 2))
            )
        i = close + 1
    return found


# ----------------------------------------------------------------------------- the answer


@dataclass(frozen=True)
class Shape:
    """What a comment shows: an HTTP status, literal pairs, keys that must be there."""

    status: int | None
    pairs: tuple[tuple[str, Any], ...]
    keys: tuple[str, ...]

    @property
    def json(self) -> bool:
        return bool(self.pairs or self.keys)

    @classmethod
    def of(cls, comment: list[str]) -> Shape:
        text = " ".join(comment)
        status = _STATUS.match(comment[0]) if comment else None
        pairs: list[tuple[str, Any]] = []
        for key, raw in _LITERAL.findall(text):
            value = json.loads(raw)
            if isinstance(value, str) and ("..." in value or value.startswith("<")):
                continue
            pairs.append((key, value))
        literal = {k for k, _ in _LITERAL.findall(text)}
        keys = {k for k in _PRESENT.findall(text)} | literal
        return cls(
            int(status.group(1)) if status else None,
            tuple(pairs),
            tuple(sorted(keys - {k for k, _ in pairs})),
        )


def _walk(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, dict):
        yield value
        for inner in value.values():
            yield from _walk(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _walk(inner)


def mismatches(shape: Shape, output: str, status: int | None) -> list[str]:
    """What the answer lacks of the shape; empty when it has it."""
    wrong: list[str] = []
    if shape.status is not None and shape.status != status:
        wrong.append(f"HTTP status {status}, the README shows {shape.status}")
    if not shape.json:
        return wrong
    try:
        answer = json.loads(output)
    except ValueError:
        return [*wrong, "the output is not JSON"]
    objects = list(_walk(answer))
    for key, value in shape.pairs:
        if not any(key in o and o[key] == value for o in objects):
            wrong.append(f"no {json.dumps(key)}: {json.dumps(value)}")
    for key in shape.keys:
        if not any(key in o for o in objects):
            wrong.append(f"no key {json.dumps(key)}")
    return wrong


# ------------------------------------------------------------------------------ the shell


@dataclass
class Outcome:
    code: int
    output: str
    errors: str
    status: int | None


class Shell:
    """One bash session: variables live from command to command, as in a user's terminal."""

    def __init__(self, cwd: Path, env: dict[str, str]) -> None:
        self.cwd = cwd
        self._out, self._err, self._headers = (cwd / n for n in ("rt.out", "rt.err", "rt.headers"))
        self.process = subprocess.Popen(
            ["bash", "--noprofile", "--norc"],
            cwd=cwd,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self._lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self._send(
            "set -o pipefail\n"
            # The status of each step's last curl, from its response headers.
            f'curl() {{ command curl -D {shlex.quote(str(self._headers))} "$@"; }}\n'
        )

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._lines.put(line)
        self._lines.put("")

    def _send(self, text: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(text)
        self.process.stdin.flush()

    def run(self, command: str) -> Outcome:
        marker = f"__readme_step_done_{time.monotonic_ns()}__"
        self._headers.write_text("")
        out, err = shlex.quote(str(self._out)), shlex.quote(str(self._err))
        self._send(f"{{\n{command}\n}} </dev/null >{out} 2>{err}\necho {marker} $?\n")
        while True:  # bash answers each step with the marker line
            try:
                line = self._lines.get(timeout=STEP_TIMEOUT)
            except queue.Empty:
                raise TimeoutError(f"no end within {STEP_TIMEOUT:.0f}s: {command}") from None
            if not line:
                raise RuntimeError(f"the shell ended: {self.process.wait()}")
            if line.startswith(marker):
                code = int(line.split()[1])
                break
        statuses = re.findall(r"^HTTP/\S+ (\d{3})", self._headers.read_text(), re.MULTILINE)
        return Outcome(
            code,
            self._out.read_text(),
            self._err.read_text(),
            int(statuses[-1]) if statuses else None,
        )

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def shell_env(venv_bin: Path) -> dict[str, str]:
    """The user's environment after ``source .venv/bin/activate``, without the test's own."""
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("HUB_", "MAATWERK_"))}
    return {**keep, "PATH": f"{venv_bin}{os.pathsep}{os.environ.get('PATH', '')}"}
