"""docker-compose.yml is generated from the installed agencies (scripts/generate_compose.py) and
makes its topics and ACLs with the same command as every other broker
(``maatwerk-hub topics``, the catalogue and its access matrix), before the hub and the connectors
start, and configures them with settings that exist.

Docker is not on every machine (CI's has none): this checks the file's structure, not a running
stack.
"""

from __future__ import annotations

import importlib.util
import shlex
from pathlib import Path
from typing import Any

import pytest
import typer
import yaml

from connectors.base.settings import ConnectorSettings
from hub.cli import app as hub_cli
from hub.settings import Settings
from simulators import POORTEN

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def services() -> dict[str, dict[str, Any]]:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    found: dict[str, dict[str, Any]] = compose["services"]
    return found


def _command(service: dict[str, Any]) -> list[str]:
    command = service["command"]
    return shlex.split(command) if isinstance(command, str) else list(command)


def test_topics_and_acls_come_from_maatwerk_hub_topics_as_the_operators(
    services: dict[str, dict[str, Any]],
) -> None:
    command = _command(services["topics"])
    assert command[:2] == ["maatwerk-hub", "topics"]
    options = dict(zip(command[2::2], command[3::2], strict=True))
    assert options == {"--bootstrap": "kafka:9092", "--pki-dir": "/data/pki", "--as": "beheer"}
    # Every option given is one the command has (and ACLs are on by default).
    click_command = typer.main.get_command(hub_cli).commands["topics"]  # type: ignore[attr-defined]
    known = {opt for param in click_command.params for opt in param.opts}
    assert set(options) <= known
    acls = next(p for p in click_command.params if p.name == "acls")
    assert acls.default is True
    assert services["topics"]["depends_on"]["kafka"]["condition"] == "service_healthy"


def test_nothing_that_uses_kafka_starts_before_the_topics_are_made(
    services: dict[str, dict[str, Any]],
) -> None:
    clients = [name for name in services if name == "hub" or name.startswith("connector-")]
    assert "hub" in clients and len(clients) > 1
    for name in clients:
        condition = services[name]["depends_on"]["topics"]["condition"]
        assert condition == "service_completed_successfully", name


def test_every_environment_variable_is_a_setting(services: dict[str, dict[str, Any]]) -> None:
    prefixes = {
        "HUB_": {f"HUB_{n.upper()}" for n in Settings.model_fields},
        "CONNECTOR_": {f"CONNECTOR_{n.upper()}" for n in ConnectorSettings.model_fields},
    }
    for name, service in services.items():
        for variable in service.get("environment", {}):
            for prefix, fields in prefixes.items():
                if variable.startswith(prefix):
                    assert variable in fields, f"{name}: {variable} is no setting"


def test_the_broker_refuses_whatever_no_acl_allows(services: dict[str, dict[str, Any]]) -> None:
    environment = services["kafka"]["environment"]
    assert environment["KAFKA_ALLOW_EVERYONE_IF_NO_ACL_FOUND"] == "false"
    assert environment["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"
    assert environment["KAFKA_SSL_CLIENT_AUTH"] == "required"


def test_every_connector_is_health_checked_on_its_health_port(
    services: dict[str, dict[str, Any]],
) -> None:
    connectors = {n: s for n, s in services.items() if n.startswith("connector-")}
    assert connectors
    for name, service in connectors.items():
        port = service["environment"]["CONNECTOR_HEALTH_PORT"]
        assert f"http://127.0.0.1:{port}/health" in " ".join(service["healthcheck"]["test"]), name


def _generator() -> Any:
    spec = importlib.util.spec_from_file_location(
        "generate_compose", ROOT / "scripts" / "generate_compose.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_committed_file_is_what_the_generator_writes() -> None:
    problems = _generator().differences(ROOT)
    assert problems == [], "run: python scripts/generate_compose.py\n" + "\n".join(problems)


def test_every_installed_agency_runs_its_simulator_and_connector_with_its_own_key(
    services: dict[str, dict[str, Any]],
) -> None:
    """What is installed is what runs: no agency left out, none run that is not installed."""
    simulators = {n.removeprefix("simulator-") for n in services if n.startswith("simulator-")}
    connectors = {n.removeprefix("connector-") for n in services if n.startswith("connector-")}
    assert simulators == connectors == set(POORTEN)
    keygen = " ".join(_command(services["keygen"]))
    for agency, port in POORTEN.items():
        connector = services[f"connector-{agency}"]
        assert connector["environment"]["CONNECTOR_BACKOFFICE_URL"] == (
            f"http://simulator-{agency}:{port}"
        )
        assert connector["environment"]["CONNECTOR_KAFKA_SSL_CERTFILE"] == f"/data/pki/{agency}.pem"
        assert f" {agency} " in f" {keygen.split(';')[0]} ", f"keygen makes no key for {agency}"
