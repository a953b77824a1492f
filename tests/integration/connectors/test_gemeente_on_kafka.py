"""The gemeente connector on a real broker: ONE connector serves two municipalities, each with
its own certificate, at one social-services host (the simulator as a process, over mutual TLS).

A time-out for a Utrecht household and one for a Rotterdam household each reach a final state
(confirmed, with that municipality's own decision number, naming the municipality that
answered); a municipality configured with another's certificate is turned away by the host
(403), and the instruction is dead-lettered and reported, never answered as someone else.
"""

from __future__ import annotations

import json
import ssl
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from connectors.base.koppeling import laad_koppeling
from connectors.base.runtime import bouw_broker
from connectors.base.sleutels import laad_private_key
from connectors.gemeente.gemeenten import Gemeenten, Gemeenterouter
from schemas import deadletter as dl
from schemas.topics import AFLEVERING_MISLUKT, dead_letter_topic, opschorting_antwoord_topic
from tests.integration.connectors.steun import (
    SNEL,
    answers_to,
    dead_letter_for,
    headers,
    publish_instruction,
    sealed,
)
from tests.support.kafka import connector_group_at_end, consume_until, kafka_tls
from tests.support.pki import Pki, make_pki
from tests.support.processes import console_script, free_port, start_process

pytestmark = pytest.mark.kafka

UTRECHT = "00000001999999990201"
ROTTERDAM = "00000001999999990202"
ZWOLLE = "00000001999999990203"
AGENCY = "gemeente"


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    """The project's local CA (deploy/pki/local_ca.py): the host's server certificate and each
    municipality's own."""
    return make_pki(tmp_path_factory.mktemp("gemeente-pki"))


@pytest.fixture(scope="module")
def host(pki: Pki, logs: Path) -> Iterator[str]:
    """The social-services host over mutual TLS: a municipality's certificate opens only its own
    tenant."""
    port = free_port()
    process = start_process(
        f"simulator-gemeente-tls-{port}",
        [
            console_script("maatwerk-simulator"), "run", "--agency", AGENCY, "--port", str(port),
            "--tls-cert", str(pki.dir / "sociaal-domein.pem"),
            "--tls-key", str(pki.dir / "sociaal-domein.key"),
            "--tls-ca", str(pki.ca),
        ],
        log_dir=logs,
        health_url=f"https://127.0.0.1:{port}/health",
        ca=pki.ca,
    )  # fmt: skip
    try:
        yield f"https://127.0.0.1:{port}"
    finally:
        process.terminate()


def _gemeenten(pki: Pki, tmp_path: Path) -> Gemeenten:
    """Utrecht and Rotterdam with their own certificates; Zwolle (wrongly) with Utrecht's."""

    def gemeente(oin: str, code: str, naam: str, cert: str) -> dict[str, Any]:
        return {
            "oin": oin,
            "code": code,
            "naam": naam,
            "backoffice_url": f"/gemeenten/{code}/sociaal-domein/v2",
            "certfile": str(pki.dir / f"{cert}.pem"),
            "keyfile": str(pki.dir / f"{cert}.key"),
        }

    pad = tmp_path / "gemeenten.json"
    pad.write_text(
        json.dumps(
            {
                "cafile": str(pki.ca),
                "gemeenten": [
                    gemeente(UTRECHT, "0344", "Gemeente Utrecht", "gemeente-utrecht"),
                    gemeente(ROTTERDAM, "0599", "Gemeente Rotterdam", "gemeente-rotterdam"),
                    gemeente(ZWOLLE, "0193", "Gemeente Zwolle", "gemeente-utrecht"),
                ],
            }
        )
    )
    return Gemeenten.lees(pad)


@pytest.fixture(scope="module")
async def connector(
    kafka_bootstrap: str, keys_dir: Path, host: str, pki: Pki, tmp_path_factory
) -> AsyncIterator[str]:
    """The one gemeente connector for the three municipalities, its group at the broker's end."""
    gemeenten = _gemeenten(pki, tmp_path_factory.mktemp("gemeente-config"))
    async with Gemeenterouter.uit(gemeenten, basis=host, timeout=5.0) as router:
        broker = bouw_broker(
            koppeling=laad_koppeling(AGENCY),
            client=router,
            sleutel=laad_private_key(keys_dir, AGENCY),
            bootstrap_servers=kafka_bootstrap,
            tls=kafka_tls(AGENCY),  # the gemeente connector's own identity on the broker
            herhaalbeleid=SNEL,
            group_id=connector_group_at_end(kafka_bootstrap, AGENCY),
        )
        await broker.start()
        try:
            yield kafka_bootstrap
        finally:
            await broker.stop()


async def test_two_municipalities_each_confirm_their_own_time_out(
    connector: str, keys_dir: Path, host: str, pki: Pki
):
    utrecht = sealed(AGENCY, "999990019", keys_dir, gemeente=UTRECHT)
    rotterdam = sealed(AGENCY, "999990032", keys_dir, gemeente=ROTTERDAM)
    for event in (utrecht, rotterdam):
        await publish_instruction(connector, event)

    [u] = await answers_to(connector, utrecht)
    [r] = await answers_to(connector, rotterdam)
    assert u["type"] == r["type"] == "nl.maatwerk.opschorting.bevestigd.v1"
    assert (u["data"]["gemeente"], r["data"]["gemeente"]) == (UTRECHT, ROTTERDAM)
    assert u["data"]["referentie"].startswith("GEM0344-OPS-")
    assert r["data"]["referentie"].startswith("GEM0599-OPS-")
    assert u["source"] == r["source"] == laad_koppeling(AGENCY).organisatie.source
    besluiten = {s["referentie"]: s for s in await _besluiten(host, pki)}
    assert besluiten[u["data"]["referentie"]]["personen"] == ["UTR-SD-4100019"]
    assert besluiten[r["data"]["referentie"]]["personen"] == ["RTD-W&I-7700032"]


async def test_a_municipality_with_anothers_certificate_is_turned_away(
    connector: str, keys_dir: Path, host: str, pki: Pki
):
    zwolle = sealed(AGENCY, "999990044", keys_dir, gemeente=ZWOLLE)
    await publish_instruction(connector, zwolle)
    record = await dead_letter_for(connector, lambda r: zwolle.id.encode() in (r.value or b""))
    assert record.topic == dead_letter_topic(AGENCY).name
    assert headers(record)[dl.HEADER_REASON_CODE] == "backoffice-afgewezen"
    assert "HTTP 403" in headers(record)[dl.HEADER_REASON]
    [melding] = await consume_until(
        connector,
        opschorting_antwoord_topic(AGENCY).name,
        lambda e: e.get("type") == AFLEVERING_MISLUKT and e["data"]["instructie_id"] == zwolle.id,
    )
    assert melding["data"]["definitief"] is True
    # the host itself: Rotterdam's certificate does not open Utrecht's tenant
    context = ssl.create_default_context(cafile=str(pki.ca))
    context.load_cert_chain(*pki.cert("gemeente-rotterdam"))
    async with httpx.AsyncClient(base_url=host, verify=context) as client:
        pad = "/gemeenten/0344/sociaal-domein/v2/opschortingen"
        geweigerd = await client.get(pad, params={"verzoekId": str(uuid.uuid4())})
    assert geweigerd.status_code == 403
    assert geweigerd.json()["fouten"][0]["code"] == "CERTIFICAAT_HOORT_NIET_BIJ_GEMEENTE"


async def _besluiten(host: str, pki: Pki) -> list[dict[str, Any]]:
    """The decisions the host registered (its admin listing, over TLS)."""
    context = ssl.create_default_context(cafile=str(pki.ca))
    async with httpx.AsyncClient(base_url=host, verify=context, timeout=5) as client:
        body = (await client.get("/_simulator/opschortingen")).json()
    return list(body["opschortingen"])
