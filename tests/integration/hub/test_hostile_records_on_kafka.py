"""No record stalls the hub's consumers on a real broker: hostile records on an agency's answer
topic are each dead-lettered with a reason and the valid answer behind them on the same partition
is processed; on the dead-letter topic the operators' list goes on past them."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from aiokafka import AIOKafkaProducer
from sqlalchemy import text

from schemas import CONTENT_TYPE
from schemas.topics import dead_letter_topic, opschorting_antwoord_topic
from tests.api.hub.test_api import answer_event
from tests.integration.hub.test_hub_on_kafka import BSN, hub_client, read_matching, status_when
from tests.support.kafka import client_kwargs
from tests.support.loket import casus_body, opschorting_body

__all__ = ["hub_client"]  # fixture

pytestmark = pytest.mark.kafka

Headers = list[tuple[str, bytes | None]]

NESTED = b"[" * 100_000 + b"]" * 100_000
NEAR_1_MIB = b'{"id": "' + b"x" * 1_000_000 + b'"}'
CE: Headers = [("content-type", CONTENT_TYPE.encode())]
HOSTILE_HEADERS: Headers = [("content-type", CONTENT_TYPE.encode()), ("x-bin", b"\xff\xfe\xc3")]
NULL_HEADER: Headers = [("content-type", CONTENT_TYPE.encode()), ("x-null", None)]


def hostile() -> list[tuple[str, bytes, Headers]]:
    """(name, value, headers) of each kind of record that once stalled a partition."""
    return [
        ("nested", NESTED, CE),
        ("json-not-json", b"this is {not JSON", [("content-type", b"application/json")]),
        ("near-1-mib", NEAR_1_MIB, CE),
        ("not-utf8-header", b'{"not": "an event"}', HOSTILE_HEADERS),
        ("null-header", b'{"not": "an event either"}', NULL_HEADER),
    ]


async def produce(bootstrap: str, als: str, topic: str, records) -> list[int]:
    """Publish ``(key, value, headers)`` records in order as ``als``; their offsets."""
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap,
        enable_idempotence=True,
        max_request_size=2_000_000,
        **client_kwargs(als),
    )
    await producer.start()
    try:
        offsets = []
        for key, value, headers in records:
            sent = await producer.send_and_wait(
                topic, value, key=key.encode(), headers=list(headers)
            )
            offsets.append(sent.offset)
        return offsets
    finally:
        await producer.stop()


async def test_hostile_answers_are_dead_lettered_and_the_answer_behind_them_counts(
    hub_client, kafka_bootstrap
):
    casus = (await hub_client.post("/api/v1/casussen", json=casus_body(BSN))).json()
    chain = (
        await hub_client.post(
            f"/api/v1/casussen/{casus['casus_id']}/opschortingen",
            json=opschorting_body("cjib"),
        )
    ).json()
    casus_id = casus["casus_id"]
    topic = opschorting_antwoord_topic("cjib").name
    answer = answer_event(chain, "cjib", refused=True)
    records = [(casus_id, value, headers) for _, value, headers in hostile()]
    # The valid answer itself carries a header that is not UTF-8 and one that is null.
    records.append((casus_id, answer.to_bytes(), [*HOSTILE_HEADERS, ("x-null", None)]))
    offsets = await produce(kafka_bootstrap, "cjib", topic, records)

    final = await status_when(
        hub_client, chain["opschorting_id"], lambda b: b["status"] != "pending", within=60
    )
    assert final["keten"][0]["status"] == "refused"

    group = hub_client.consumer_group
    dead = await read_matching(
        kafka_bootstrap,
        dead_letter_topic("hub").name,
        casus_id,
        len(hostile()),
        within=30,
        where=lambda r: dict(r.headers)["dlq-consumer"] == group.encode(),
    )
    by_offset = {int(dict(r.headers)["dlq-origin-offset"]): r for r in dead}
    assert sorted(by_offset) == offsets[:-1]
    for (name, value, _), offset in zip(hostile(), offsets, strict=False):
        headers = dict(by_offset[offset].headers)
        assert headers["dlq-reason-code"] == b"ongeldig-bericht", name
        assert headers["dlq-reason"].startswith(b"ongeldig-bericht: "), name
        if name == "near-1-mib":
            assert headers["dlq-value-cut"] == b"true"
            assert headers["dlq-value-size"] == str(len(value)).encode()
            assert len(by_offset[offset].value) < len(value)
        else:
            assert by_offset[offset].value == value, name
    assert dict(by_offset[offsets[3]].headers)["x-bin"] == "\ufffd\ufffd\ufffd".encode()


async def test_hostile_records_on_the_dead_letter_topic_do_not_stop_the_operators_list(
    hub_client, kafka_bootstrap
):
    keys = {name: f"hostile-{name}-{uuid.uuid4().hex[:8]}" for name, _, _ in hostile()}
    valid = f"valid-{uuid.uuid4().hex[:8]}"
    records = [(keys[name], value, headers) for name, value, headers in hostile()]
    records.append(
        (
            valid,
            b'{"id": "e-1", "type": "nl.maatwerk.opschorting.bevestigd.v1"}',
            [("dlq-reason", b"ongeldig-bericht: test"), ("dlq-reason-code", b"ongeldig-bericht")],
        )
    )
    await produce(kafka_bootstrap, "beheer", dead_letter_topic("cjib").name, records)

    wanted = {*keys.values(), valid}
    async with asyncio.timeout(60):
        while True:
            response = await hub_client.operator.get(
                "/api/v1/ops/dead-letters", params={"per_pagina": 500}
            )
            assert response.status_code == 200
            letters = {d["key"]: d for d in response.json()["items"] if d["key"] in wanted}
            if valid in letters:
                break
            await asyncio.sleep(0.2)
    assert set(letters) == wanted  # each hostile one kept too, none skipped
    assert letters[keys["near-1-mib"]]["value_size"] == len(NEAR_1_MIB)
    assert letters[keys["nested"]]["event_type"] is None
    assert letters[valid]["redencode"] == "ongeldig-bericht"
    assert letters[valid]["event_type"] == "nl.maatwerk.opschorting.bevestigd.v1"


async def test_an_answer_that_fails_in_processing_every_time_is_dead_lettered_after_bounded_tries(
    hub_client, kafka_bootstrap
):
    """Not the record's bytes but its processing fails, every time (here: the store refuses to
    update the request). After a bounded number of attempts it is set aside as
    ``verwerkingsfout`` with the exception's type only, and the partition goes on."""
    casus = (await hub_client.post("/api/v1/casussen", json=casus_body(BSN))).json()
    chain = (
        await hub_client.post(
            f"/api/v1/casussen/{casus['casus_id']}/opschortingen",
            json=opschorting_body("cjib"),
        )
    ).json()
    casus_id = casus["casus_id"]
    hub = hub_client.app.state.hub
    async with hub.engine.begin() as conn:
        await conn.execute(
            text(
                "CREATE TRIGGER refuse_answer BEFORE UPDATE ON verzoek "
                "BEGIN SELECT RAISE(ABORT, 'refused 999990019'); END"
            )
        )
    topic = opschorting_antwoord_topic("cjib").name
    doomed = answer_event(chain, "cjib")
    await produce(kafka_bootstrap, "cjib", topic, [(casus_id, doomed.to_bytes(), CE)])

    group = hub_client.consumer_group
    [dead] = await read_matching(
        kafka_bootstrap,
        dead_letter_topic("hub").name,
        casus_id,
        1,
        within=60,
        where=lambda r: dict(r.headers)["dlq-consumer"] == group.encode(),
    )
    headers = dict(dead.headers)
    assert headers["dlq-reason-code"] == b"verwerkingsfout"
    assert headers["dlq-reason"] == b"verwerkingsfout: IntegrityError after 5 attempts"
    assert dead.value == doomed.to_bytes()

    async with hub.engine.begin() as conn:
        await conn.execute(text("DROP TRIGGER refuse_answer"))
    later = answer_event(chain, "cjib")
    await produce(kafka_bootstrap, "cjib", topic, [(casus_id, later.to_bytes(), CE)])
    final = await status_when(
        hub_client, chain["opschorting_id"], lambda b: b["status"] != "pending", within=30
    )
    assert final["keten"][0]["status"] == "confirmed"
