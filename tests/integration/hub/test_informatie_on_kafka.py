"""On a real broker with mutual TLS and PostgreSQL: a debt overview reaches each agency's own
information topic, the agencies answer on their own answer topics (one with an extra category
first, which is dead-lettered naming it), and the overview adds up."""

from __future__ import annotations

import asyncio

import pytest

from hub.app import create_app
from hub.settings import Settings
from schemas import parse_event
from schemas.informatie import VorderingInhoud
from schemas.opschorting import Maatregel
from schemas.topics import dead_letter_topic, informatie_antwoord_topic, informatie_verzoek_topic
from schemas.versleuteling import generate_private_key, open_sealed, public_key_pem
from simulators import AGENCIES
from tests.api.hub.test_informatie_api import verstrekt
from tests.integration.hub.test_hub_on_kafka import BSN, read_matching, send
from tests.support.identiteit import client_for
from tests.support.kafka import hub_group_at_end, kafka_tls
from tests.support.loket import casus_body
from tests.support.pki import make_pki

pytestmark = pytest.mark.kafka

OPENSTAAND = {
    "belastingdienst": 290750,
    "cjib": 117800,
    "duo": 1845000,
    "cak": 124900,
    "svb": 59250,
    "uwv": 415500,
    "ind": 163400,
    "gemeente": 45000,
}


@pytest.fixture
async def hub_client(kafka_bootstrap, fresh_postgres_url, tmp_path):
    keys_dir = tmp_path / "keys"
    keys_dir.mkdir()
    private = {}
    for agency in AGENCIES:
        private[agency] = generate_private_key()
        (keys_dir / f"{agency}.pub").write_bytes(public_key_pem(private[agency].public_key()))
    tls = kafka_tls("hub")
    settings = Settings(
        kafka_bootstrap_servers=kafka_bootstrap,
        kafka_ssl_cafile=None if tls is None else tls.cafile,
        kafka_ssl_certfile=None if tls is None else tls.certfile,
        kafka_ssl_keyfile=None if tls is None else tls.keyfile,
        database_url=fresh_postgres_url,
        keys_dir=keys_dir,
        consumer_group=hub_group_at_end(kafka_bootstrap),
        outbox_poll_seconds=0.1,
    )
    app = create_app(settings)
    pki = make_pki(tmp_path / "pki")
    async with (
        app.router.lifespan_context(app),
        client_for(app, pki.pem("loket")) as client,
    ):
        client.private_keys = private  # type: ignore[attr-defined]
        client.app = app  # type: ignore[attr-defined]
        yield client


async def overview_when(client, overzicht_id: str, done, within: float = 30) -> dict:
    async with asyncio.timeout(within):
        while True:
            body = (await client.get(f"/api/v1/schuldenoverzichten/{overzicht_id}")).json()
            if done(body):
                return body
            await asyncio.sleep(0.1)


async def test_a_debt_overview_on_the_real_broker(hub_client, kafka_bootstrap):
    casus = (await hub_client.post("/api/v1/casussen", json=casus_body(BSN))).json()
    casus_id = casus["casus_id"]
    response = await hub_client.post(f"/api/v1/casussen/{casus_id}/schuldenoverzichten")
    assert response.status_code == 201, response.text
    overzicht_id = response.json()["schuldenoverzicht_id"]

    for agency in AGENCIES:
        [record] = await read_matching(
            kafka_bootstrap, informatie_verzoek_topic(agency).name, casus_id, 1, within=30
        )
        assert BSN.encode() not in record.value
        event = parse_event(record.value)
        persoon = event.data.personen[0]
        assert open_sealed(persoon.bsn_versleuteld, hub_client.private_keys[agency]) == BSN
        antwoord_topic = informatie_antwoord_topic(agency).name
        if agency == "belastingdienst":
            te_veel = verstrekt(
                event,
                {"vorderingen": claim(agency, 1).model_dump_json(), "toeslagen": "Huurtoeslag"},
                gevraagd=("vorderingen", "toeslagen"),
            )
            await send(kafka_bootstrap, agency, antwoord_topic, te_veel.to_bytes(), casus_id)
            [dead] = await read_matching(
                kafka_bootstrap,
                dead_letter_topic("hub").name,
                casus_id,
                1,
                within=120,  # the new hub first reads the shared broker's answer history
                where=lambda r, id_=te_veel.id: id_.encode() in r.value,
            )
            reason = dict(dead.headers)["dlq-reason"].decode()
            assert "gegevens carries toeslagen, not asked of belastingdienst" in reason
        claims = [("vorderingen", claim(agency, n).model_dump_json()) for n in (1, 2)]
        antwoord = verstrekt(event, claims)
        await send(kafka_bootstrap, agency, antwoord_topic, antwoord.to_bytes(), casus_id)

    body = await overview_when(hub_client, overzicht_id, lambda b: b["compleet"])
    assert {u["uitvoerder"]: u["totaal_openstaand_centen"] for u in body["uitvoerders"]} == (
        OPENSTAAND
    )
    assert body["totaal_openstaand_centen"] == sum(OPENSTAAND.values()) == 3061600
    assert body["status"] == "confirmed"


def claim(agency: str, n: int) -> VorderingInhoud:
    """Two claims per agency that add up to its total."""
    totaal = OPENSTAAND[agency]
    bedrag = totaal // 2 if n == 1 else totaal - totaal // 2
    return VorderingInhoud(
        referentie=f"{agency.upper()}-{n}",
        soort="vordering",
        oorspronkelijk_bedrag_centen=bedrag,
        openstaand_bedrag_centen=bedrag,
        maatregelen=(Maatregel.INVORDERING,),
    )
