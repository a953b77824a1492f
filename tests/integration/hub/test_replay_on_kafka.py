"""Operators replay dead letters on a real Kafka broker with mutual TLS: the hub reads the record
at its offset on the dead-letter topic and produces it to its origin topic, with its own producer
for its own topics and with the operators' identity (``beheer``) for an agency's answer topic;
only bytes it finds at the origin, or that the dead letter's proven writer may write there."""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import uuid

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from hub.app import create_app
from hub.domain.dead_letter import DeadLetter
from hub.service.ops import record_dead_letter
from hub.settings import Settings
from schemas.organisaties import BEHEER, Uitvoerder
from schemas.topics import (
    LEGACY_DEAD_LETTER,
    dead_letter_topic,
    instructie_topic,
    opschorting_antwoord_topic,
)
from schemas.versleuteling import generate_private_key, public_key_pem
from simulators import AGENCIES
from tests.api.hub.test_api import answer_event
from tests.integration.hub.test_hub_on_kafka import BSN, send, status_when
from tests.support.identiteit import client_for
from tests.support.kafka import client_kwargs, hub_group_at_end, kafka_tls, random_letters
from tests.support.loket import casus_body, opschorting_body
from tests.support.pki import make_pki

pytestmark = pytest.mark.kafka

OPERATOR = f"urn:nld:oin:{BEHEER.oin}"


def _settings(kafka_bootstrap: str, tmp_path, *, operator_identity: bool) -> Settings:
    keys_dir = tmp_path / "keys"
    keys_dir.mkdir()
    for agency in AGENCIES:
        (keys_dir / f"{agency}.pub").write_bytes(
            public_key_pem(generate_private_key().public_key())
        )
    hub = kafka_tls("hub")
    beheer = kafka_tls("beheer") if operator_identity else None
    return Settings(
        kafka_bootstrap_servers=kafka_bootstrap,
        kafka_ssl_cafile=None if hub is None else hub.cafile,
        kafka_ssl_certfile=None if hub is None else hub.certfile,
        kafka_ssl_keyfile=None if hub is None else hub.keyfile,
        replay_kafka_ssl_certfile=None if beheer is None else beheer.certfile,
        replay_kafka_ssl_keyfile=None if beheer is None else beheer.keyfile,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'hub.sqlite3'}",
        keys_dir=keys_dir,
        consumer_group=hub_group_at_end(kafka_bootstrap),
        outbox_poll_seconds=0.1,
    )


@pytest.fixture
async def hub_client(request, kafka_bootstrap, tmp_path):
    """The hub in process, with the operators' Kafka identity unless the test's parameter says
    otherwise (``indirect``)."""
    identity = getattr(request, "param", True)
    settings = _settings(kafka_bootstrap, tmp_path, operator_identity=identity)
    app = create_app(settings)
    pki = make_pki(tmp_path / "pki")
    async with (
        app.router.lifespan_context(app),
        client_for(app, pki.pem("loket")) as client,
        client_for(app, pki.pem("beheer")) as operator,
    ):
        client.operator = operator  # type: ignore[attr-defined]
        client.app = app  # type: ignore[attr-defined]
        client.operator_identity = identity  # type: ignore[attr-defined]
        yield client


async def dead_letters(
    operator, within: float = 90, at_least: int = 1, key: str | None = None, **filters
) -> list[dict]:
    """The dead letters that pass ``filters`` (and have ``key``, when given: records other tests
    left on a shared topic are dead-lettered by this hub too), once there are ``at_least``."""
    async with asyncio.timeout(within):
        while True:
            response = await operator.get(
                "/api/v1/ops/dead-letters", params={"per_pagina": 500, **filters}
            )
            assert response.status_code == 200, response.text
            items = [d for d in response.json()["items"] if key is None or d["key"] == key]
            if len(items) >= at_least:
                assert BSN not in response.text
                return items
            await asyncio.sleep(0.2)


async def records_up_to_now(bootstrap: str, topic: str, key: str) -> list:
    """Every record of ``topic`` with ``key`` up to its current end: what was produced before
    this call, no waiting for what may come."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap,
        group_id=None,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        **client_kwargs(),
    )
    await consumer.start()
    try:
        partitions = [TopicPartition(topic, p) for p in range(instructie_topic("cjib").partitions)]
        consumer.assign(partitions)
        begins = await consumer.beginning_offsets(partitions)
        ends = await consumer.end_offsets(partitions)
        found = []
        async with asyncio.timeout(30):
            for tp in partitions:
                consumer.seek(tp, begins[tp])
                while await consumer.position(tp) < ends[tp]:
                    for record in (await consumer.getmany(tp, timeout_ms=200)).get(tp, []):
                        if record.offset < ends[tp] and record.key == key.encode():
                            found.append(record)
        return found
    finally:
        await consumer.stop()


async def put_on_dead_letter_topic(
    bootstrap: str, key: str, value: bytes, headers: dict, *, topic: str, als: str = "beheer"
) -> None:
    """A dead-letter copy on ``topic``, written as organisation ``als`` (by default the
    operators, a super user, standing in for the topic's producer)."""
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, enable_idempotence=True, **client_kwargs(als)
    )
    await producer.start()
    try:
        await producer.send_and_wait(
            topic,
            value,
            key=key.encode(),
            headers=[(name, text.encode()) for name, text in headers.items()],
        )
    finally:
        await producer.stop()


def copy_headers(origin: str, redencode: str, **extra: str) -> dict[str, str]:
    return {
        "content-type": "application/cloudevents+json; charset=UTF-8",
        "dlq-reason": f"{redencode}: back-office said no",
        "dlq-reason-code": redencode,
        "dlq-origin-topic": origin,
        "dlq-origin-partition": "0",
        "dlq-origin-offset": "7",
        "dlq-consumer": "connector-cjib",
        "dlq-failed-by": "User:00000001999999990102",
        **extra,
    }


async def test_an_answer_the_hub_dead_lettered_is_replayed_after_the_fix_and_confirms_the_request(
    hub_client, kafka_bootstrap
):
    hub = hub_client.app.state.hub
    casus = (await hub_client.post("/api/v1/casussen", json=casus_body(BSN))).json()
    casus_id = casus["casus_id"]
    chain = (
        await hub_client.post(
            f"/api/v1/casussen/{casus_id}/opschortingen", json=opschorting_body("cjib")
        )
    ).json()

    # A misconfiguration: the hub expects another OIN for the CJIB, so it refuses its answer.
    good = hub.deps
    wrong = {**good.settings.uitvoerder_oins, Uitvoerder.CJIB: "00000001999999999999"}
    hub.deps = dataclasses.replace(
        good, settings=good.settings.model_copy(update={"uitvoerder_oins": wrong})
    )
    answer_topic = opschorting_antwoord_topic("cjib").name
    await send(
        kafka_bootstrap, "cjib", answer_topic, answer_event(chain, "cjib").to_bytes(), casus_id
    )
    [letter] = await dead_letters(
        hub_client.operator,
        key=casus_id,
        redencode="antwoord-afgewezen",
        origin_topic=answer_topic,
        consumer=good.settings.consumer_group,
        replayed="false",
    )
    assert letter["key"] == casus_id and letter["replayed"] is None
    assert (await hub_client.get(f"/api/v1/opschortingen/{chain['opschorting_id']}")).json()[
        "status"
    ] == "pending"

    hub.deps = good  # fixed
    replayed = await hub_client.operator.post(f"/api/v1/ops/dead-letters/{letter['id']}/replay")
    assert replayed.status_code == 200, replayed.text
    assert replayed.json()["outcome"] == "replayed"
    assert replayed.json()["topic"] == answer_topic

    final = await status_when(
        hub_client, chain["opschorting_id"], lambda body: body["status"] != "pending", within=60
    )
    assert final["status"] == "confirmed"
    assert final["keten"][0]["referentie"] == "CJIB-REF-1"

    again = await hub_client.operator.post(f"/api/v1/ops/dead-letters/{letter['id']}/replay")
    assert again.status_code == 200 and again.json()["outcome"] == "already_replayed"
    on_topic = await records_up_to_now(kafka_bootstrap, answer_topic, casus_id)
    assert len(on_topic) == 2  # the agency's answer and one replay, not two
    original, replay = on_topic
    assert replay.value == original.value
    headers = dict(replay.headers)
    assert letter["dlq_topic"] == dead_letter_topic("hub").name
    assert letter["failed_by"] == f"User:{hub.settings.oin}"
    assert headers["dlq-replayed-from"] == (
        f"{letter['dlq_topic']}:{letter['dlq_partition']}:{letter['dlq_offset']}".encode()
    )
    assert [name for name, _ in replay.headers if name.startswith("dlq-")] == ["dlq-replayed-from"]

    [shown] = (
        await hub_client.operator.get("/api/v1/ops/dead-letters", params={"replayed": "true"})
    ).json()["items"]
    assert shown["id"] == letter["id"]
    assert shown["replayed"]["by"] == OPERATOR and shown["replayed"]["count"] == 1
    trail = (await hub_client.get(f"/api/v1/casussen/{casus_id}/audit")).json()
    [entry] = [e for e in trail if e["actie"] == "dead-letter.replay"]
    assert entry["actor"] == OPERATOR
    assert entry["details"]["dead_letter_id"] == letter["id"]
    assert entry["details"]["topic"] == answer_topic


@pytest.mark.parametrize(
    "hub_client", [True, False], indirect=True, ids=["operator-identity", "hub-only"]
)
async def test_a_reason_is_replayed_to_the_hubs_topics_and_what_cannot_be_is_refused_with_why(
    hub_client, kafka_bootstrap
):
    reason = f"test-{random_letters(12)}"  # this test's dead letters only
    key = f"MWL-2026-{random_letters(10).upper()}"
    instruction = instructie_topic("cjib").name
    answers = opschorting_antwoord_topic("cjib").name
    value = b'{"id": "' + str(uuid.uuid4()).encode() + b'", "type": "x"}'
    # Not at their origin: each goes back only where its writer may write itself (the hub its
    # instructions, the CJIB its answers).
    hub_dlq, cjib_dlq = dead_letter_topic("hub").name, dead_letter_topic("cjib").name
    copies = {
        "instruction": (hub_dlq, copy_headers(instruction, reason)),
        "answer": (cjib_dlq, copy_headers(answers, reason)),
        "cut": (hub_dlq, copy_headers(instruction, reason, **{"dlq-value-cut": "true"})),
        "loop": (hub_dlq, copy_headers(LEGACY_DEAD_LETTER.name, reason)),
        "unknown": (hub_dlq, copy_headers("elsewhere.v1", reason)),
    }
    for topic, headers in copies.values():
        await put_on_dead_letter_topic(kafka_bootstrap, key, value, headers, topic=topic)
    letters = await dead_letters(hub_client.operator, at_least=5, redencode=reason)
    on_hub_dlq = sorted(
        (d for d in letters if d["dlq_topic"] == hub_dlq), key=lambda d: d["dlq_offset"]
    )
    by_kind = dict(zip(["instruction", "cut", "loop", "unknown"], on_hub_dlq, strict=True))
    [by_kind["answer"]] = [d for d in letters if d["dlq_topic"] == cjib_dlq]

    single = await hub_client.operator.post(
        f"/api/v1/ops/dead-letters/{by_kind['loop']['id']}/replay"
    )
    assert single.status_code == 409
    assert single.json()["detail"][0]["type"] == "dead-letter-topic"
    not_a_letter = await hub_client.operator.post("/api/v1/ops/dead-letters/999999/replay")
    assert not_a_letter.status_code == 404
    assert not_a_letter.json()["detail"][0]["field"] == "letter_id"

    response = await hub_client.operator.post(
        "/api/v1/ops/dead-letters/replay", json={"redencode": reason}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    outcome = {r["id"]: r for r in body["results"]}
    ids = {kind: letter["id"] for kind, letter in by_kind.items()}
    assert outcome[ids["instruction"]]["outcome"] == "replayed"
    assert outcome[ids["cut"]]["refusal"] == "waarde-afgekapt"
    assert outcome[ids["loop"]]["refusal"] == "dead-letter-topic"
    assert outcome[ids["unknown"]]["refusal"] == "onbekend-topic"
    if hub_client.operator_identity:
        assert outcome[ids["answer"]]["outcome"] == "replayed"
        assert (body["replayed"], body["refused"], body["remaining"]) == (2, 3, 3)
    else:
        assert outcome[ids["answer"]]["refusal"] == "geen-beheeridentiteit"
        assert "HUB_REPLAY_KAFKA_SSL_CERTFILE" in outcome[ids["answer"]]["reason"]
        assert (body["replayed"], body["refused"], body["remaining"]) == (1, 4, 4)

    [replayed] = await records_up_to_now(kafka_bootstrap, instruction, key)
    assert replayed.value == value
    shown = by_kind["instruction"]
    assert dict(replayed.headers)["dlq-replayed-from"] == (
        f"{hub_dlq}:{shown['dlq_partition']}:{shown['dlq_offset']}".encode()
    )
    assert [n for n, _ in replayed.headers if n.startswith("dlq-")] == ["dlq-replayed-from"]
    assert (
        dict(replayed.headers)["content-type"] == copies["instruction"][1]["content-type"].encode()
    )

    second = await hub_client.operator.post(
        "/api/v1/ops/dead-letters/replay", json={"redencode": reason}
    )
    assert second.json()["replayed"] == 0  # only what was never replayed is selected
    assert len(await records_up_to_now(kafka_bootstrap, instruction, key)) == 1
    forced = await hub_client.operator.post(
        "/api/v1/ops/dead-letters/replay", json={"ids": [ids["instruction"]], "opnieuw": True}
    )
    assert forced.json()["replayed"] == 1
    assert len(await records_up_to_now(kafka_bootstrap, instruction, key)) == 2


async def test_a_dead_letter_no_longer_on_the_topic_is_refused(hub_client):
    """Retention took it (here: an offset past the topic's end, as the reader sees both)."""
    hub = hub_client.app.state.hub
    value = b'{"id": "gone"}'
    letter = DeadLetter(
        dlq_topic=dead_letter_topic("cjib").name,
        dlq_partition=0,
        dlq_offset=10**12,
        origin_topic=instructie_topic("cjib").name,
        origin_partition=0,
        origin_offset=1,
        reason="backoffice-weigert: no",
        redencode=f"test-{random_letters(12)}",
        consumer="connector-cjib",
        failed_by=None,
        dead_lettered_at=None,
        key=None,
        event_type=None,
        event_id=None,
        value_size=len(value),
        value_sha256=hashlib.sha256(value).hexdigest(),
    )
    assert await record_dead_letter(letter, hub.uow(), hub.deps)
    [shown] = await dead_letters(hub_client.operator, redencode=letter.redencode)
    response = await hub_client.operator.post(f"/api/v1/ops/dead-letters/{shown['id']}/replay")
    assert response.status_code == 409
    assert response.json()["detail"][0]["type"] == "niet-meer-op-topic"
