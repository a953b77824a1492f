"""Parties without Kafka, as real processes: the hub (HTTPS with mutual TLS, on the real
broker) pushes to the SIMULATED parties' webhooks over HTTPS and a care office pulls
(``maatwerk-simulator deelnemer``, as ``make run`` starts them); an agency without a connector
gets its instruction by webhook and answers over HTTPS, and the hub records the answer."""

from __future__ import annotations

import contextlib
import ssl
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx

from schemas.organisaties import DEELNEMERS
from tests.support.loket import casus_body, opschorting_body, vandaag
from tests.support.overbrugging import (
    aanvraag_body,
    aanwijzing_body,
    betaling_body,
    registerregel,
    toekenning_body,
)
from tests.support.pki import Pki, make_pki
from tests.support.polling import poll_pause
from tests.support.processes import console_script, free_port, start_process
from tests.support.stack import hub_client, running_hub

TERUGBETALING = "nl.maatwerk.overbrugging.terugbetaling-gevraagd.v1"
UTRECHT, ZORGKANTOOR = DEELNEMERS[0], DEELNEMERS[4]


async def until(check: Callable[[], Awaitable[Any]], within: float = 60.0) -> Any:
    deadline = time.monotonic() + within
    while True:
        found = await check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await poll_pause()


def partij(name: str, hub_url: str, pki: Pki, logs: Path) -> tuple[Any, str]:
    port = free_port()
    pulls = name == ZORGKANTOOR.code
    url = f"{'http' if pulls else 'https'}://127.0.0.1:{port}"
    process = start_process(
        f"deelnemer-{name}",
        [
            console_script("maatwerk-simulator"),
            "deelnemer",
            "--code",
            name,
            "--port",
            str(port),
            "--hub-url",
            hub_url,
            "--pki-dir",
            str(pki.dir),
        ],
        log_dir=logs,
        health_url=f"{url}/health",
        ca=None if pulls else pki.ca,
    )
    return process, url


async def post(client: httpx.AsyncClient, path: str, body: Any, expect: int = 200) -> Any:
    response = await client.post(path, json=body)
    assert response.status_code == expect, response.text
    return response.json()


async def bridging_for(loket, let, oin: str, kader: str, bsn: str) -> str:
    casus = await post(loket, "/api/v1/casussen", casus_body(bsn), 201)
    await post(loket, f"/api/v1/casussen/{casus['casus_id']}/acceptatie", None)
    ovb = await post(
        loket, f"/api/v1/casussen/{casus['casus_id']}/overbruggingen", aanvraag_body(), 201
    )
    pad = f"/api/v1/overbruggingen/{ovb['overbrugging_id']}"
    await post(loket, f"{pad}/toekenning", toekenning_body(vandaag()))
    await post(loket, f"{pad}/betalingen", betaling_body(40_000, vandaag()), 201)
    await post(let, f"{pad}/verantwoordelijke", aanwijzing_body(oin, kader=kader))
    return str(ovb["overbrugging_id"])


async def test_parties_without_kafka_get_their_messages_and_an_agency_answers_over_https(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    pki = make_pki(tmp_path / "pki")
    logs = tmp_path / "logs"
    keys = str(tmp_path / "keys")
    keygen = start_process(
        "keygen-cjib",
        [console_script("maatwerk-connector"), "keygen", "--agency", "cjib", "--keys-dir", keys],
        log_dir=logs,
    )
    assert keygen.popen.wait(30) == 0, keygen.output()
    env = {"HUB_WEBHOOK_CA": str(pki.ca), "HUB_WEBHOOK_POLL_SECONDS": "0.1"}
    with contextlib.ExitStack() as stack:
        hub_url, _ = stack.enter_context(running_hub(kafka_bootstrap, tmp_path, pki, env))
        urls = {}
        for name in ("cjib", UTRECHT.code, ZORGKANTOOR.code):
            process, urls[name] = partij(name, hub_url, pki, logs)
            stack.callback(process.terminate)
        clients = {
            org: stack.enter_context(contextlib.nullcontext(hub_client(hub_url, pki, org)))
            for org in ("loket", "let", "cjib", UTRECHT.code, ZORGKANTOOR.code)
        }
        try:
            for org in ("cjib", UTRECHT.code, ZORGKANTOOR.code):
                await until(lambda o=org: _live(clients[o]))
            for deelnemer, soort in ((UTRECHT, "gemeente"), (ZORGKANTOOR, "zorgkantoor")):
                regel = registerregel(deelnemer.naam, soort)
                put = await clients[deelnemer.code].put(
                    f"/api/v1/register/{deelnemer.oin}", json=regel
                )
                assert put.status_code == 201, put.text

            loket = clients["loket"]
            casus = await post(loket, "/api/v1/casussen", casus_body("999990020"), 201)
            casus_id = casus["casus_id"]
            await post(loket, f"/api/v1/casussen/{casus_id}/acceptatie", None)
            order = await post(
                loket, f"/api/v1/casussen/{casus_id}/opschortingen", opschorting_body("cjib"), 201
            )

            async def confirmed() -> bool:
                found = (await loket.get(f"/api/v1/opschortingen/{order['opschorting_id']}")).json()
                return bool(found["status"] == "confirmed")

            await until(confirmed)  # the instruction pushed, the answer POSTed back

            naar_utrecht = await bridging_for(
                loket, clients["let"], UTRECHT.oin, "wmo", "999990032"
            )
            naar_zorgkantoor = await bridging_for(
                loket, clients["let"], ZORGKANTOOR.oin, "wlz", "999990044"
            )
            ontvangen_utrecht = await until(
                lambda: _ontvangen(urls[UTRECHT.code], pki, TERUGBETALING)
            )
            assert [e["data"]["overbrugging_id"] for e in ontvangen_utrecht] == [naar_utrecht]
            ontvangen_zk = await until(
                lambda: _ontvangen(urls[ZORGKANTOOR.code], pki, TERUGBETALING)
            )
            assert [e["data"]["overbrugging_id"] for e in ontvangen_zk] == [naar_zorgkantoor]

            async def acknowledged() -> list[dict[str, Any]]:
                return [a for a in await _live(clients[ZORGKANTOOR.code]) if a["bevestigd_tot"]]

            [pull] = await until(acknowledged)  # what it processed, it acknowledged
            assert pull["protocol"] == "http-pull"
        finally:
            for client in clients.values():
                await client.aclose()


async def _live(client: httpx.AsyncClient) -> list[dict[str, Any]]:
    response = await client.get("/api/v1/abonnementen")
    return [a for a in response.json() if a["beeindigd_op"] is None] if response.is_success else []


async def _ontvangen(url: str, pki: Pki, soort: str) -> list[dict[str, Any]]:
    async with httpx.AsyncClient(verify=ssl.create_default_context(cafile=str(pki.ca))) as client:
        got = (await client.get(f"{url}/_simulator/ontvangen")).json()["ontvangen"]
    return [e for e in got if e["type"] == soort]
