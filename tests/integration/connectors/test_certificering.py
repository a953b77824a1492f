"""The conformance kit on a real broker (TLS, ACLs): every agency's connector passes it, and a
deliberately broken connector fails it, naming the check.

Each run starts the agency's simulator as a process; the kit puts its proxy in front of it and
runs the connector as a process of its own, as ``maatwerk-connector certify`` does.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from connectors.base.koppeling import laad_koppeling
from connectors.base.sleutels import maak_sleutelpaar
from connectors.certificering import NAMEN, Opstelling, certificeer
from connectors.cli import app
from simulators import AGENCIES
from tests.integration.connectors.steun import start_simulator
from tests.support.kafka import kafka_tls, pki_dir
from tests.support.processes import free_port

pytestmark = pytest.mark.kafka

KAPOT = Path(__file__).with_name("kapotte_connector.py")


@pytest.fixture(scope="module")
def sleutels(tmp_path_factory: pytest.TempPathFactory) -> Path:
    keys = tmp_path_factory.mktemp("certificering-keys")
    for agency in AGENCIES:
        maak_sleutelpaar(keys, agency)
    return keys


@pytest.fixture
def backoffice(request: pytest.FixtureRequest, logs: Path) -> Iterator[str]:
    port = free_port()
    simulator = start_simulator(request.param, port, logs)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        simulator.terminate()


def _opstelling(agency: str, bootstrap: str, url: str, keys: Path, **kwargs: object) -> Opstelling:
    return Opstelling(
        koppeling=laad_koppeling(agency),
        bootstrap=bootstrap,
        backoffice_url=url,
        keys_dir=keys,
        kit_tls=kafka_tls("beheer"),
        connector_tls=kafka_tls(agency),
        termijn=dt.timedelta(seconds=30),
        **kwargs,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize("backoffice", AGENCIES, indirect=True)
async def test_every_connector_is_certified(
    kafka_bootstrap: str, backoffice: str, sleutels: Path, request: pytest.FixtureRequest
):
    agency = request.node.callspec.params["backoffice"]
    certificaat = await certificeer(_opstelling(agency, kafka_bootstrap, backoffice, sleutels))

    certificaat.print(Console(width=110))  # shown with -s
    assert [r.naam for r in certificaat.resultaten] == list(NAMEN)
    assert certificaat.gefaald == [], certificaat.als_json()
    assert certificaat.geslaagd


@pytest.mark.parametrize(
    ("defect", "controle"),
    [("bsn-in-log", "no-bsn-in-clear"), ("sleutel-per-poging", "redelivery-no-second-effect")],
)
@pytest.mark.parametrize("backoffice", ["cjib"], indirect=True)
async def test_a_broken_connector_fails_naming_the_check(
    kafka_bootstrap: str,
    backoffice: str,
    sleutels: Path,
    monkeypatch: pytest.MonkeyPatch,
    defect: str,
    controle: str,
):
    monkeypatch.setenv("KAPOTTE_CONNECTOR", defect)
    certificaat = await certificeer(
        _opstelling(
            "cjib",
            kafka_bootstrap,
            backoffice,
            sleutels,
            commando=[sys.executable, str(KAPOT), "run", "--agency", "cjib"],
        )
    )

    assert certificaat.gefaald == [controle], certificaat.als_json()
    assert not certificaat.geslaagd
    assert "999990019" not in certificaat.als_json()  # evidence masks a BSN it found


@pytest.mark.parametrize("backoffice", ["duo"], indirect=True)
def test_the_command_writes_json_and_exits_non_zero_on_failure(
    kafka_bootstrap: str, backoffice: str, sleutels: Path, tmp_path: Path
):
    """``maatwerk-connector certify``: the table, the JSON file, and exit 1 when the connector
    is broken (here: a connector command that is no connector at all)."""
    uit = tmp_path / "certificate.json"
    pki = pki_dir()
    result = CliRunner().invoke(
        app,
        [
            "certify",
            "--agency",
            "duo",
            "--bootstrap-servers",
            kafka_bootstrap,
            "--backoffice-url",
            backoffice,
            "--keys-dir",
            str(sleutels),
            *(["--pki-dir", str(pki)] if pki else []),
            "--json",
            str(uit),
            "--connector-command",
            f"{sys.executable} -c 'raise SystemExit(3)'",
        ],
    )

    assert result.exit_code == 1, result.output
    assert "NOT CERTIFIED" in result.output
    certificaat = json.loads(uit.read_text())
    assert certificaat["agency"] == "duo"
    assert certificaat["geslaagd"] is False
    assert [c["naam"] for c in certificaat["controles"]] == list(NAMEN)
    assert not any(c["geslaagd"] for c in certificaat["controles"])
