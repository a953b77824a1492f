"""Resident memory of the stack's processes, from ``/proc`` (Linux).

A thread samples each process's resident set (``VmRSS``) every ``interval`` seconds; the peak is
the kernel's own high-water mark (``VmHWM``), which no sample can miss. Growth is the last sample
against the first one of a window (``mark`` opens it, ``close`` ends it): the run at 70% of P1.

A process that finds no ``.pyc`` for a module compiles it at import, and keeps about 3 MiB more
resident for the rest of its life (the compiler's memory, freed but not given back: a connector
started with none measured 77.2 MiB, then 73.8 with them; bench/PROFILE.md, round 10). A fresh
virtual environment has none (uv installs without them), and a shell with
``PYTHONDONTWRITEBYTECODE=1`` never writes them, so the stack's first run (or every run) would
measure the compiler. :func:`compile_ahead` writes them before the stack starts.
"""

from __future__ import annotations

import compileall
import os
import sysconfig
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

MIB = 1024 * 1024
PROJECT = Path(__file__).resolve().parents[1]
STACK_PACKAGES = ("hub", "connectors", "schemas", "simulators")
"""The project's packages whose modules the stack's processes import."""


def stack_sources() -> list[Path]:
    """Where the stack's processes import from: the installed libraries and the project."""
    return [Path(sysconfig.get_paths()["purelib"]), *(PROJECT / p for p in STACK_PACKAGES)]


def compile_ahead(directories: Iterable[Path] | None = None) -> bool:
    """Write the missing or stale ``.pyc`` of every module under ``directories`` (default:
    :func:`stack_sources`), whatever ``PYTHONDONTWRITEBYTECODE`` says; seconds when they are
    there already. Whether every module compiled."""
    compiled = True
    for directory in stack_sources() if directories is None else directories:
        compiled &= bool(compileall.compile_dir(directory, quiet=2, workers=0))
    return compiled


def _status_kib(pid: int, field_name: str) -> int | None:
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        if line.startswith(f"{field_name}:"):
            return int(line.split()[1])
    return None


def children_named(script: str, subcommand: str) -> dict[str, int]:
    """This process's children running ``<script> <subcommand> --agency X``, by agency: how the
    benchmark finds the connectors the stack started."""
    found: dict[str, int] = {}
    me = os.getpid()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        words = [a.decode(errors="replace") for a in argv if a]
        names = [Path(w).name for w in words]
        if parent != me or script not in names or "--agency" not in words:
            continue
        at = names.index(script)
        if words[at + 1 : at + 2] == [subcommand]:
            found[words[words.index("--agency") + 1]] = int(entry.name)
    return found


@dataclass
class Usage:
    """One process's memory over the run, in MiB."""

    first: float | None = None
    last: float | None = None
    peak: float | None = None

    @property
    def growth(self) -> float | None:
        """Last against first sample after the warm-up, as a fraction (0.05: 5% more)."""
        if self.first is None or self.last is None:
            return None
        return self.last / self.first - 1


@dataclass
class Sampler:
    """Samples ``pids`` (name -> pid) in a thread until stopped."""

    pids: dict[str, int]
    interval: float = 0.5
    usage: dict[str, Usage] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)
    _window: bool = False

    def __post_init__(self) -> None:
        self.usage = {name: Usage() for name in self.pids}
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()  # the peak at the end

    def mark(self) -> None:
        """Growth counts from the next sample."""
        self._window = True
        for usage in self.usage.values():
            usage.first = None

    def close(self) -> None:
        """Growth counts up to the last sample."""
        self._sample()
        self._window = False

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()

    def _sample(self) -> None:
        for name, pid in self.pids.items():
            rss, hwm = _status_kib(pid, "VmRSS"), _status_kib(pid, "VmHWM")
            usage = self.usage[name]
            if rss is not None and self._window:
                usage.last = rss / 1024
                if usage.first is None:
                    usage.first = usage.last
            if hwm is not None:
                usage.peak = hwm / 1024
