"""On a real broker with mutual TLS: a whole bridging over the API (the loket and the LET, each
by its own certificate) puts its six messages on ``maatwerk.overbrugging.v1``, in order, keyed
on the casus, and the LET reads them there with its own certificate (the access matrix). The
step latencies and the time until the last message is on the topic are printed (``-s``)."""

from __future__ import annotations

import time

import pytest

from hub.app import create_app
from hub.settings import Settings
from schemas import parse_event
from schemas.topics import OVERBRUGGING
from tests.integration.hub.test_hub_on_kafka import BSN, read_matching
from tests.support.identiteit import client_for
from tests.support.kafka import hub_group_at_end, kafka_tls
from tests.support.loket import casus_body, vandaag
from tests.support.overbrugging import (
    GEMEENTE,
    GEMEENTE_OIN,
    aanvraag_body,
    aanwijzing_body,
    betaling_body,
    registerregel,
    terugbetaling_body,
    toekenning_body,
)
from tests.support.pki import make_pki

pytestmark = pytest.mark.kafka


@pytest.fixture
async def clients(kafka_bootstrap, tmp_path):
    tls = kafka_tls("hub")
    settings = Settings(
        kafka_bootstrap_servers=kafka_bootstrap,
        kafka_ssl_cafile=None if tls is None else tls.cafile,
        kafka_ssl_certfile=None if tls is None else tls.certfile,
        kafka_ssl_keyfile=None if tls is None else tls.keyfile,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'hub.sqlite3'}",
        keys_dir=tmp_path / "keys",
        consumer_group=hub_group_at_end(kafka_bootstrap),
        outbox_poll_seconds=0.1,
    )
    app = create_app(settings)
    pki = make_pki(tmp_path / "pki")
    async with (
        app.router.lifespan_context(app),
        client_for(app, pki.pem("loket")) as loket,
        client_for(app, pki.pem("let")) as let,
        client_for(app, pki.pem(GEMEENTE.code)) as gemeente,
    ):
        response = await gemeente.put(f"/api/v1/register/{GEMEENTE_OIN}", json=registerregel())
        assert response.status_code == 201, response.text
        yield loket, let


async def test_a_bridging_reaches_its_topic_on_the_real_broker(clients, kafka_bootstrap):
    loket, let = clients
    timings: dict[str, float] = {}

    async def step(client, name: str, path: str, body, expect: int) -> dict:
        started = time.perf_counter()
        response = await client.post(path, json=body)
        timings[name] = (time.perf_counter() - started) * 1000
        assert response.status_code == expect, response.text
        return response.json()

    casus_id = (await step(loket, "casus", "/api/v1/casussen", casus_body(BSN), 201))["casus_id"]
    await step(loket, "acceptatie", f"/api/v1/casussen/{casus_id}/acceptatie", None, 200)
    ovb = (
        await step(
            loket, "aanvraag", f"/api/v1/casussen/{casus_id}/overbruggingen", aanvraag_body(), 201
        )
    )["overbrugging_id"]
    base = f"/api/v1/overbruggingen/{ovb}"
    await step(loket, "toekenning", f"{base}/toekenning", toekenning_body(vandaag()), 200)
    await step(loket, "betaling", f"{base}/betalingen", betaling_body(420_000, vandaag()), 201)
    aangewezen = await step(
        let, "verantwoordelijke", f"{base}/verantwoordelijke", aanwijzing_body(), 200
    )
    verzoek_id = aangewezen["terugbetalingsverzoeken"][0]["verzoek_id"]
    laatste = await step(
        loket,
        "terugbetaling",
        f"{base}/terugbetalingen",
        terugbetaling_body(verzoek_id, 420_000, vandaag()),
        201,
    )
    assert laatste["grootboek"]["openstaand_centen"] == 0 and laatste["grootboek"]["in_balans"]
    klaar = time.perf_counter()

    records = await read_matching(
        kafka_bootstrap, OVERBRUGGING.name, casus_id, 6, within=60, als="let"
    )
    op_topic = (time.perf_counter() - klaar) * 1000
    events = [parse_event(r.value) for r in records]
    types = [e.type.removeprefix("nl.maatwerk.overbrugging.").removesuffix(".v1") for e in events]
    assert types == [
        "aangevraagd",
        "toegekend",
        "voorfinanciering-betaald",
        "verantwoordelijke-aangewezen",
        "terugbetaling-gevraagd",
        "terugbetaling-ontvangen",
    ]
    assert all(BSN.encode() not in r.value for r in records)
    gevraagd = events[4].data
    assert gevraagd.betaler.oin == GEMEENTE_OIN and gevraagd.bedrag.centen == 420_000
    assert events[5].data.openstaand.centen == 0
    print(
        "\nbridging on the real broker: "
        + ", ".join(f"{k} {v:.0f} ms" for k, v in timings.items())
        + f"; last message on the topic {op_topic:.0f} ms after the last step"
    )
