"""Connectors against a real broker and a simulator running as a real process.

Each connector here consumes under its own consumer group (``connector-<agency>-it-<random>``), so
a connector of another test in the same session (e2e) never takes its partitions. Instructions are
sealed with a key pair made for this module, so only this module's connectors can open them.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.structs import ConsumerRecord, RecordMetadata

from connectors.base.koppeling import laad_koppeling
from connectors.base.runtime import DeadLetterHeader, Herhaalbeleid, antwoord_event_id, bouw_broker
from connectors.base.sleutels import laad_private_key, maak_sleutelpaar
from schemas import CONTENT_TYPE, CloudEvent
from schemas.topics import DEAD_LETTER, OPSCHORTING_ANTWOORD, instructie_topic
from tests.support.kafka import consume_until
from tests.support.processes import (
    ManagedProcess,
    console_script,
    free_port,
    start_process,
)
from tests.unit.connectors.berichten import instructie

pytestmark = pytest.mark.kafka

CONFIRMED_EVERYWHERE = "999990019"
ALL_CJIB_CLAIMS_UNDER_APPEAL = "999990032"
SNEL = Herhaalbeleid(pogingen=2, eerste_wachttijd=0.2, max_wachttijd=0.5)


# ------------------------------------------------------------------------------- helpers


def start_simulator(agency: str, port: int, logs: Path) -> ManagedProcess:
    return start_process(
        f"simulator-{agency}-{port}",
        [console_script("maatwerk-simulator"), "run", "--agency", agency, "--port", str(port)],
        log_dir=logs,
        health_url=f"http://127.0.0.1:{port}/health",
    )


@contextlib.asynccontextmanager
async def connector_in_process(
    agency: str, bootstrap: str, keys_dir: Path, backoffice_url: str
) -> AsyncIterator[None]:
    koppeling = laad_koppeling(agency)
    async with koppeling.client(base_url=backoffice_url, timeout=5.0) as client:
        broker = bouw_broker(
            koppeling=koppeling,
            client=client,
            sleutel=laad_private_key(keys_dir, agency),
            bootstrap_servers=bootstrap,
            herhaalbeleid=SNEL,
            group_id=f"{koppeling.naam}-it-{uuid.uuid4().hex[:8]}",
        )
        await broker.start()
        try:
            yield
        finally:
            await broker.stop()


async def publish(bootstrap: str, topic: str, value: bytes, key: bytes | None) -> RecordMetadata:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    try:
        return await producer.send_and_wait(
            topic, value, key=key, headers=[("content-type", CONTENT_TYPE.encode())]
        )
    finally:
        await producer.stop()


async def publish_instruction(bootstrap: str, event: CloudEvent[Any]) -> RecordMetadata:
    topic = instructie_topic(event.data.uitvoerder).name
    return await publish(bootstrap, topic, event.to_bytes(), event.subject.encode())


async def answers_to(
    bootstrap: str, event: CloudEvent[Any], count: int = 1, seconds: float = 45.0
) -> list[dict[str, Any]]:
    return await consume_until(
        bootstrap,
        OPSCHORTING_ANTWOORD.name,
        lambda answer: answer.get("data", {}).get("instructie_id") == event.id,
        seconds,
        count=count,
    )


async def dead_letter_for(
    bootstrap: str, match: Callable[[ConsumerRecord[bytes, bytes]], bool], seconds: float = 45.0
) -> ConsumerRecord[bytes, bytes]:
    consumer = AIOKafkaConsumer(
        DEAD_LETTER.name,
        bootstrap_servers=bootstrap,
        group_id=f"maatwerk-tests-{uuid.uuid4()}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    try:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            batches = await consumer.getmany(timeout_ms=500)
            for records in batches.values():
                for record in records:
                    if match(record):
                        return record
        raise TimeoutError(f"no matching record on {DEAD_LETTER.name} within {seconds}s")
    finally:
        await consumer.stop()


def headers(record: ConsumerRecord[bytes, bytes]) -> dict[str, str]:
    return {k: v.decode() for k, v in record.headers}


async def suspensions(url: str) -> list[dict[str, Any]]:
    async with httpx.AsyncClient(base_url=url, timeout=5) as client:
        body = (await client.get("/_simulator/opschortingen")).json()
    assert body["aantal"] == len(body["opschortingen"])
    return list(body["opschortingen"])


# ------------------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def keys_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    keys = tmp_path_factory.mktemp("keys")
    for agency in ("belastingdienst", "cjib", "duo"):
        maak_sleutelpaar(keys, agency)
    return keys


@pytest.fixture(scope="module")
def logs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("logs")


@pytest.fixture(scope="module")
def cjib_url(logs: Path) -> Iterator[str]:
    port = free_port()
    simulator = start_simulator("cjib", port, logs)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        simulator.terminate()


@pytest.fixture(scope="module")
async def cjib_connector(kafka_bootstrap: str, keys_dir: Path, cjib_url: str) -> AsyncIterator[str]:
    async with connector_in_process("cjib", kafka_bootstrap, keys_dir, cjib_url):
        yield kafka_bootstrap


def sealed(agency: str, bsn: str, keys_dir: Path, **kwargs: Any) -> CloudEvent[Any]:
    publiek = laad_private_key(keys_dir, agency).public_key()
    return instructie(agency, [bsn], publiek, **kwargs)


# --------------------------------------------------------------------------------- tests


async def test_an_instruction_is_answered_with_the_simulators_reference(
    cjib_connector: str, keys_dir: Path, cjib_url: str
):
    event = sealed("cjib", CONFIRMED_EVERYWHERE, keys_dir)
    await publish_instruction(cjib_connector, event)

    (answer,) = await answers_to(cjib_connector, event)
    assert answer["type"] == "nl.maatwerk.opschorting.bevestigd.v1"
    assert answer["id"] == antwoord_event_id(event.id)
    assert answer["subject"] == event.subject
    assert re.fullmatch(r"CJIB-OPS-[0-9]{8}", answer["data"]["referentie"])
    registered = [s for s in await suspensions(cjib_url) if s["sleutel"] == event.id]
    assert [s["referentie"] for s in registered] == [answer["data"]["referentie"]]


async def test_the_same_instruction_twice_is_one_suspension_and_one_answer_id(
    cjib_connector: str, keys_dir: Path, cjib_url: str
):
    before = len(await suspensions(cjib_url))
    event = sealed("cjib", CONFIRMED_EVERYWHERE, keys_dir)
    await publish_instruction(cjib_connector, event)
    await publish_instruction(cjib_connector, event)

    first, second = await answers_to(cjib_connector, event, count=2)
    assert first["id"] == second["id"] == antwoord_event_id(event.id)
    assert first["data"]["referentie"] == second["data"]["referentie"]
    after = await suspensions(cjib_url)
    assert len(after) == before + 1
    assert len([s for s in after if s["sleutel"] == event.id]) == 1


async def test_garbage_is_dead_lettered_and_the_next_instruction_still_answered(
    cjib_connector: str, keys_dir: Path
):
    garbage = b"\x00\x01 this is not a cloud event " + uuid.uuid4().bytes
    topic = instructie_topic("cjib").name
    meta = await publish(cjib_connector, topic, garbage, b"garbage-key")
    event = sealed("cjib", CONFIRMED_EVERYWHERE, keys_dir)
    await publish_instruction(cjib_connector, event)

    record = await dead_letter_for(cjib_connector, lambda r: r.value == garbage)
    h = headers(record)
    assert record.key == b"garbage-key"
    assert h[DeadLetterHeader.REDENCODE] == "ongeldig-bericht"
    assert h[DeadLetterHeader.REDEN].startswith("ongeldig-bericht: ")
    assert h[DeadLetterHeader.TOPIC] == topic
    assert h[DeadLetterHeader.PARTITIE] == str(meta.partition)
    assert h[DeadLetterHeader.OFFSET] == str(meta.offset)
    assert h[DeadLetterHeader.GEFAALD_DOOR] == "User:cjib"
    assert h[DeadLetterHeader.CONSUMER] == "connector-cjib"
    (answer,) = await answers_to(cjib_connector, event)
    assert answer["type"] == "nl.maatwerk.opschorting.bevestigd.v1"


async def test_all_claims_under_appeal_is_refused(cjib_connector: str, keys_dir: Path):
    event = sealed("cjib", ALL_CJIB_CLAIMS_UNDER_APPEAL, keys_dir)
    await publish_instruction(cjib_connector, event)
    (answer,) = await answers_to(cjib_connector, event)
    assert answer["type"] == "nl.maatwerk.opschorting.geweigerd.v1"
    assert answer["data"]["redencode"] == "bezwaar-of-beroep"
    assert "ALLE_ZAKEN_IN_BEROEP" in answer["data"]["reden"]


async def test_an_instruction_waits_for_a_back_office_that_is_down(
    kafka_bootstrap: str, keys_dir: Path, logs: Path
):
    """Delivery fails, the message is nacked and redelivered until the back-office is up."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    event = sealed("duo", CONFIRMED_EVERYWHERE, keys_dir)
    async with connector_in_process("duo", kafka_bootstrap, keys_dir, url):
        await publish_instruction(kafka_bootstrap, event)
        with pytest.raises(TimeoutError):
            await answers_to(kafka_bootstrap, event, seconds=6)
        simulator = start_simulator("duo", port, logs)
        try:
            (answer,) = await answers_to(kafka_bootstrap, event)
            assert answer["type"] == "nl.maatwerk.opschorting.bevestigd.v1"
            assert answer["data"]["referentie"].startswith("DUO-BP-")
            assert len([s for s in await suspensions(url) if s["sleutel"] == event.id]) == 1
        finally:
            simulator.terminate()


async def test_the_connector_cli_runs_against_the_broker(
    kafka_bootstrap: str, keys_dir: Path, logs: Path
):
    """``maatwerk-connector run`` as a real process, with its settings from the environment."""
    port = free_port()
    simulator = start_simulator("belastingdienst", port, logs)
    connector = start_process(
        "connector-belastingdienst",
        [console_script("maatwerk-connector"), "run", "--agency", "belastingdienst"],
        env={
            "CONNECTOR_KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
            "CONNECTOR_BACKOFFICE_URL": f"http://127.0.0.1:{port}",
            "CONNECTOR_KEYS_DIR": str(keys_dir),
            "CONNECTOR_GROUP_ID": f"connector-belastingdienst-it-{uuid.uuid4().hex[:8]}",
        },
        log_dir=logs,
        ready_line="started successfully",
        timeout=60,
    )
    try:
        event = sealed("belastingdienst", CONFIRMED_EVERYWHERE, keys_dir)
        await publish_instruction(kafka_bootstrap, event)
        (answer,) = await answers_to(kafka_bootstrap, event)
        assert answer["type"] == "nl.maatwerk.opschorting.bevestigd.v1"
        assert re.fullmatch(r"BD-IS-[0-9]{4}-[0-9]{6}", answer["data"]["referentie"])
        await asyncio.sleep(0.5)
        for process in (connector, simulator):
            assert CONFIRMED_EVERYWHERE not in process.output()
            assert json.dumps(CONFIRMED_EVERYWHERE) not in process.output()
    finally:
        connector.terminate()
        simulator.terminate()
