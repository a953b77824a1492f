"""On a real broker: a deviation decision recorded through the API arrives on
``maatwerk.afwijking.v1``, keyed on its casus, where the loket (a consumer of that topic by the
access matrix, with its own certificate on a secured broker) reads it."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from aiokafka import AIOKafkaConsumer

from schemas import parse_event
from schemas.afwijking import AfwijkingBesloten
from schemas.topics import AFWIJKING
from tests.integration.hub.test_hub_on_kafka import hub_client  # noqa: F401  (fixture)
from tests.support.afwijking import KNELPUNT_ID, afwijking_body
from tests.support.kafka import client_kwargs
from tests.support.loket import casus_body, vandaag

pytestmark = pytest.mark.kafka

BSN = "999990019"


async def _lees_als_loket(bootstrap: str, casus_id: str, within: float = 30) -> list[bytes]:
    consumer = AIOKafkaConsumer(
        AFWIJKING.name,
        bootstrap_servers=bootstrap,
        group_id=f"loket-{uuid.uuid4()}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        **client_kwargs("loket"),
    )
    await consumer.start()
    try:
        async with asyncio.timeout(within):
            while True:
                batch = await consumer.getmany(timeout_ms=200)
                found = [
                    r.value
                    for records in batch.values()
                    for r in records
                    if r.key == casus_id.encode() and r.value is not None
                ]
                if found:
                    return found
    finally:
        await consumer.stop()


async def test_a_decision_arrives_on_the_afwijking_topic(hub_client, kafka_bootstrap):  # noqa: F811
    response = await hub_client.post("/api/v1/casussen", json=casus_body(BSN))
    assert response.status_code == 201, response.text
    casus_id = response.json()["casus_id"]
    assert (await hub_client.post(f"/api/v1/casussen/{casus_id}/acceptatie")).status_code == 200
    response = await hub_client.post(
        f"/api/v1/casussen/{casus_id}/afwijkingen",
        json=afwijking_body(vandaag(), knelpunt_id=KNELPUNT_ID),
    )
    assert response.status_code == 201, response.text
    afwijking_id = response.json()["afwijking_id"]

    [value] = await _lees_als_loket(kafka_bootstrap, casus_id)
    event = parse_event(value)
    assert isinstance(event.data, AfwijkingBesloten)
    assert (event.id, event.subject) == (afwijking_id, casus_id)
    assert event.data.knelpunt_id == KNELPUNT_ID
    assert event.data.mandaat == "Mandaatbesluit maatwerk 2026, artikel 3"
    assert BSN not in value.decode()
