"""A local broker (``deploy/kafka/local-kafka.sh``) starts on Java's class-data sharing archive:
once a broker has run, the next maps the archive of their classes instead of loading and
verifying some 8,000 classes one by one (a second of CPU less per start), and the JVM says
nothing about it: a warning at start must mean a real problem."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.kafka import PKI_ENV
from tests.support.processes import free_ports

REPO_ROOT = Path(__file__).resolve().parents[2]
LOCAL_KAFKA = REPO_ROOT / "deploy" / "kafka" / "local-kafka.sh"
JVM_WARNING = re.compile(r"\[(warning|error)\]|VM warning")
"""How the JVM itself warns (unified logging, or its own lines); Kafka's WARN lines are not it."""


def _session_broker() -> Path:
    """The data dir of the session's local broker (its CA lies in it, ``tests/conftest.py``)."""
    pki = os.environ.get(PKI_ENV)
    if pki is None or not (Path(pki).parent / "broker.pid").exists():
        pytest.skip("the session's broker is not local-kafka.sh's")
    return Path(pki).parent


def _archive(timeout: float) -> Path:
    """The archive, waited for: the session broker's start made it when there was none."""
    cache = Path(os.environ.get("MAATWERK_CACHE", Path.home() / ".cache" / "maatwerk-hub"))
    deadline = time.monotonic() + timeout
    while not (archives := sorted(cache.glob("kafka-*/cds/*.jsa"))):
        assert time.monotonic() < deadline, f"no class archive in {cache} after {timeout}s"
        time.sleep(1)
    (archive,) = archives
    return archive


def _cmdline(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")


@pytest.fixture
def broker_on_archive(kafka_bootstrap: str, tmp_path: Path) -> Iterator[tuple[int, Path, Path]]:
    """(JVM pid, data dir, archive) of a broker started when the archive was there: the
    session's when it was, else one of this test's own."""
    session = _session_broker()
    archive = _archive(timeout=240)
    pid = int((session / "broker.pid").read_text())
    if f"-XX:SharedArchiveFile={archive}" in _cmdline(pid):
        yield pid, session, archive
        return
    data_dir = tmp_path / "kafka"
    port, controller = free_ports(2)
    env = {**os.environ, "PYTHON": sys.executable, "PKI_PYTHON": sys.executable}
    script = [str(LOCAL_KAFKA), "start", "--port", str(port), "--controller-port", str(controller)]
    script += ["--data-dir", str(data_dir), "--pki-dir", str(session / "pki")]
    subprocess.run(script, env=env, capture_output=True, check=True, timeout=300)
    try:
        yield int((data_dir / "broker.pid").read_text()), data_dir, archive
    finally:
        subprocess.run(
            [str(LOCAL_KAFKA), "stop", "--data-dir", str(data_dir)],
            env={**env, "LOCAL_KAFKA_STOP_TIMEOUT": "2"},
            capture_output=True,
            timeout=120,
            check=False,
        )


def test_a_broker_maps_the_class_archive_and_the_jvm_warns_of_nothing(
    broker_on_archive: tuple[int, Path, Path],
) -> None:
    pid, data_dir, archive = broker_on_archive
    mapped = Path(f"/proc/{pid}/maps").read_text()
    assert str(archive) in mapped, "the JVM was given the archive but does not use it"
    for log in ("broker.log", "format.log"):
        lines = (data_dir / log).read_text(errors="replace").splitlines()
        assert [line for line in lines if JVM_WARNING.search(line)] == [], log
