"""An agency from outside the project joins by installing its package, and nothing else.

``tests/plugin_agency`` is a water board's package as its team would write it: its description,
its connector and its simulated back-office, registered under maatwerk-hub's entry-point groups
(``maatwerk_hub.agencies``, ``.connectors``, ``.simulators``). The test builds and installs it
with pip into a directory of its own and runs every part as the project's own console scripts
with that directory on ``PYTHONPATH``: the local CA issues the agency's certificate, the topics
command creates its topics and ACLs, the simulator and the connector commands find its code by
entry point, and the hub orders a time-out there and records the confirmation. No file of the
project names the water board.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from hub.adapters.topic_admin import ensure_acls
from schemas.organisaties import UITVOERDERS
from schemas.topics import acl_entries
from tests.support.kafka import kafka_tls, pki_dir
from tests.support.loket import casus_body, opschorting_body
from tests.support.pki import REPO_ROOT, make_pki
from tests.support.polling import poll_pause
from tests.support.processes import console_script, free_port, running_process
from tests.support.stack import hub_client, running_hub

pytestmark = [pytest.mark.e2e, pytest.mark.kafka]

PACKAGE = Path(__file__).resolve().parents[1] / "plugin_agency"
AGENCY = "waterschap"
CONFIRMED = "999990019"
"""Known at the water board's simulated back-office (and at the project's own agencies)."""


def run(argv: list[str], env: dict[str, str], timeout: float = 120) -> str:
    done = subprocess.run(
        argv,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, f"{argv}: {done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def plugin(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The package built and installed (``pip install --target``, offline); the environment
    every process of the test runs with."""
    root = tmp_path_factory.mktemp("plugin")
    shutil.copytree(PACKAGE, root / "src")  # building writes next to the sources: not in ours
    site = root / "site"
    run(
        [
            sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
            "--no-deps", "--no-build-isolation", "--target", str(site), str(root / "src"),
        ],
        env={},
    )  # fmt: skip
    return {"PYTHONPATH": os.pathsep.join([str(site), str(REPO_ROOT)])}


@pytest.fixture(scope="module")
def broker_pki(
    kafka_bootstrap: str, plugin: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Path]:
    """The session broker's CA, copied, with the water board's certificate issued by the
    project's local CA script; its topics and ACLs made by the hub's topics command. The ACLs
    are put back to the catalogue of this process afterwards (other tests count them)."""
    session = pki_dir()
    assert session is not None, "the plug-in test needs the secured session broker"
    directory = tmp_path_factory.mktemp("broker-pki") / "pki"
    shutil.copytree(session, directory)
    local_ca = str(REPO_ROOT / "deploy" / "pki" / "local_ca.py")
    out = run([sys.executable, local_ca, "--dir", str(directory)], env=plugin)
    assert "1 certificate(s) issued" in out, out  # the water board's, and no other
    hub_cli = console_script("maatwerk-hub")
    run([hub_cli, "topics", "--bootstrap", kafka_bootstrap, "--pki-dir", str(directory)], plugin)
    try:
        yield directory
    finally:
        asyncio.run(ensure_acls(kafka_bootstrap, acl_entries(), tls=kafka_tls("beheer")))


async def test_an_installed_agency_is_served_end_to_end(
    kafka_bootstrap: str, plugin: dict[str, str], broker_pki: Path, tmp_path: Path
) -> None:
    assert AGENCY not in UITVOERDERS  # this process has not installed it: the project names none
    keys = tmp_path / "keys"
    connector_cli, simulator_cli = (
        console_script("maatwerk-connector"),
        console_script("maatwerk-simulator"),
    )
    listed = run([simulator_cli, "agencies"], plugin)
    assert f"{AGENCY}\t8109" in listed  # its own description gives its default port
    run([connector_cli, "keygen", "--agency", AGENCY, "--keys-dir", str(keys)], plugin)
    sim_port = free_port()
    simulator_url = f"http://127.0.0.1:{sim_port}"
    api_pki = make_pki(tmp_path / "api-pki")
    with (
        running_process(
            f"simulator-{AGENCY}",
            [simulator_cli, "run", "--agency", AGENCY, "--port", str(sim_port)],
            env=plugin,
            log_dir=tmp_path / "logs",
            health_url=f"{simulator_url}/health",
        ),
        running_hub(
            kafka_bootstrap, tmp_path, api_pki, env={**plugin, "HUB_KEYS_DIR": str(keys)}
        ) as (hub_url, _),
        running_process(
            f"connector-{AGENCY}",
            [connector_cli, "run", "--agency", AGENCY],
            env={
                **plugin,
                "CONNECTOR_KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
                "CONNECTOR_BACKOFFICE_URL": simulator_url,
                "CONNECTOR_KEYS_DIR": str(keys),
                # Its own certificate, from the CA the broker trusts. Its topics are new on
                # this broker (made above), so its own group has nothing earlier to skip.
                "CONNECTOR_KAFKA_SSL_CAFILE": str(broker_pki / "ca.pem"),
                "CONNECTOR_KAFKA_SSL_CERTFILE": str(broker_pki / f"{AGENCY}.pem"),
                "CONNECTOR_KAFKA_SSL_KEYFILE": str(broker_pki / f"{AGENCY}.key"),
                "CONNECTOR_HEALTH_PORT": str(health := free_port()),
            },
            log_dir=tmp_path / "logs",
            health_url=f"http://127.0.0.1:{health}/ready",
            timeout=60,
        ) as connector,
    ):
        chain = await order_and_wait(hub_url, api_pki)
        assert chain["status"] == "confirmed", (chain, connector.output())
        (link,) = chain["keten"]
        assert (link["uitvoerder"], link["status"]) == (AGENCY, "confirmed")
        assert link["referentie"] == "WS-STOP-000001"  # the water board's own stop number
        async with httpx.AsyncClient(base_url=simulator_url) as backoffice:
            stops = (await backoffice.get("/waterschap/invorderingsstops")).json()
        assert stops["aantal"] == 1
        async with hub_client(hub_url, api_pki, "beheer", timeout=10) as operator:
            overzicht = (await operator.get("/api/v1/ops/overzicht")).json()
        ours = [a for a in overzicht["per_uitvoerder"] if a["uitvoerder"] == AGENCY]
        assert [a["naam"] for a in ours] == ["Waterschap Voorbeeld"]  # the dashboard's table


async def test_the_hub_refuses_an_agency_nobody_installed(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    """Without the package the same order is refused, naming the field: what is installed is
    what the hub serves."""
    api_pki = make_pki(tmp_path / "api-pki")
    with running_hub(kafka_bootstrap, tmp_path, api_pki) as (hub_url, _):
        async with hub_client(hub_url, api_pki, "loket", timeout=10) as loket:
            casus = await loket.post("/api/v1/casussen", json=casus_body(CONFIRMED))
            assert casus.status_code == 201, casus.text
            refused = await loket.post(
                f"/api/v1/casussen/{casus.json()['casus_id']}/opschortingen",
                json=opschorting_body(AGENCY),
            )
    assert refused.status_code == 422, refused.text
    assert refused.json()["detail"] == [
        {
            "field": "uitvoerders.0.uitvoerder",
            "message": "unknown agency waterschap; installed: belastingdienst, cjib, duo, cak, "
            "svb, uwv, ind, gemeente",
            "type": "uitvoerder",
        }
    ]


async def order_and_wait(hub_url: str, pki, within: float = 60.0) -> dict:
    """The loket orders a time-out at the water board; the chain once it is no longer pending."""
    async with hub_client(hub_url, pki, "loket", timeout=10) as loket:
        casus = await loket.post("/api/v1/casussen", json=casus_body(CONFIRMED))
        assert casus.status_code == 201, casus.text
        ordered = await loket.post(
            f"/api/v1/casussen/{casus.json()['casus_id']}/opschortingen",
            json=opschorting_body(AGENCY),
        )
        assert ordered.status_code == 201, ordered.text
        url = f"/api/v1/opschortingen/{ordered.json()['opschorting_id']}"
        async with asyncio.timeout(within):
            while (chain := (await loket.get(url)).json())["status"] == "pending":
                await poll_pause()
        return chain
