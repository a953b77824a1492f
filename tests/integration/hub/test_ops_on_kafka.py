"""The hub on a real Kafka broker records what others put on the dead-letter topic."""

from __future__ import annotations

import asyncio
import hashlib
import secrets
import uuid

import pytest
from aiokafka import AIOKafkaProducer

from schemas.topics import dead_letter_topic, instructie_topic
from tests.integration.hub.test_hub_on_kafka import BSN, hub_client
from tests.support.kafka import client_kwargs

__all__ = ["hub_client"]  # fixture

pytestmark = pytest.mark.kafka

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


async def dead_letter_with_key(client, key: str, within: float = 30) -> dict:
    async with asyncio.timeout(within):
        while True:
            response = await client.get("/api/v1/ops/dead-letters", params={"per_pagina": 500})
            assert response.status_code == 200
            found = [d for d in response.json()["items"] if d["key"] == key]
            if found:
                assert BSN not in response.text
                return found
            await asyncio.sleep(0.2)


async def test_a_record_a_connector_dead_lettered_shows_up_for_operators(
    hub_client, kafka_bootstrap
):
    casus_id = "MWL-2026-" + "".join(secrets.choice(CROCKFORD) for _ in range(10))
    event_id = str(uuid.uuid4())
    value = (
        b'{"id": "' + event_id.encode() + b'", "type": "nl.maatwerk.opschorting.instructie.v1", '
        b'"data": {"bsn_in_clear_by_mistake": "' + BSN.encode() + b'"}}'
    )
    headers = [
        ("dlq-reason", b"personen.0.bsn_versleuteld: cannot be opened with the cjib key"),
        ("dlq-reason-code", b"bsn-niet-te-openen"),
        ("dlq-origin-topic", instructie_topic("cjib").name.encode()),
        ("dlq-origin-partition", b"2"),
        ("dlq-origin-offset", b"1234"),
        ("dlq-failed-by", b"User:00000001999999990102"),
        ("dlq-consumer", b"connector-cjib"),
        ("dlq-time", b"2026-11-22T10:15:00+00:00"),
        ("x-not-utf8", b"\xff\xfe"),  # must not stop the hub reading the topic
    ]
    producer = AIOKafkaProducer(
        bootstrap_servers=kafka_bootstrap, enable_idempotence=True, **client_kwargs()
    )
    await producer.start()
    try:
        sent = await producer.send_and_wait(
            dead_letter_topic("cjib").name, value, key=casus_id.encode(), headers=headers
        )
    finally:
        await producer.stop()

    [letter] = await dead_letter_with_key(hub_client.operator, casus_id)
    assert letter["redencode"] == "bsn-niet-te-openen"
    assert letter["reason"] == "personen.0.bsn_versleuteld: cannot be opened with the cjib key"
    assert (
        letter["consumer"] == "connector-cjib"
        and letter["failed_by"] == "User:00000001999999990102"
    )
    assert letter["origin_topic"] == instructie_topic("cjib").name
    assert (letter["origin_partition"], letter["origin_offset"]) == (2, 1234)
    assert (letter["dlq_partition"], letter["dlq_offset"]) == (sent.partition, sent.offset)
    assert letter["event_type"] == "nl.maatwerk.opschorting.instructie.v1"
    assert letter["event_id"] == event_id
    assert letter["value_size"] == len(value)
    assert letter["value_sha256"] == hashlib.sha256(value).hexdigest()
    assert letter["dead_lettered_at"].startswith("2026-11-22T10:15:00")

    overzicht = (await hub_client.operator.get("/api/v1/ops/overzicht")).json()
    assert overzicht["dead_letters"]["last_hour"] >= 1
