"""Start the project's console scripts as real processes in tests, wait for them, stop them cleanly.

    with running_process(
        "hub",
        [console_script("maatwerk-hub"), "serve", "--port", str(port)],
        env={"HUB_KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap},
        health_url=f"http://127.0.0.1:{port}/health",
    ) as hub:
        ...
    # hub.output() holds everything it printed, for assertion messages.

Each process runs in its own session (process group), so stopping it also stops anything it
started; its output goes to a file, so a chatty process never blocks on a full pipe.
"""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now (see :func:`free_ports`)."""
    return free_ports(1)[0]


def free_ports(count: int) -> list[int]:
    """``count`` distinct free ports (held open together while choosing, so none repeats).

    Chosen below the kernel's ephemeral range, in a band of their own per pytest-xdist worker: a
    port the kernel hands out (``bind(0)``) is one it also gives to outgoing connections, and
    between choosing a port and the server binding it (seconds, for a stack) a Kafka client of
    the other worker could take it."""
    low, high = _port_band()
    with contextlib.ExitStack() as stack:
        ports: list[int] = []
        while len(ports) < count:
            sock = stack.enter_context(socket.socket(socket.AF_INET, socket.SOCK_STREAM))
            ports.append(_bind_in(sock, low, high))
        return ports


def _port_band() -> tuple[int, int]:
    try:
        ephemeral = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        ephemeral = 32768
    bottom = 10_000 if ephemeral > 12_000 else 1_024
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    index = int(worker) if worker.isdigit() else 0
    band = (ephemeral - bottom) // max(workers, 1)
    return bottom + index * band, bottom + (index + 1) * band


def _bind_in(sock: socket.socket, low: int, high: int) -> int:
    for _ in range(1_000):
        port = _RANDOM.randrange(low, high)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:  # in use (or lingering): another
            continue
        return port
    sock.bind(("127.0.0.1", 0))  # the band is full: the kernel's choice after all
    return int(sock.getsockname()[1])


_RANDOM = random.SystemRandom()  # not the seeded module state: two processes must differ


def console_script(name: str) -> str:
    """The path of a console script of this environment (next to the running Python)."""
    candidate = Path(sys.executable).parent / name
    if candidate.exists():
        return str(candidate)
    found = shutil.which(name)
    if found is None:
        raise FileNotFoundError(f"console script {name!r} not found; is the project installed?")
    return found


class ProcessFailed(RuntimeError):
    """A process exited, or did not become ready in time."""


class ManagedProcess:
    """A child process with its output in a log file."""

    def __init__(self, name: str, popen: subprocess.Popen[bytes], log_path: Path) -> None:
        self.name = name
        self.popen = popen
        self.log_path = log_path

    @property
    def pid(self) -> int:
        return self.popen.pid

    @property
    def returncode(self) -> int | None:
        return self.popen.poll()

    def output(self) -> str:
        """Everything the process printed so far (stdout and stderr together)."""
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def tail(self, lines: int = 40) -> str:
        return "\n".join(self.output().splitlines()[-lines:])

    def wait_for_http(self, url: str, timeout: float = 30.0, ca: str | Path | None = None) -> None:
        """Wait until ``url`` answers with a 2xx status (``https://``: verified against ``ca``)."""
        context = ssl.create_default_context(cafile=str(ca)) if ca is not None else None
        deadline = time.monotonic() + timeout
        last_error = "no attempt"
        while time.monotonic() < deadline:
            self._check_alive(f"waiting for {url}")
            try:
                with urllib.request.urlopen(url, timeout=2, context=context) as response:
                    if 200 <= response.status < 300:
                        return
                    last_error = f"HTTP {response.status}"
            except urllib.error.HTTPError as exc:
                last_error = f"HTTP {exc.code}"
            except (urllib.error.URLError, OSError) as exc:
                last_error = str(exc)
            time.sleep(0.2)
        raise ProcessFailed(
            f"{self.name}: {url} did not answer within {timeout}s ({last_error}); output:\n"
            f"{self.tail()}"
        )

    def wait_for_line(self, text: str, timeout: float = 30.0) -> None:
        """Wait until the output contains ``text``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.output():
                return
            self._check_alive(f"waiting for {text!r}")
            time.sleep(0.1)
        raise ProcessFailed(
            f"{self.name}: {text!r} not printed within {timeout}s; output:\n{self.tail()}"
        )

    def terminate(self, timeout: float = 15.0) -> int:
        """SIGTERM to the process group, then SIGKILL after ``timeout`` seconds; the exit code."""
        if self.popen.poll() is None:
            self._signal_group(signal.SIGTERM)
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                self._signal_group(signal.SIGKILL)
                self.popen.wait(5)
        # Children that outlived their parent in the same group.
        self._signal_group(signal.SIGKILL)
        return self.popen.returncode

    def _signal_group(self, sig: signal.Signals) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.popen.pid, sig)

    def _check_alive(self, doing: str) -> None:
        code = self.popen.poll()
        if code is not None:
            raise ProcessFailed(
                f"{self.name} exited with code {code} while {doing}; output:\n{self.tail()}"
            )


def terminate_all(processes: Sequence[ManagedProcess], timeout: float = 15.0) -> None:
    """:meth:`ManagedProcess.terminate` for several processes at once: SIGTERM to every one
    first, then each waited for against one shared deadline (SIGKILL after it). One after the
    other, the graceful stops of a stack's dozen processes (a consumer leaving its group takes
    a second or more) added up to 10-25 s of every test module's teardown."""
    running = [p for p in processes if p.popen.poll() is None]
    for process in running:
        process._signal_group(signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for process in running:
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.popen.wait(max(0.0, deadline - time.monotonic()))
    for process in processes:
        process.terminate(timeout=0)  # SIGKILL to what is left (and to stray children)


def start_process(
    name: str,
    argv: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    cwd: str | Path | None = None,
    log_dir: str | Path | None = None,
    health_url: str | None = None,
    ready_line: str | None = None,
    timeout: float = 30.0,
    ca: str | Path | None = None,
) -> ManagedProcess:
    """Start ``argv`` with ``env`` added to this environment; wait for ``health_url`` (2xx) and/or
    ``ready_line`` in its output. On failure the process is stopped and ProcessFailed raised."""
    log_root = Path(log_dir) if log_dir is not None else Path(tempfile.mkdtemp(prefix="maatwerk-"))
    log_root.mkdir(parents=True, exist_ok=True)
    log_path = log_root / f"{name}.log"
    full_env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
    with log_path.open("ab") as log_file:
        popen = subprocess.Popen(
            list(argv),
            env=full_env,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    process = ManagedProcess(name, popen, log_path)
    try:
        if health_url is not None:
            process.wait_for_http(health_url, timeout, ca=ca)
        if ready_line is not None:
            process.wait_for_line(ready_line, timeout)
    except BaseException:
        process.terminate()
        raise
    return process


@contextlib.contextmanager
def running_process(
    name: str,
    argv: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    cwd: str | Path | None = None,
    log_dir: str | Path | None = None,
    health_url: str | None = None,
    ready_line: str | None = None,
    timeout: float = 30.0,
    ca: str | Path | None = None,
) -> Iterator[ManagedProcess]:
    """``start_process`` as a context manager that always terminates the process."""
    process = start_process(
        name,
        argv,
        env=env,
        cwd=cwd,
        log_dir=log_dir,
        health_url=health_url,
        ready_line=ready_line,
        timeout=timeout,
        ca=ca,
    )
    try:
        yield process
    finally:
        process.terminate()


def child_processes(pid: int) -> dict[int, str]:
    """The direct children of process ``pid`` (Linux ``/proc``): pid -> command line."""
    children: dict[int, str] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                cmdline = (stat.parent / "cmdline").read_bytes()
                children[int(stat.parent.name)] = cmdline.replace(b"\0", b" ").decode().strip()
        except (OSError, IndexError, ValueError):
            continue
    return children


def alive(pid: int) -> bool:
    """Whether process ``pid`` exists and is not a zombie."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"
