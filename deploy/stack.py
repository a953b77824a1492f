"""Run the whole maatwerk-hub stack on this machine: what ``make run`` starts.

A local CA with a certificate per organisation (``deploy/pki/local_ca.py``, in ``.var/pki``),
Kafka (the project's local broker, mutual TLS), the topics and their ACLs, a key pair per agency,
a simulated back-office per installed agency, the hub (HTTPS, mutual TLS) and a connector per
agency (each with its own certificate), each as its own process with its output prefixed by its
name; the agencies are the installed ones (their entry points, through ``simulators.POORTEN``),
none is named here. An agency that needs more than plain HTTP to its back-office (the
municipalities' one: several municipalities over mutual TLS, each with its own certificate) says
so in its local run recipe (``maatwerk_hub.local_run``, ``schemas/lokaal.py``), which this runner
applies. Then the register is seeded (each organisation entering its own contact).

It supervises them: when a process (or the broker it started) dies on its own, the runner says so
(name, exit code or signal) and starts it again after a back-off (``RestartPolicy``: 1 s doubling to
30 s, from 1 s again once it ran a minute), waiting for its health check again. Only Ctrl-C (or
SIGTERM) stops everything: the processes in reverse order, then the broker. The simulated
back-offices keep their state in ``<var-dir>/simulators/<agency>.sqlite3``, so a restarted one
forgets nothing.

    .venv/bin/python deploy/stack.py [--skip NAME ...] [--var-dir DIR] [--port-offset N]
        [--hub-port N] [--kafka-port N] [--kafka-controller-port N] [--simulator-port AGENCY=N ...]
        [--connector-port AGENCY=N ...] [--deelnemer-port PARTY=N ...]

Standard library and the project's registry (``schemas``, ``simulators``) only; run it with the
project's virtualenv Python, whose ``bin/`` holds the console scripts. The processes are listed in
``SETUP``, ``SERVICES`` and ``AFTER_START`` below.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
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
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

from schemas.backoff import Backoff
from schemas.lokaal import LokaalRecept, LokaleOmgeving, recept_voor
from simulators import AGENCIES, DEELNEMER_POORTEN, DEELNEMER_PULLERS, POORTEN

KAFKA_PORT = 19092  # the controller listens on KAFKA_PORT + 1
HUB_PORT = 8000
# /health and /ready: ten above the agency's simulator (8101 -> 8111, 8106 -> 8116)
CONNECTOR_PORTS = {agency: port + 10 for agency, port in POORTEN.items()}


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
    agency: str | None = None  # its agency's local run recipe applies (schemas/lokaal.py)
    needs_broker: bool = True  # one that does not (key pairs, simulators) starts with the broker


# One-shot commands, each must exit 0: those that need the broker in order once it is up, the
# others (the agencies' key pairs) while it starts.
SETUP: tuple[Command, ...] = (
    # As the operators (beheer, a super user of the broker): topics and the catalogue's ACLs.
    Command(
        "topics",
        ("maatwerk-hub", "topics", "--bootstrap", "{bootstrap}", "--pki-dir", "{pki_dir}"),
    ),
    # Every agency's pair in one process (a process per agency: 0.5 s of CPU each, its imports).
    Command(
        "keygen",
        (
            "maatwerk-connector",
            "keygen",
            *(option for agency in AGENCIES for option in ("--agency", agency)),
            "--keys-dir",
            "{keys_dir}",
        ),
        needs_broker=False,
    ),
)

# Long-running processes, started in this order (all at once, then each one's health check is
# waited for) and stopped in the reverse order.
SERVICES: tuple[Command, ...] = (
    *(
        Command(
            f"simulator-{agency}",
            (
                "maatwerk-simulator",
                "run",
                "--agency",
                agency,
                "--port",
                "{port}",
                "--state-file",
                f"{{var_dir}}/simulators/{agency}.sqlite3",
            ),
            port=POORTEN[agency],
            health_path="/health",
            describe=f"simulator {agency} (SIMULATED back-office)",
            agency=agency,
            needs_broker=False,
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
            # Webhook receivers (the simulated parties) serve certificates of the local CA.
            "HUB_WEBHOOK_CA": "{pki_dir}/ca.pem",
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
                "CONNECTOR_HEALTH_PORT": "{port}",
            },
            port=CONNECTOR_PORTS[agency],
            # Ready once its consumer has joined its group: an instruction sent now is read.
            health_path="/ready",
            describe=f"connector {agency} (probes /health, /ready)",
            agency=agency,
        )
        for agency in AGENCIES
    ),
    # SIMULATED parties without Kafka: webhooks over HTTPS (their own certificates), or pull.
    *(
        Command(
            f"deelnemer-{code}",
            (
                "maatwerk-simulator",
                "deelnemer",
                "--code",
                code,
                "--port",
                "{port}",
                "--hub-url",
                "https://127.0.0.1:{port_hub}",
                "--pki-dir",
                "{pki_dir}",
            ),
            port=port,
            health_path="/health",
            describe=f"{code} without Kafka (SIMULATED): "
            + ("pulls over HTTPS" if code in DEELNEMER_PULLERS else "webhook over HTTPS"),
            tls=code not in DEELNEMER_PULLERS,
        )
        for code, port in DEELNEMER_POORTEN.items()
    ),
)

# One-shot commands, run in order once the services are up; each must exit 0.
AFTER_START: tuple[Command, ...] = (
    # Each organisation enters its maatwerkfunctionaris in the register with its own certificate
    # (the agencies, municipalities, a health insurer and a care office); again changes nothing.
    Command(
        "register",
        (
            "maatwerk-hub",
            "register",
            "seed",
            "--url",
            "https://127.0.0.1:{port_hub}",
            "--pki-dir",
            "{pki_dir}",
            "--file",
            "{repo_root}/deploy/register/seed.json",
        ),
    ),
)

REPO_ROOT = Path(__file__).resolve().parent.parent
LOCAL_KAFKA = REPO_ROOT / "deploy" / "kafka" / "local-kafka.sh"
LOCAL_CA = REPO_ROOT / "deploy" / "pki" / "local_ca.py"
HEALTH_TIMEOUT = 60.0
STOP_TIMEOUT = 10.0
WATCH_INTERVAL = 0.25
COLOURS = ("36", "33", "35", "32", "34", "31", "96", "93", "95", "92")


# ------------------------------------------------------------------------------- supervision


@dataclass
class RestartPolicy:
    """When to start a crashed process again: ``first`` seconds after its first crash, doubling
    with every crash in a row up to ``maximum``. A process that ran ``stable_after`` seconds or
    longer before it crashed starts the count again. Pure: the caller says how long it ran."""

    first: float = 1.0
    maximum: float = 30.0
    stable_after: float = 60.0
    crashes: int = 0
    """Crashes in a row, each after less than ``stable_after`` seconds."""

    def delay(self, ran_for: float) -> float:
        """Seconds to wait before the next start, after a run of ``ran_for`` seconds."""
        if ran_for >= self.stable_after:
            self.crashes = 0
        self.crashes += 1
        return self._backoff()

    @property
    def at_maximum(self) -> bool:
        """The last delay was the maximum: the process keeps crashing fast."""
        return self.crashes > 0 and self._backoff() >= self.maximum

    def _backoff(self) -> float:
        return Backoff(self.first, self.maximum).delay(self.crashes)


def describe_exit(returncode: int) -> str:
    """``exit code 3`` or ``signal SIGKILL`` (a negative return code of ``subprocess``)."""
    if returncode < 0:
        try:
            return f"signal {signal.Signals(-returncode).name}"
        except ValueError:
            return f"signal {-returncode}"
    return f"exit code {returncode}"


def crash_message(name: str, how: str, ran_for: float, policy: RestartPolicy, delay: float) -> str:
    """The line the runner prints when a process died on its own."""
    text = (
        f"{name} exited unexpectedly ({how}) after {ran_for:.1f}s: "
        f"restart #{policy.crashes} in {delay:g}s"
    )
    if policy.at_maximum:
        text += f" (it keeps crashing: retrying every {policy.maximum:g}s)"
    return text


class Stop(Exception):
    """SIGTERM or SIGINT: stop everything and exit 0."""


class Failed(Exception):
    """A setup command failed or a process did not come up the first time: stop everything and
    exit 1."""


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
        self.started = time.monotonic()
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


@dataclass
class Service:
    """A long-running command under supervision: its current process and its restart policy."""

    command: Command
    health_url: str | None
    child: Child | None = None
    policy: RestartPolicy = field(default_factory=RestartPolicy)
    restart_at: float | None = None
    """Set while it waits for its next start (monotonic time)."""
    health_deadline: float | None = None
    """Set while a restarted process has not answered its health check yet."""

    @property
    def name(self) -> str:
        return self.command.name


def answers(url: str, context: ssl.SSLContext | None) -> bool:
    """One health probe: ``url`` answers 2xx."""
    try:
        with urllib.request.urlopen(url, timeout=2, context=context) as response:  # noqa: S310
            return bool(200 <= response.status < 300)
    except (urllib.error.URLError, OSError):
        return False


class Stack:
    def __init__(self, args: argparse.Namespace) -> None:
        self.var_dir: Path = args.var_dir.resolve()
        self.offset: int = args.port_offset
        self.skip: tuple[str, ...] = tuple(args.skip)
        self.kafka_port: int = args.kafka_port or KAFKA_PORT + self.offset
        self.kafka_controller_port: int = args.kafka_controller_port or self.kafka_port + 1
        self.ports: dict[str, int] = {
            "hub": args.hub_port or HUB_PORT + self.offset,
            **{f"simulator-{a}": p + self.offset for a, p in POORTEN.items()},
            **{f"simulator-{a}": p for a, p in args.simulator_port},
            **{f"connector-{a}": p + self.offset for a, p in CONNECTOR_PORTS.items()},
            **{f"connector-{a}": p for a, p in args.connector_port},
            **{f"deelnemer-{c}": p + self.offset for c, p in DEELNEMER_POORTEN.items()},
            **{f"deelnemer-{c}": p for c, p in args.deelnemer_port},
        }
        self.bin_dir = Path(sys.executable).parent
        self.services: list[Service] = []
        self.setup_children: list[Child] = []
        self.broker_started = False
        self.broker_policy = RestartPolicy()
        self.broker_since = 0.0
        self.broker_restart_at: float | None = None
        self.stop_signal: str | None = None
        self._interruptible = False
        commands = [*SETUP, *SERVICES, *AFTER_START]
        self.out = Output(max(len(c.name) for c in commands))
        self.values = {
            "bootstrap": f"127.0.0.1:{self.kafka_port}",
            "keys_dir": str(self.var_dir / "keys"),
            "pki_dir": str(self.var_dir / "pki"),
            "var_dir": str(self.var_dir),
            "repo_root": str(REPO_ROOT),
            "port_hub": str(self.ports["hub"]),
            **{f"port_{a}": str(self.ports[f"simulator-{a}"]) for a in POORTEN},
        }
        self._tls: ssl.SSLContext | None = None

    # ------------------------------------------------------------------------------ signals

    def on_signal(self, signum: int, frame: FrameType | None) -> None:
        """SIGINT/SIGTERM: noted, and raised as Stop at once when the runner is only waiting (never
        half-way through starting a process, which would leave it behind)."""
        self.stop_signal = signal.Signals(signum).name
        if self._interruptible:
            raise Stop(self.stop_signal)

    @contextlib.contextmanager
    def interruptible(self) -> Iterator[None]:
        self._interruptible = True
        try:
            if self.stop_signal is not None:
                raise Stop(self.stop_signal)
            yield
        finally:
            self._interruptible = False

    # ------------------------------------------------------------------------------ commands

    def skipped(self, command: Command) -> bool:
        return any(command.name.startswith(prefix) for prefix in self.skip)

    def port(self, command: Command) -> int | None:
        return None if command.port is None else self.ports[command.name]

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

    def health_url(self, command: Command) -> str | None:
        port = self.port(command)
        if command.health_path is None or port is None:
            return None
        scheme = "https" if command.tls else "http"
        return f"{scheme}://127.0.0.1:{port}{command.health_path}"

    def tls_context(self, url: str) -> ssl.SSLContext | None:
        if not url.startswith("https"):
            return None
        if self._tls is None:
            self._tls = ssl.create_default_context(cafile=self.values["pki_dir"] + "/ca.pem")
        return self._tls

    def start_setup(self, command: Command) -> Child:
        argv, env = self.resolve(command)
        child = Child(command, argv, env, self.out)
        self.setup_children.append(child)
        return child

    def finish_setup(self, child: Child) -> None:
        with self.interruptible():
            code = child.popen.wait()
        child.reader.join(5)
        self.setup_children.remove(child)
        if code != 0:
            raise Failed(f"{child.name} failed with exit code {code}")

    def run_setup(self, command: Command) -> None:
        self.finish_setup(self.start_setup(command))

    def spawn(self, service: Service) -> None:
        argv, env = self.resolve(service.command)
        service.child = Child(service.command, argv, env, self.out)

    def start_service(self, command: Command) -> Service:
        """The first start; :meth:`wait_healthy` then waits for it."""
        service = Service(command, self.health_url(command))
        self.services.append(service)
        self.spawn(service)
        return service

    def wait_healthy(self, service: Service) -> None:
        """A process that does not come up at its first start stops the stack (a configuration
        error, not a crash)."""
        command = service.command
        assert service.child is not None
        if service.health_url is None:
            return
        deadline = time.monotonic() + HEALTH_TIMEOUT
        with self.interruptible():
            while not answers(service.health_url, self.tls_context(service.health_url)):
                code = service.child.popen.poll()
                if code is not None:
                    service.child.reader.join(2)
                    raise Failed(f"{command.name} exited with {describe_exit(code)}")
                if time.monotonic() > deadline:
                    raise Failed(
                        f"{command.name}: {service.health_url} did not answer within "
                        f"{HEALTH_TIMEOUT:.0f}s"
                    )
                time.sleep(WATCH_INTERVAL)
        service.child.started = time.monotonic()

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

    def launch_broker(self) -> bool:
        """``local-kafka.sh start``; whether the broker answers."""
        with self.interruptible():
            result = self.local_kafka(
                "start",
                "--port",
                str(self.kafka_port),
                "--controller-port",
                str(self.kafka_controller_port),
                "--pki-dir",
                self.values["pki_dir"],
                check=False,
            )
        self.broker_since = time.monotonic()
        return result.returncode == 0

    def start_broker(self) -> None:
        with self.interruptible():
            running = self.local_kafka("status", check=False).returncode == 0
        if running:
            self.out.say(f"Kafka already runs from {self.var_dir / 'kafka'}: using it as it is")
            return
        self.out.say("starting Kafka (deploy/kafka/local-kafka.sh)")
        started = time.monotonic()
        self.broker_started = True
        # Creates the local CA in pki_dir when missing (deploy/pki/local_ca.py).
        if not self.launch_broker():
            raise Failed("local-kafka.sh start failed")
        self.out.say(f"Kafka answers after {time.monotonic() - started:.1f}s")

    def broker_pid(self) -> int | None:
        """The pid of the broker we started while it runs, else ``None``."""
        try:
            pid = int((self.var_dir / "kafka" / "broker.pid").read_text().strip())
            os.kill(pid, 0)
        except (OSError, ValueError):
            return None
        return pid

    def watch_broker(self, now: float) -> None:
        if not self.broker_started:
            return
        if self.broker_restart_at is None:
            if self.broker_pid() is not None:
                return
            ran_for = now - self.broker_since
            delay = self.broker_policy.delay(ran_for)
            self.out.say(crash_message("Kafka", "process gone", ran_for, self.broker_policy, delay))
            self.broker_restart_at = now + delay
        elif now >= self.broker_restart_at:
            self.out.say("starting Kafka again")
            if self.launch_broker():
                self.broker_restart_at = None
                self.out.say("Kafka answers again")
            else:
                ran_for = time.monotonic() - self.broker_since
                delay = self.broker_policy.delay(ran_for)
                self.out.say(
                    crash_message("Kafka", "did not start", ran_for, self.broker_policy, delay)
                )
                self.broker_restart_at = time.monotonic() + delay

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

    def recipes(self) -> dict[str, LokaalRecept]:
        """Each agency's local run recipe (``maatwerk_hub.local_run``), which may write its files
        into the state directory now that the local CA is there."""
        pki = Path(self.values["pki_dir"])
        return {a: recept_voor(LokaleOmgeving(a, pki, self.var_dir)) for a in AGENCIES}

    def up(self) -> None:
        (self.var_dir / "keys").mkdir(parents=True, exist_ok=True)
        (self.var_dir / "simulators").mkdir(parents=True, exist_ok=True)
        self.make_pki()
        recipes = self.recipes()
        setup = [c for c in SETUP if not self.skipped(c)]
        services = [with_recipe(c, recipes) for c in SERVICES if not self.skipped(c)]
        # What needs no broker (the key pairs, the simulated back-offices: a Python process
        # each) overlaps its start.
        early = [self.start_setup(c) for c in setup if not c.needs_broker]
        started = [self.start_service(c) for c in services if not c.needs_broker]
        self.start_broker()
        for command in setup:
            if command.needs_broker:
                self.run_setup(command)
        for child in early:
            self.finish_setup(child)
        # The rest all at once (none needs another to start), then each one's health check:
        # the connectors' joins to their groups overlap instead of queueing.
        started += [self.start_service(c) for c in services if c.needs_broker]
        for service in started:
            self.wait_healthy(service)
        if not self.skipped(Command("hub", ())):
            for command in AFTER_START:
                if not self.skipped(command):
                    self.run_setup(command)
        self.print_table()

    def watch(self) -> None:
        """Until SIGINT or SIGTERM: restart what died, with back-off."""
        while True:
            now = time.monotonic()
            self.watch_broker(now)
            for service in self.services:
                self.supervise(service, now)
            with self.interruptible():
                time.sleep(WATCH_INTERVAL)

    def supervise(self, service: Service, now: float) -> None:
        child = service.child
        if service.restart_at is not None:
            if now >= service.restart_at:
                service.restart_at = None
                self.spawn(service)
                assert service.child is not None
                self.out.say(f"{service.name} started again (pid {service.child.popen.pid})")
                if service.health_url is not None:
                    service.health_deadline = now + HEALTH_TIMEOUT
            return
        assert child is not None
        code = child.popen.poll()
        if code is None and service.health_deadline is not None:
            assert service.health_url is not None
            if answers(service.health_url, self.tls_context(service.health_url)):
                service.health_deadline = None
                child.started = time.monotonic()
                self.out.say(f"{service.name} is healthy again ({service.health_url})")
            elif now > service.health_deadline:
                self.out.say(f"{service.name}: no answer within {HEALTH_TIMEOUT:.0f}s: stopping it")
                child.stop()
                code = child.popen.returncode
        if code is None:
            return
        child.reader.join(2)
        ran_for = now - child.started
        delay = service.policy.delay(ran_for)
        self.out.say(
            crash_message(service.name, describe_exit(code), ran_for, service.policy, delay)
        )
        service.health_deadline = None
        service.restart_at = now + delay

    def down(self) -> None:
        for child in self.setup_children:
            child.stop()
        self.setup_children.clear()
        for service in reversed(self.services):
            child = service.child
            if child is None:
                continue
            if child.popen.poll() is None:
                self.out.say(f"stopping {service.name}")
            child.stop()
        self.services.clear()
        if self.broker_started:
            self.out.say("stopping Kafka")
            self.local_kafka("stop", check=False)
            self.broker_started = False

    def print_table(self) -> None:
        rows = [
            (
                "Kafka broker (KRaft)",
                f"127.0.0.1:{self.kafka_port} (controller {self.kafka_controller_port}), "
                f"log {self.var_dir / 'kafka' / 'broker.log'}",
            ),
            ("Kafka security", f"mTLS, principal = OIN; certificates {self.values['pki_dir']}"),
        ]
        for service in self.services:
            command = service.command
            port = self.port(command)
            what = command.describe or command.name
            scheme = "https" if command.tls else "http"
            assert service.child is not None
            where = (
                f"{scheme}://127.0.0.1:{port}"
                if port is not None
                else f"pid {service.child.popen.pid}"
            )
            rows.append((what, where))
        rows.append(("hub database", self.values["var_dir"] + "/hub.sqlite3"))
        rows.append(("simulators' state", self.values["var_dir"] + "/simulators/<agency>.sqlite3"))
        rows.append(("agency keys", self.values["keys_dir"]))
        rows.append(("certificates (local CA)", self.values["pki_dir"]))
        width = max(len(what) for what, _ in rows)
        lines = ["", "maatwerk-hub stack is up:", ""]
        lines += [f"  {what:<{width}}  {where}" for what, where in rows]
        hub_port = self.ports["hub"]
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
            "  A process that dies is started again (with back-off); Ctrl-C stops everything.",
            "",
        ]
        with self.out.lock:
            print("\n".join(lines), flush=True)


def _literal(text: str) -> str:
    """``text`` as it is through ``str.format`` (a recipe gives values, not placeholders)."""
    return text.replace("{", "{{").replace("}", "}}")


def with_recipe(command: Command, recipes: dict[str, LokaalRecept]) -> Command:
    """``command`` with what its agency's recipe adds: the simulator's arguments and TLS, the
    connector's environment (and ``https`` to a simulator that serves it)."""
    recipe = recipes.get(command.agency or "")
    if recipe is None or command.agency is None:
        return command
    agency = command.agency
    if command.name == f"simulator-{agency}":
        return dataclasses.replace(
            command,
            argv=(*command.argv, *map(_literal, recipe.simulator_args)),
            tls=recipe.simulator_tls,
            describe=", ".join(filter(None, (command.describe, recipe.toelichting))),
        )
    scheme = "https" if recipe.simulator_tls else "http"
    env = {
        **command.env,
        "CONNECTOR_BACKOFFICE_URL": f"{scheme}://127.0.0.1:{{port_{agency}}}",
        **{key: _literal(value) for key, value in recipe.connector_env.items()},
    }
    return dataclasses.replace(command, env=env)


def deelnemer_port(value: str) -> tuple[str, int]:
    """``zorgkantoor=18203`` -> ("zorgkantoor", 18203), for ``--deelnemer-port``."""
    party, _, port = value.partition("=")
    if party not in DEELNEMER_POORTEN or not port.isdigit():
        raise argparse.ArgumentTypeError(
            f"expected PARTY=PORT with PARTY one of {DEELNEMER_POORTEN}"
        )
    return party, int(port)


def agency_port(value: str) -> tuple[str, int]:
    """``waterschap=18109`` -> ("waterschap", 18109), for ``--simulator-port``."""
    agency, _, port = value.partition("=")
    if agency not in POORTEN or not port.isdigit():
        raise argparse.ArgumentTypeError(f"expected AGENCY=PORT with AGENCY one of {AGENCIES}")
    return agency, int(port)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--skip",
        action="append",
        default=[],
        metavar="NAME",
        help="do not run commands whose name starts with NAME (e.g. connector, keygen)",
    )
    parser.add_argument(
        "--port-offset",
        type=int,
        default=0,
        help="add N to every default port (to run a second stack beside the first)",
    )
    parser.add_argument("--hub-port", type=int, help=f"the hub's HTTPS port (default {HUB_PORT})")
    parser.add_argument(
        "--kafka-port", type=int, help=f"the broker's client port (default {KAFKA_PORT})"
    )
    parser.add_argument(
        "--kafka-controller-port", type=int, help="the KRaft controller port (default kafka+1)"
    )
    parser.add_argument(
        "--simulator-port",
        type=agency_port,
        action="append",
        default=[],
        metavar="AGENCY=PORT",
        help="a simulator's port (default simulators.POORTEN)",
    )
    parser.add_argument(
        "--connector-port",
        type=agency_port,
        action="append",
        default=[],
        metavar="AGENCY=PORT",
        help="a connector's /health and /ready port (default: its simulator's + 10: 8111, ...)",
    )
    parser.add_argument(
        "--deelnemer-port",
        type=deelnemer_port,
        action="append",
        default=[],
        metavar="PARTY=PORT",
        help="a simulated party's port (default simulators.DEELNEMER_POORTEN)",
    )
    parser.add_argument(
        "--var-dir",
        type=Path,
        default=REPO_ROOT / ".var",
        help="state directory: certificates, keys, Kafka's data, the hub's and simulators' files",
    )
    return parser.parse_args(argv)


def main() -> int:
    stack = Stack(parse_args())
    signal.signal(signal.SIGTERM, stack.on_signal)
    signal.signal(signal.SIGINT, stack.on_signal)
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
