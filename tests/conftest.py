"""Session fixtures for real infrastructure: a Kafka broker and a PostgreSQL server.

Both are lazy: a test session that requests neither starts nothing.

``kafka_bootstrap`` (bootstrap servers, with every topic of ``schemas.topics.catalogue()`` and,
on a secured broker, the catalogue's ACLs):
  1. ``KAFKA_BOOTSTRAP_SERVERS`` when set (a broker someone else runs; when it is secured, set
     ``MAATWERK_TEST_KAFKA_PKI`` to a directory as ``deploy/pki/local_ca.py`` writes it);
  2. else a testcontainers ``KafkaContainer`` when a Docker engine answers (PLAINTEXT, no ACLs:
     the broker-security tests skip there);
  3. else the project's own broker (``deploy/kafka/local-kafka.sh``) on free ports with a temporary
     data dir and its own local CA (mTLS, principal = OIN, ACLs), stopped at the end of the session.
  ``MAATWERK_TEST_KAFKA=local`` or ``=docker`` forces 3 or 2. The certificates of a secured broker
  are announced to every client through ``MAATWERK_TEST_KAFKA_PKI`` (``tests.support.kafka``).

``kafka_cluster`` (a ``tests.support.kafka_cluster.KafkaCluster``): three local KRaft nodes
  (``local-kafka.sh start --nodes 3``) on free ports with a temporary data dir, the catalogue's
  topics with replication factor 3 and ``min.insync.replicas=2``, and its ACLs; for tests that kill
  a broker (a node an earlier module killed is started again before the next module that uses
  it). Its certificates are the session broker's when there is one (``MAATWERK_TEST_KAFKA_PKI``),
  else its own, announced there while a module that uses it runs. Starting it takes 40-60 s on
  two busy cores, so the modules that use it share it, on one worker, one after the other
  (below); it is stopped as soon as the next test of the worker does not use it.

Under ``pytest -n N --dist loadfile`` a module is one unit of work, except that the modules that
share a costly session or package fixture (the three-node cluster, the e2e tests' stack) form
one unit together (``tests/support/scheduling.py: GROUPS``): they start it once, on one worker,
not once per worker.

``postgres_url`` (an SQLAlchemy asyncpg URL):
  ``MAATWERK_TEST_POSTGRES_URL`` when set, else ``deploy/postgres/local-postgres.sh`` on a free port
  with a temporary data dir. When PostgreSQL cannot be started the tests that need it fail: they
  are never skipped, CI must run them. One database for the whole session: tests that need an
  empty one use ``fresh_postgres_url`` (a new database per test, dropped afterwards), tests that
  need one at the newest revision ``migrated_postgres_url`` (a copy of a template migrated once
  per session, dropped afterwards).

``chromium_executable`` (the path of Debian's Chromium, which Playwright drives headless):
  ``deploy/browser/chromium.sh path``: ``CHROMIUM`` when set, else ``chromium`` on PATH, installed
  from Debian (apt-get install chromium) when missing and running as root. When there is none
  the tests that need it fail, like those on PostgreSQL.

Tests that use a fixture get its marker (``kafka``, ``postgres``, ``browser``) added, so
``-m "not kafka"`` selects the tests that need no broker.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import dataclasses
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import structlog

from tests.support.memory import forget_stopped_apps, settle
from tests.support.processes import free_port, free_ports

pytest_plugins = [
    "pytester",
    "tests.support.klok",
    "tests.support.idle",
    "tests.support.logging_kept",
]

if TYPE_CHECKING:
    from tests.support.kafka_cluster import KafkaCluster

REPO_ROOT = Path(__file__).resolve().parent.parent
LOCAL_KAFKA = REPO_ROOT / "deploy" / "kafka" / "local-kafka.sh"
LOCAL_POSTGRES = REPO_ROOT / "deploy" / "postgres" / "local-postgres.sh"
CHROMIUM = REPO_ROOT / "deploy" / "browser" / "chromium.sh"
FIXTURE_MARKERS = {
    "kafka_bootstrap": "kafka",
    "kafka_cluster": "kafka",
    "postgres_url": "postgres",
    "fresh_postgres_url": "postgres",
    "migrated_postgres_url": "postgres",
    "chromium_executable": "browser",
}


TEST_KAFKA_JAVA_OPTS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
"""JVM options of every broker the tests start (``local-kafka.sh`` reads them from
``LOCAL_KAFKA_JAVA_OPTS``; ``deploy/stack.py`` passes its environment on): the quick compiler
only and the serial collector. A broker then starts on about half the CPU (5 s instead of 10 s
measured, 14 s instead of 37 s to an answer at load 7): the suite starts a dozen of them, the
tests' few records never need the optimising compiler, and a test run is CPU-bound."""


TEST_KAFKA_START_TIMEOUT = "240"
"""Seconds ``local-kafka.sh`` waits for a broker the tests start (``LOCAL_KAFKA_START_TIMEOUT``;
its default is 90): a deadline, not a wait. The fault suite's broker restart once answered after
88 s with the load average at 26 (other work on the two cores), and the suite failed on that."""


def pytest_configure(config: pytest.Config) -> None:
    os.environ.setdefault("LOCAL_KAFKA_JAVA_OPTS", TEST_KAFKA_JAVA_OPTS)
    os.environ.setdefault("LOCAL_KAFKA_START_TIMEOUT", TEST_KAFKA_START_TIMEOUT)
    _plain_tracebacks()


def _plain_tracebacks() -> None:
    """Tracebacks of logged exceptions as Python prints them, not as rich draws them.

    Where nothing configures logging (the in-process hubs of the API tests), structlog renders
    ``log.exception`` with rich: syntax-highlighted source around every frame, about half a second
    of CPU per traceback. Each in-memory hub logs one at start (the consumer-lag job cannot reach
    a broker that is not there), so that rendering was a large part of the API tests' time. The
    lines and the tracebacks stay the same; only the drawing goes. Tests that configure logging
    themselves (``schemas.logs``, ``structlog.testing``) are not affected."""
    structlog.configure(
        processors=[
            structlog.dev.ConsoleRenderer(exception_formatter=structlog.dev.plain_traceback)
            if isinstance(processor, structlog.dev.ConsoleRenderer)
            else processor
            for processor in structlog.get_config()["processors"]
        ]
    )


def pytest_collection_finish(session: pytest.Session) -> None:
    settle()  # the collected tests' heap out of the collector's way (tests.support.memory)


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item: pytest.Item) -> None:
    forget_stopped_apps()  # a stopped app and its hub can be freed (tests.support.memory)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    from tests.support.scheduling import interleaved

    for item in items:
        for fixture, marker in FIXTURE_MARKERS.items():
            if fixture in getattr(item, "fixturenames", ()):
                item.add_marker(getattr(pytest.mark, marker))
    collected: dict[str, list[pytest.Item]] = {}
    for item in items:
        collected.setdefault(item.nodeid, []).append(item)
    items[:] = [collected[nodeid].pop(0) for nodeid in interleaved([i.nodeid for i in items])]


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object | None:
    """``--dist loadfile``, with the modules that share a costly fixture as one unit (see
    ``tests/support/scheduling.py``)."""
    if config.getoption("dist") != "loadfile":
        return None
    from tests.support.scheduling import LoadFileGroupScheduling

    return LoadFileGroupScheduling(config, log)  # type: ignore[arg-type]


def _announce(config: pytest.Config, text: str) -> None:
    """One line on the terminal, even while output is captured."""
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    capture = config.pluginmanager.get_plugin("capturemanager")
    if reporter is None:
        return
    with capture.global_and_fixture_disabled() if capture else contextlib.nullcontext():
        reporter.write_line(text)


def _run_script(args: list[str], *, what: str, timeout: float) -> str:
    """Run one of the deploy scripts; its stdout, or fail the requesting tests with its stderr."""
    env = {**os.environ, "PYTHON": sys.executable, "PKI_PYTHON": sys.executable}
    try:
        result = subprocess.run(
            args,
            env=env,
            cwd=REPO_ROOT,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        stderr = exc.stderr if isinstance(exc.stderr, str) else ""
        pytest.fail(f"{what}: no result after {timeout}s\n{stderr}", pytrace=False)
    if result.returncode != 0:
        pytest.fail(
            f"{what} failed (exit {result.returncode}):\n{result.stderr}{result.stdout}",
            pytrace=False,
        )
    return result.stdout


# ------------------------------------------------------------------------------------- Kafka


@pytest.fixture(scope="session")
def kafka_bootstrap(pytestconfig: pytest.Config) -> Iterator[str]:
    """Bootstrap servers of a real broker on which the catalogue's topics exist."""
    from hub.adapters.topic_admin import ensure_acls
    from schemas.topics import acl_entries, catalogue
    from tests.support.kafka import ensure_topics, kafka_tls

    with _kafka_broker(pytestconfig) as bootstrap:
        admin = kafka_tls("beheer")  # the operators: super user, as `maatwerk-hub topics` runs
        asyncio.run(ensure_topics(bootstrap, catalogue(), tls=admin))
        if admin is not None:
            asyncio.run(ensure_acls(bootstrap, acl_entries(), tls=admin))
        yield bootstrap


@contextlib.contextmanager
def _kafka_broker(config: pytest.Config) -> Iterator[str]:
    configured = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    if configured:
        _announce(config, f"kafka: {configured} (KAFKA_BOOTSTRAP_SERVERS)")
        yield configured
        return
    mode = os.environ.get("MAATWERK_TEST_KAFKA", "auto")
    if mode not in {"auto", "docker", "local"}:
        raise pytest.UsageError(f"MAATWERK_TEST_KAFKA must be auto, docker or local, not {mode!r}")
    early = _take_early_kafka()
    if early is not None:
        with _local_kafka(config, early) as bootstrap:
            yield bootstrap
    elif mode == "docker" or (mode == "auto" and _docker_answers()):
        with _kafka_container(config) as bootstrap:
            yield bootstrap
    else:
        with _local_kafka(config) as bootstrap:
            yield bootstrap


def _docker_answers(timeout: float = 3.0) -> bool:
    try:
        import docker
    except ImportError:
        return False
    try:
        client = docker.from_env(timeout=timeout)
    except Exception:
        return False
    try:
        return bool(client.ping())
    except Exception:
        return False
    finally:
        client.close()


@contextlib.contextmanager
def _kafka_container(config: pytest.Config) -> Iterator[str]:
    try:
        from testcontainers.community.kafka import KafkaContainer
    except ImportError:  # testcontainers before the community split
        from testcontainers.kafka import KafkaContainer

    image = os.environ.get("MAATWERK_TEST_KAFKA_IMAGE", "confluentinc/cp-kafka:7.6.0")
    container = KafkaContainer(image).with_kraft()
    container.with_env("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false")
    started = time.monotonic()
    with container:
        bootstrap = container.get_bootstrap_server()
        _announce(
            config,
            f"kafka: {bootstrap} (testcontainers {image}, {time.monotonic() - started:.1f}s)",
        )
        yield bootstrap


def _discard_stop() -> dict[str, str]:
    """The environment of the stop of a broker whose data dir is removed next: SIGKILL after
    2 s. Its controlled shutdown (leaders moved, logs flushed) protects nothing there, and with
    clients still attached it often did not finish: the 30 s default was most of a session's
    teardown."""
    return {**os.environ, "LOCAL_KAFKA_STOP_TIMEOUT": "2"}


@dataclasses.dataclass(frozen=True)
class _LocalBroker:
    bootstrap: str
    data_dir: str
    pki_dir: Path
    """This broker's own CA and certificates (created by ``local-kafka.sh``)."""
    seconds: float
    """How long its start took."""


def _start_local_kafka() -> _LocalBroker:
    _run_script([str(LOCAL_KAFKA), "fetch"], what="fetching the Kafka jars", timeout=900)
    port, controller_port = free_ports(2)
    data_dir = tempfile.mkdtemp(prefix="maatwerk-kafka-")
    pki_dir = Path(data_dir) / "pki"
    started = time.monotonic()
    try:
        stdout = _run_script(
            [
                str(LOCAL_KAFKA),
                "start",
                "--port",
                str(port),
                "--controller-port",
                str(controller_port),
                "--data-dir",
                data_dir,
                "--pki-dir",
                str(pki_dir),
                "--watch-pid",
                str(os.getpid()),
            ],
            what="starting the local Kafka broker",
            timeout=300,
        )
    except BaseException:
        _stop_local_kafka(data_dir)
        raise
    bootstrap = stdout.strip().splitlines()[-1]
    return _LocalBroker(bootstrap, data_dir, pki_dir, time.monotonic() - started)


def _stop_local_kafka(data_dir: str) -> None:
    subprocess.run(
        [str(LOCAL_KAFKA), "stop", "--data-dir", data_dir],
        env=_discard_stop(),
        capture_output=True,
        timeout=120,
        check=False,
    )
    shutil.rmtree(data_dir, ignore_errors=True)


EARLY_START = "MAATWERK_TEST_EARLY_START"
"""Set (to 1) by ``make test``: each test process starts its local broker in the background as its
session begins, while it collects the tests, instead of when its first test asks for one; the
broker's start (10-20 s of wall clock on the busy machine) then overlaps the collection. A
process whose tests never ask for it stops it at the end of its session."""

_early_kafka: concurrent.futures.Future[_LocalBroker | None] | None = None


def _early_local_kafka() -> _LocalBroker | None:
    """The local broker, unless the run takes another (``_kafka_broker``'s choice)."""
    mode = os.environ.get("MAATWERK_TEST_KAFKA", "auto")
    if mode == "docker" or (mode == "auto" and _docker_answers()):
        return None
    return _start_local_kafka()


def pytest_sessionstart(session: pytest.Session) -> None:
    global _early_kafka
    config = session.config
    distributing = not hasattr(config, "workerinput") and config.getoption("dist", "no") != "no"
    if not os.environ.get(EARLY_START) or distributing or os.environ.get("KAFKA_BOOTSTRAP_SERVERS"):
        return  # an xdist controller runs no test
    executor = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="early-kafka")
    _early_kafka = executor.submit(_early_local_kafka)
    executor.shutdown(wait=False)


def _take_early_kafka() -> _LocalBroker | None:
    """The broker started as the session began, once (its start's failure fails the test that
    asked for it); None when none was started."""
    global _early_kafka
    future, _early_kafka = _early_kafka, None
    return None if future is None else future.result()


def pytest_sessionfinish(session: pytest.Session) -> None:
    with contextlib.suppress(BaseException):  # its start failed: nothing to stop
        broker = _take_early_kafka()
        if broker is not None:
            _stop_local_kafka(broker.data_dir)


@contextlib.contextmanager
def _local_kafka(config: pytest.Config, early: _LocalBroker | None = None) -> Iterator[str]:
    from tests.support.kafka import PKI_ENV

    broker = early or _start_local_kafka()
    previous_pki = os.environ.get(PKI_ENV)
    try:
        os.environ[PKI_ENV] = str(broker.pki_dir)
        _announce(
            config,
            f"kafka: {broker.bootstrap} (local broker, mTLS, {broker.seconds:.1f}s"
            f"{', started as the session began' if early else ''}, {broker.data_dir})",
        )
        yield broker.bootstrap
    finally:
        if previous_pki is None:
            os.environ.pop(PKI_ENV, None)
        else:
            os.environ[PKI_ENV] = previous_pki
        _stop_local_kafka(broker.data_dir)


@pytest.fixture(scope="module")
def kafka_cluster(kafka_cluster_session: _SessionCluster) -> Iterator[KafkaCluster]:
    """Three local Kafka nodes with the catalogue's topics (replicated on all three) and ACLs:
    the session's, its certificates announced (``MAATWERK_TEST_KAFKA_PKI``) while the module
    runs. A node an earlier module killed and left down is started again first."""
    from tests.support.kafka import PKI_ENV

    cluster = kafka_cluster_session.running()
    cluster.heal()
    previous_pki = os.environ.get(PKI_ENV)
    os.environ[PKI_ENV] = str(cluster.pki_dir)
    try:
        yield cluster
    finally:
        if previous_pki is None:
            os.environ.pop(PKI_ENV, None)
        else:
            os.environ[PKI_ENV] = previous_pki


class _SessionCluster:
    """The session's three-node cluster, started when a test first needs it and stopped as soon
    as the next test of this process does not: its three
    brokers would otherwise run idle, on two shared cores, beside every later module of the
    worker until the session ends (:func:`stopped_when_unused`). A later test that needs it
    starts it again."""

    def __init__(self, config: pytest.Config) -> None:
        self._config = config
        self._running: KafkaCluster | None = None
        self._data_dir: Path | None = None

    def running(self) -> KafkaCluster:
        if self._running is None:
            self._running = self._start()
        return self._running

    def _start(self) -> KafkaCluster:
        from hub.adapters.topic_admin import ensure_acls
        from schemas.identiteit import KafkaTls
        from schemas.topics import acl_entries, catalogue
        from tests.support.kafka import PKI_ENV, ensure_topics
        from tests.support.kafka_cluster import KafkaCluster

        _run_script([str(LOCAL_KAFKA), "fetch"], what="fetching the Kafka jars", timeout=900)
        self._data_dir = data_dir = Path(tempfile.mkdtemp(prefix="maatwerk-kafka-cluster-"))
        # The session broker's CA when it runs (its certificates serve both); else the cluster's.
        pki_dir = os.environ.get(PKI_ENV) or str(data_dir / "pki")
        ports = free_ports(6)  # three client listeners, three controllers
        started = time.monotonic()
        try:
            stdout = _run_script(
                [
                    str(LOCAL_KAFKA),
                    "start",
                    "--nodes",
                    "3",
                    "--port",
                    ",".join(map(str, ports[:3])),
                    "--controller-port",
                    ",".join(map(str, ports[3:])),
                    "--data-dir",
                    str(data_dir),
                    "--pki-dir",
                    pki_dir,
                    "--watch-pid",
                    str(os.getpid()),
                ],
                what="starting the local Kafka cluster",
                timeout=300,
            )
            cluster = KafkaCluster(stdout.strip().splitlines()[-1], data_dir, Path(pki_dir))
            admin = KafkaTls.uit_pki(Path(pki_dir), "beheer")
            asyncio.run(ensure_topics(cluster.bootstrap, catalogue(), tls=admin))
            asyncio.run(ensure_acls(cluster.bootstrap, acl_entries(), tls=admin))
        except BaseException:
            self.stop()
            raise
        _announce(
            self._config,
            f"kafka cluster: {cluster.bootstrap} (3 local nodes, mTLS, "
            f"{time.monotonic() - started:.1f}s, {data_dir})",
        )
        return cluster

    def stop(self) -> None:
        """Stop the cluster and remove its data (nothing when it is not running)."""
        data_dir, self._data_dir, self._running = self._data_dir, None, None
        if data_dir is None:
            return
        subprocess.run(
            [str(LOCAL_KAFKA), "stop", "--data-dir", str(data_dir)],
            env=_discard_stop(),
            capture_output=True,
            timeout=120,
            check=False,
        )
        shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def kafka_cluster_session(pytestconfig: pytest.Config) -> Iterator[_SessionCluster]:
    """The cluster's keeper, one per session (see ``kafka_cluster``)."""
    from tests.support.idle import stopped_when_unused

    keeper = _SessionCluster(pytestconfig)
    with stopped_when_unused(pytestconfig, "kafka_cluster", keeper.stop):
        yield keeper


# -------------------------------------------------------------------------------- PostgreSQL


@pytest.fixture(scope="session")
def postgres_url(pytestconfig: pytest.Config) -> Iterator[str]:
    """An SQLAlchemy URL (``postgresql+asyncpg://``) of a database the tests may use."""
    configured = os.environ.get("MAATWERK_TEST_POSTGRES_URL")
    if configured:
        _announce(pytestconfig, "postgres: MAATWERK_TEST_POSTGRES_URL")
        yield configured
        return
    port = free_port()
    # Not under pytest's basetemp: that is private to root, and the server runs as 'postgres'.
    data_dir = tempfile.mkdtemp(prefix="maatwerk-pg-")
    started = time.monotonic()
    try:
        stdout = _run_script(
            [str(LOCAL_POSTGRES), "start", "--port", str(port), "--data-dir", data_dir],
            what="starting PostgreSQL (deploy/postgres/local-postgres.sh)",
            timeout=900,
        )
        url = stdout.strip().splitlines()[-1]
        _announce(
            pytestconfig,
            f"postgres: 127.0.0.1:{port} (local server, {time.monotonic() - started:.1f}s)",
        )
        yield url
    finally:
        subprocess.run(
            [str(LOCAL_POSTGRES), "stop", "--data-dir", data_dir],
            capture_output=True,
            timeout=120,
            check=False,
        )
        shutil.rmtree(data_dir, ignore_errors=True)


async def _execute(postgres_url: str, sql: str) -> None:
    """One statement on the server's own database (CREATE and DROP DATABASE cannot run in the
    database they name, nor in a transaction)."""
    import asyncpg
    from sqlalchemy.engine import make_url

    url = make_url(postgres_url)
    connection = await asyncpg.connect(
        user=url.username,
        password=url.password,
        host=url.host,
        port=url.port,
        database=url.database,
    )
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


@contextlib.asynccontextmanager
async def _database(postgres_url: str, template: str | None = None) -> AsyncIterator[str]:
    """A new database on the server (a copy of ``template``, or empty), dropped afterwards."""
    from sqlalchemy.engine import make_url

    name = f"maatwerk_test_{uuid.uuid4().hex[:16]}"
    copy = f' TEMPLATE "{template}"' if template else ""
    await _execute(postgres_url, f'CREATE DATABASE "{name}"{copy}')
    try:
        yield make_url(postgres_url).set(database=name).render_as_string(hide_password=False)
    finally:
        await _execute(postgres_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
async def fresh_postgres_url(postgres_url: str) -> AsyncIterator[str]:
    """A new, empty database on the session's PostgreSQL server for one test, dropped after it."""
    async with _database(postgres_url) as url:
        yield url


@pytest.fixture(scope="session")
async def _postgres_template(postgres_url: str) -> AsyncIterator[str]:
    """The name of a database migrated to the newest revision once per session (with the hub's
    own ``upgrade``, as it does at start), the template of :func:`migrated_postgres_url`."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.ext.asyncio import create_async_engine

    from hub.adapters.migrations import upgrade

    async with _database(postgres_url) as url:
        engine = create_async_engine(url)
        try:
            await upgrade(engine)
        finally:
            await engine.dispose()  # a template may have no one connected while it is copied
        yield str(make_url(url).database)


@pytest.fixture
async def migrated_postgres_url(postgres_url: str, _postgres_template: str) -> AsyncIterator[str]:
    """A new database at the newest revision for one test, dropped after it: a copy of one
    migrated per session (``CREATE DATABASE ... TEMPLATE``, a file copy on the server), not
    migrated again (the twenty-odd migrations take about 2-3 s on PostgreSQL per database)."""
    async with _database(postgres_url, template=_postgres_template) as url:
        yield url


# ----------------------------------------------------------------------------------- Chromium


@pytest.fixture(scope="session")
def chromium_executable(pytestconfig: pytest.Config) -> str:
    """The path of a Chromium for Playwright (Debian's; installed when missing)."""
    started = time.monotonic()
    stdout = _run_script(
        [str(CHROMIUM), "path"],
        what="finding or installing Chromium (deploy/browser/chromium.sh)",
        timeout=900,
    )
    path = stdout.strip().splitlines()[-1]
    _announce(pytestconfig, f"chromium: {path} ({time.monotonic() - started:.1f}s)")
    return path
