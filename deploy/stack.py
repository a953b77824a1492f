"""Run the whole maatwerk-hub stack on this machine: what ``make run`` starts.

A local CA with a certificate per organisation (``deploy/pki/local_ca.py``, in ``.var/pki``),
Kafka (the project's local broker, mutual TLS), the topics and their ACLs, a key pair per agency,
the three simulated agency back-offices, the hub (HTTPS, mutual TLS) and the three connectors
(each with its own certificate), each as its own process with its output prefixed by its name.
Ctrl-C (or SIGTERM) stops them in reverse order and then the broker. When a process dies on its
own, the runner names it, stops everything and exits non-zero.

    .venv/bin/python deploy/stack.py [--skip NAME ...] [--port-offset N] [--var-dir DIR]

Standard library only; run it with the project's virtualenv Python, whose ``bin/`` holds the
console scripts. The processes are listed in ``SETUP`` and ``SERVICES`` below.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import os
import signal
import ssl
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

from simulators import AGENCIES, POORTEN

KAFKA_PORT = 19092  # the controller listens on KAFKA_PORT + 1
HUB_PORT = 8000


@dataclass(frozen=True)
class Command:
    """One process. ``argv[0]`` is a console script of this virtualenv. ``{placeholders}`` in argv
    and env values are filled in at start: bootstrap, keys_dir, pki_dir, var_dir, port (this
    command's own), and port_<agency> (that agency's simulator)."""

    name: str
    argv: tuple[str, ...]
    env: dict[str, str] = field(default_factory=dict)
    port: int | None = None
    health_path: str | None = None  # GET http://127.0.0.1:{port}{health_path} answers 2xx when up
    describe: str = ""
    tls: bool = False  # serves HTTPS with a certificate of the local CA ({pki_dir})


# One-shot commands, run in order after the broker is up; each must exit 0.
SETUP: tuple[Command, ...] = (
    # As the operators (beheer, a super user of the broker): topics and the catalogue's ACLs.
    Command(
        "topics",
        ("maatwerk-hub", "topics", "--bootstrap", "{bootstrap}", "--pki-dir", "{pki_dir}"),
    ),
    *(
        Command(
            f"keygen-{agency}",
            ("maatwerk-connector", "keygen", "--agency", agency, "--keys-dir", "{keys_dir}"),
        )
        for agency in AGENCIES
    ),
)

# Long-running processes, started in this order (each waits for the previous one's health check)
# and stopped in the reverse order.
SERVICES: tuple[Command, ...] = (
    *(
        Command(
            f"simulator-{agency}",
            ("maatwerk-simulator", "run", "--agency", agency, "--port", "{port}"),
            port=POORTEN[agency],
            health_path="/health",
            describe=f"simulator {agency} (SIMULATED back-office)",
        )
        for agency in AGENCIES
    ),
    Command(
        "hub",
        ("maatwerk-hub", "serve", "--host", "127.0.0.1", "--port", "{port}"),
        env={
            "HUB_KAFKA_BOOTSTRAP_SERVERS": "{bootstrap}",
            "HUB_DATABASE_URL": "sqlite+aiosqlite:///{var_dir}/hub.sqlite3",
            "HUB_KEYS_DIR": "{keys_dir}",
            # The hub's own certificate: its OIN is its Kafka principal, with the hub's ACLs only.
            "HUB_KAFKA_SSL_CAFILE": "{pki_dir}/ca.pem",
            "HUB_KAFKA_SSL_CERTFILE": "{pki_dir}/hub.pem",
            "HUB_KAFKA_SSL_KEYFILE": "{pki_dir}/hub.key",
            # The operators' certificate, only to replay dead letters to an agency's topic.
            "HUB_REPLAY_KAFKA_SSL_CERTFILE": "{pki_dir}/beheer.pem",
            "HUB_REPLAY_KAFKA_SSL_KEYFILE": "{pki_dir}/beheer.key",
            # Mutual TLS: callers prove their OIN with a certificate of the local CA.
            "HUB_TLS_CERT": "{pki_dir}/hub.pem",
            "HUB_TLS_KEY": "{pki_dir}/hub.key",
            "HUB_TLS_CA": "{pki_dir}/ca.pem",
        },
        port=HUB_PORT,
        health_path="/health",
        describe="hub API, mutual TLS (OpenAPI at /docs, dashboard at /dashboard)",
        tls=True,
    ),
    *(
        Command(
            f"connector-{agency}",
            ("maatwerk-connector", "run", "--agency", agency),
            env={
                "CONNECTOR_KAFKA_BOOTSTRAP_SERVERS": "{bootstrap}",
                "CONNECTOR_BACKOFFICE_URL": f"http://127.0.0.1:{{port_{agency}}}",
                "CONNECTOR_KEYS_DIR": "{keys_dir}",
                # The agency's own certificate: its own instruction and answer topics only.
                "CONNECTOR_KAFKA_SSL_CAFILE": "{pki_dir}/ca.pem",
                "CONNECTOR_KAFKA_SSL_CERTFILE": f"{{pki_dir}}/{agency}.pem",
                "CONNECTOR_KAFKA_SSL_KEYFILE": f"{{pki_dir}}/{agency}.key",
            },
            describe=f"connector {agency}",
        )
        for agency in AGENCIES
    ),
)

REPO_ROOT = Path(__file__).resolve().parent.parent
LOCAL_KAFKA = REPO_ROOT / "deploy" / "kafka" / "local-kafka.sh"
LOCAL_CA = REPO_ROOT / "deploy" / "pki" / "local_ca.py"
HEALTH_TIMEOUT = 60.0
STOP_TIMEOUT = 10.0
COLOURS = ("36", "33", "35", "32", "34", "31", "96", "93", "95", "92")


class Stop(Exception):
    """SIGTERM or SIGINT: stop everything and exit 0."""


class Failed(Exception):
    """A command failed or a process died: stop everything and exit 1."""


class Output:
    """Prints the children's lines, each prefixed with its name, one line at a time."""

    def __init__(self, width: int) -> None:
        self.width = width
        self.lock = threading.Lock()
        self.colour = sys.stdout.isatty() and "NO_COLOR" not in os.environ
        self.colours = itertools.cycle(COLOURS)

    def prefix_for(self, name: str) -> str:
        label = f"{name:<{self.width}} |"
        return f"\033[{next(self.colours)}m{label}\033[0m" if self.colour else label

    def line(self, prefix: str, text: str) -> None:
        with self.lock:
            sys.stdout.write(f"{prefix} {text}\n")
            sys.stdout.flush()

    def say(self, text: str) -> None:
        self.line(self.prefix_for_runner, text)

    @property
    def prefix_for_runner(self) -> str:
        return f"{'stack':<{self.width}} |"


class Child:
    """A running command whose output is copied, prefixed, to ours."""

    def __init__(self, command: Command, argv: list[str], env: dict[str, str], out: Output) -> None:
        self.command = command
        self.name = command.name
        # Its own session: Ctrl-C in the terminal reaches only the runner, which stops the
        # children in order.
        self.popen = subprocess.Popen(  # noqa: S603
            argv,
            cwd=REPO_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.reader = threading.Thread(
            target=self._copy, args=(out, out.prefix_for(self.name)), daemon=True
        )
        self.reader.start()

    def _copy(self, out: Output, prefix: str) -> None:
        assert self.popen.stdout is not None
        for raw in self.popen.stdout:
            out.line(prefix, raw.decode(errors="replace").rstrip())

    def stop(self) -> int:
        """SIGTERM to its process group, SIGKILL after STOP_TIMEOUT; its exit code."""
        if self.popen.poll() is None:
            self._signal(signal.SIGTERM)
            try:
                self.popen.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self._signal(signal.SIGKILL)
                self.popen.wait()
        self._signal(signal.SIGKILL)  # anything it left behind in its group
        self.reader.join(2)
        return self.popen.returncode

    def _signal(self, sig: signal.Signals) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.popen.pid, sig)


class Stack:
    def __init__(self, args: argparse.Namespace) -> None:
        self.var_dir: Path = args.var_dir.resolve()
        self.offset: int = args.port_offset
        self.skip: tuple[str, ...] = tuple(args.skip)
        self.kafka_port = KAFKA_PORT + self.offset
        self.bin_dir = Path(sys.executable).parent
        self.children: list[Child] = []
        self.broker_started = False
        commands = [*SETUP, *SERVICES]
        self.out = Output(max(len(c.name) for c in commands))
        self.values = {
            "bootstrap": f"127.0.0.1:{self.kafka_port}",
            "keys_dir": str(self.var_dir / "keys"),
            "pki_dir": str(self.var_dir / "pki"),
            "var_dir": str(self.var_dir),
            **{f"port_{a}": str(p + self.offset) for a, p in POORTEN.items()},
        }

    # ------------------------------------------------------------------------------ commands

    def skipped(self, command: Command) -> bool:
        return any(command.name.startswith(prefix) for prefix in self.skip)

    def port(self, command: Command) -> int | None:
        return None if command.port is None else command.port + self.offset

    def resolve(self, command: Command) -> tuple[list[str], dict[str, str]]:
        values = {**self.values, "port": str(self.port(command))}
        script = self.bin_dir / command.argv[0]
        if not script.exists():
            raise Failed(f"{command.name}: {script} not found (run `make venv`)")
        argv = [str(script), *(arg.format(**values) for arg in command.argv[1:])]
        env = {
            **os.environ,
            "PYTHONUNBUFFERED": "1",
            **{key: value.format(**values) for key, value in command.env.items()},
        }
        return argv, env

    def run_setup(self, command: Command) -> None:
        argv, env = self.resolve(command)
        child = Child(command, argv, env, self.out)
        self.children.append(child)  # so that Ctrl-C meanwhile stops it too
        code = child.popen.wait()
        child.reader.join(5)
        self.children.remove(child)
        if code != 0:
            raise Failed(f"{command.name} failed with exit code {code}")

    def start_service(self, command: Command) -> None:
        argv, env = self.resolve(command)
        child = Child(command, argv, env, self.out)
        self.children.append(child)
        port = self.port(command)
        if command.health_path and port is not None:
            scheme = "https" if command.tls else "http"
            self.wait_healthy(child, f"{scheme}://127.0.0.1:{port}{command.health_path}")

    def wait_healthy(self, child: Child, url: str) -> None:
        context = (
            ssl.create_default_context(cafile=self.values["pki_dir"] + "/ca.pem")
            if url.startswith("https")
            else None
        )
        deadline = time.monotonic() + HEALTH_TIMEOUT
        while time.monotonic() < deadline:
            self.check_children()
            try:
                with urllib.request.urlopen(url, timeout=2, context=context) as response:  # noqa: S310
                    if 200 <= response.status < 300:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.25)
        raise Failed(f"{child.name}: {url} did not answer within {HEALTH_TIMEOUT:.0f}s")

    def check_children(self) -> None:
        for child in self.children:
            code = child.popen.poll()
            if code is not None:
                child.reader.join(2)
                raise Failed(f"{child.name} exited with code {code}")

    # -------------------------------------------------------------------------------- broker

    def local_kafka(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "PYTHON": sys.executable, "PKI_PYTHON": sys.executable}
        result = subprocess.run(  # noqa: S603
            [str(LOCAL_KAFKA), *args, "--data-dir", str(self.var_dir / "kafka")],
            env=env,
            text=True,
            stdout=subprocess.PIPE,
            check=False,
        )
        if check and result.returncode != 0:
            raise Failed(f"local-kafka.sh {args[0]} failed with exit code {result.returncode}")
        return result

    def start_broker(self) -> None:
        if self.local_kafka("status", check=False).returncode == 0:
            self.out.say(f"Kafka already runs from {self.var_dir / 'kafka'}: using it as it is")
            return
        self.out.say("starting Kafka (deploy/kafka/local-kafka.sh)")
        started = time.monotonic()
        self.broker_started = True
        # Creates the local CA in pki_dir when missing (deploy/pki/local_ca.py).
        self.local_kafka(
            "start", "--port", str(self.kafka_port), "--pki-dir", self.values["pki_dir"]
        )
        self.out.say(f"Kafka answers after {time.monotonic() - started:.1f}s")

    # --------------------------------------------------------------------------------- run

    def make_pki(self) -> None:
        """The local CA and a certificate per organisation (kept while valid): before anything
        starts, so every party finds its certificate."""
        result = subprocess.run(  # noqa: S603
            [sys.executable, str(LOCAL_CA), "--dir", self.values["pki_dir"]],
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            check=False,
        )
        self.out.say(result.stdout.strip())
        if result.returncode != 0:
            raise Failed(f"local_ca.py failed with exit code {result.returncode}")

    def up(self) -> None:
        (self.var_dir / "keys").mkdir(parents=True, exist_ok=True)
        self.make_pki()
        self.start_broker()
        for command in SETUP:
            if not self.skipped(command):
                self.run_setup(command)
        for command in SERVICES:
            if not self.skipped(command):
                self.start_service(command)
        self.print_table()

    def watch(self) -> None:
        while True:
            self.check_children()
            time.sleep(0.5)

    def down(self) -> None:
        for child in reversed(self.children):
            if child.popen.poll() is None:
                self.out.say(f"stopping {child.name}")
            child.stop()
        self.children.clear()
        if self.broker_started:
            self.out.say("stopping Kafka")
            self.local_kafka("stop", check=False)
            self.broker_started = False

    def print_table(self) -> None:
        rows = [
            (
                "Kafka broker (KRaft)",
                f"127.0.0.1:{self.kafka_port} (controller {self.kafka_port + 1}), "
                f"log {self.var_dir / 'kafka' / 'broker.log'}",
            ),
            ("Kafka security", f"mTLS, principal = OIN; certificates {self.values['pki_dir']}"),
        ]
        for child in self.children:
            port = self.port(child.command)
            what = child.command.describe or child.name
            scheme = "https" if child.command.tls else "http"
            where = f"{scheme}://127.0.0.1:{port}" if port is not None else f"pid {child.popen.pid}"
            rows.append((what, where))
        rows.append(("hub database", self.values["var_dir"] + "/hub.sqlite3"))
        rows.append(("agency keys", self.values["keys_dir"]))
        rows.append(("certificates (local CA)", self.values["pki_dir"]))
        width = max(len(what) for what, _ in rows)
        lines = ["", "maatwerk-hub stack is up:", ""]
        lines += [f"  {what:<{width}}  {where}" for what, where in rows]
        hub_port = HUB_PORT + self.offset
        pki = os.path.relpath(self.values["pki_dir"], Path.cwd())
        if pki.startswith(".."):  # outside the working directory: say where it is
            pki = self.values["pki_dir"]
        lines += [
            "",
            f"  try:  curl -s --cacert {pki}/ca.pem https://127.0.0.1:{hub_port}/health",
            "        as the loket (its certificate proves its OIN):",
            f"        curl -s --cacert {pki}/ca.pem \\",
            f"             --cert {pki}/loket.pem --key {pki}/loket.key \\",
            f"             https://127.0.0.1:{hub_port}/api/v1/casussen",
            f"        operators: --cert {pki}/beheer.pem --key {pki}/beheer.key for /dashboard",
            "        (README.md shows how to submit a casus and follow a time-out)",
            "  Ctrl-C stops everything.",
            "",
        ]
        with self.out.lock:
            print("\n".join(lines), flush=True)


def _raise_stop(signum: int, frame: FrameType | None) -> None:
    raise Stop(signal.Signals(signum).name)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--skip",
        action="append",
        default=[],
        metavar="NAME",
        help="do not run commands whose name starts with NAME (e.g. connector, keygen-duo)",
    )
    parser.add_argument(
        "--port-offset",
        type=int,
        default=0,
        help="add N to every port (to run a second stack beside the first)",
    )
    parser.add_argument("--var-dir", type=Path, default=REPO_ROOT / ".var", help="state directory")
    stack = Stack(parser.parse_args())
    signal.signal(signal.SIGTERM, _raise_stop)
    signal.signal(signal.SIGINT, _raise_stop)
    code = 0
    try:
        stack.up()
        stack.watch()
    except Stop as stop:
        stack.out.say(f"{stop}: stopping")
    except Failed as failure:
        stack.out.say(f"FAILED: {failure}")
        code = 1
    finally:
        # A second Ctrl-C must not interrupt the shutdown half-way.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        stack.down()
    stack.out.say("stopped" if code == 0 else "stopped after a failure")
    return code


if __name__ == "__main__":
    sys.exit(main())
