"""The restart policy of ``make run`` (deploy/stack.py): pure logic, no processes."""

from __future__ import annotations

import importlib.util
import signal
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _stack() -> ModuleType:
    spec = importlib.util.spec_from_file_location("deploy_stack", ROOT / "deploy" / "stack.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


stack = _stack()


def test_the_delay_doubles_from_one_second_up_to_thirty() -> None:
    policy = stack.RestartPolicy()
    delays = [policy.delay(ran_for=0.5) for _ in range(8)]
    assert delays == [1, 2, 4, 8, 16, 30, 30, 30]


def test_a_process_that_keeps_crashing_is_retried_at_the_maximum_and_says_so() -> None:
    policy = stack.RestartPolicy()
    for _ in range(5):
        policy.delay(ran_for=2)
        assert not policy.at_maximum
    for _ in range(1000):  # hours of crashing: still the maximum, no overflow
        assert policy.delay(ran_for=2) == 30
        assert policy.at_maximum
    line = stack.crash_message("connector-cjib", "exit code 1", 2.0, policy, 30)
    assert "keeps crashing: retrying every 30s" in line


def test_a_stable_run_starts_the_count_again() -> None:
    policy = stack.RestartPolicy()
    assert [policy.delay(ran_for=3) for _ in range(4)] == [1, 2, 4, 8]
    assert policy.delay(ran_for=60) == 1  # ran a minute: a fresh crash
    assert policy.delay(ran_for=59.9) == 2


def test_the_policy_takes_its_numbers() -> None:
    policy = stack.RestartPolicy(first=0.5, maximum=3, stable_after=10)
    assert [policy.delay(ran_for=1) for _ in range(5)] == [0.5, 1, 2, 3, 3]
    assert policy.delay(ran_for=10) == 0.5


@pytest.mark.parametrize(
    ("code", "text"),
    [
        (0, "exit code 0"),
        (3, "exit code 3"),
        (-signal.SIGKILL, "signal SIGKILL"),
        (-200, "signal 200"),
    ],
)
def test_an_exit_is_described_by_code_or_signal(code: int, text: str) -> None:
    assert stack.describe_exit(code) == text


def test_the_crash_line_names_the_process_how_it_ended_and_the_wait() -> None:
    policy = stack.RestartPolicy()
    delay = policy.delay(ran_for=12.34)
    assert stack.crash_message("simulator-duo", "signal SIGKILL", 12.34, policy, delay) == (
        "simulator-duo exited unexpectedly (signal SIGKILL) after 12.3s: restart #1 in 1s"
    )


def test_every_port_can_be_chosen() -> None:
    args = stack.parse_args(
        [
            "--hub-port",
            "1001",
            "--kafka-port",
            "1002",
            "--kafka-controller-port",
            "1003",
            "--simulator-port",
            "cjib=1004",
            "--var-dir",
            "/tmp/x",
        ]
    )
    s = stack.Stack(args)
    assert s.ports["hub"] == 1001
    assert s.ports["simulator-cjib"] == 1004
    assert s.values["port_cjib"] == "1004"
    assert (s.kafka_port, s.kafka_controller_port) == (1002, 1003)
    assert s.values["bootstrap"] == "127.0.0.1:1002"
    with pytest.raises(SystemExit):
        stack.parse_args(["--simulator-port", "nasa=1"])


def test_the_gemeente_serves_several_municipalities_each_over_mutual_tls_with_its_own_certificate(
    tmp_path: Path,
) -> None:
    """The runner names no agency: the gemeente's own local run recipe (its registration under
    ``maatwerk_hub.local_run``) makes its simulator serve mutual TLS and its connector reach each
    municipality with that municipality's certificate."""
    from connectors.gemeente.gemeenten import Gemeenten

    s = stack.Stack(stack.parse_args(["--var-dir", str(tmp_path)]))
    recipes = s.recipes()
    pki = tmp_path / "pki"
    gemeenten = Gemeenten.lees(tmp_path / "gemeenten.json")
    assert len(gemeenten.gemeenten) >= 2
    assert gemeenten.cafile == pki / "ca.pem"
    certificates = {g.certfile for g in gemeenten.gemeenten}
    assert len(certificates) == len(gemeenten.gemeenten), "each municipality its own certificate"
    assert all(c is not None and c.parent == pki for c in certificates)
    commands = {c.name: stack.with_recipe(c, recipes) for c in stack.SERVICES}
    simulator = commands["simulator-gemeente"]
    assert simulator.tls
    assert s.health_url(simulator) == f"https://127.0.0.1:{s.ports['simulator-gemeente']}/health"
    argv, _ = s.resolve(simulator)
    assert argv[argv.index("--tls-cert") + 1] == str(pki / "sociaal-domein.pem")
    _, env = s.resolve(commands["connector-gemeente"])
    assert env["CONNECTOR_BACKOFFICE_URL"] == f"https://127.0.0.1:{s.ports['simulator-gemeente']}"
    assert env["CONNECTOR_GEMEENTEN_FILE"] == str(tmp_path / "gemeenten.json")


def test_an_agency_without_a_recipe_runs_over_plain_http(tmp_path: Path) -> None:
    s = stack.Stack(stack.parse_args(["--var-dir", str(tmp_path)]))
    commands = {c.name: stack.with_recipe(c, s.recipes()) for c in stack.SERVICES}
    assert not commands["simulator-cjib"].tls
    _, env = s.resolve(commands["connector-cjib"])
    assert env["CONNECTOR_BACKOFFICE_URL"] == f"http://127.0.0.1:{s.ports['simulator-cjib']}"
    assert "CONNECTOR_GEMEENTEN_FILE" not in env


def test_the_stack_runner_names_no_agency() -> None:
    """What is installed is what runs: no agency code in deploy/stack.py's code."""
    source = (ROOT / "deploy" / "stack.py").read_text(encoding="utf-8")
    code = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith("#"))
    named = {a for a in stack.AGENCIES if f'"{a}"' in code or f"{a.upper()} =" in code}
    assert named == set()
    assert "gemeenten.json" not in code


def test_any_agency_can_offer_a_recipe_through_its_registration(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The hook is general: an entry point under ``maatwerk_hub.local_run`` (as a plug-in
    agency's package would register one) is what the runner applies, for any agency."""
    from importlib.metadata import EntryPoint

    from schemas import lokaal

    ep = EntryPoint("cjib", f"{__name__}:_recept", lokaal.ENTRY_POINT_GROUP)
    monkeypatch.setattr(lokaal, "entry_points", lambda group: (ep,))
    lokaal.recepten.cache_clear()
    try:
        s = stack.Stack(stack.parse_args(["--var-dir", str(tmp_path)]))
        commands = {c.name: stack.with_recipe(c, s.recipes()) for c in stack.SERVICES}
    finally:
        lokaal.recepten.cache_clear()
    argv, _ = s.resolve(commands["simulator-cjib"])
    assert argv[-2:] == ["--extra", "{letterlijk}"], "a recipe's values are not placeholders"
    _, env = s.resolve(commands["connector-cjib"])
    assert env["CONNECTOR_EXTRA"] == str(tmp_path / "cjib.txt")
    assert (tmp_path / "cjib.txt").read_text() == str(tmp_path / "pki")
    assert "(SIMULATED back-office), een proef" in commands["simulator-cjib"].describe
    assert not commands["simulator-gemeente"].tls, "only what is registered applies"


def _recept(omgeving: Any) -> Any:
    from schemas.lokaal import LokaalRecept

    doel = omgeving.var_dir / f"{omgeving.agency}.txt"
    doel.write_text(str(omgeving.pki_dir))
    return LokaalRecept(
        simulator_args=("--extra", "{letterlijk}"),
        connector_env={"CONNECTOR_EXTRA": str(doel)},
        toelichting="een proef",
    )


def test_make_run_makes_every_agencys_key_pair_in_one_process() -> None:
    """A keygen process per agency took 0.5 s of CPU each (its imports): one makes them all."""
    keygens = [c for c in stack.SETUP if c.argv[:2] == ("maatwerk-connector", "keygen")]
    assert len(keygens) == 1
    (keygen,) = keygens
    named = [keygen.argv[i + 1] for i, arg in enumerate(keygen.argv) if arg == "--agency"]
    assert named == list(stack.AGENCIES)
    assert not keygen.needs_broker
