"""Helpers for connector tests on a real broker: simulators as processes, a connector in this
process, publishing instructions and reading answers, dead letters and the simulator's admin API.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from pathlib import Path
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.structs import ConsumerRecord, RecordMetadata, TopicPartition
from faststream.kafka import KafkaBroker

from connectors.base.backoffice import Backoffice, BackofficeClient
from connectors.base.koppeling import laad_koppeling
from connectors.base.runtime import Herhaalbeleid, bouw_broker
from connectors.base.settings import ConnectorSettings
from connectors.base.sleutels import laad_private_key
from schemas import CONTENT_TYPE, CloudEvent
from schemas.topics import (
    AFLEVERING_MISLUKT,
    Topic,
    dead_letter_topics,
    instructie_topic,
    opschorting_antwoord_topic,
)
from tests.support.kafka import client_kwargs, consume_until, decode_event, kafka_tls
from tests.support.processes import ManagedProcess, console_script, start_process
from tests.unit.connectors.berichten import instructie

SNEL = Herhaalbeleid(pogingen=2, eerste_wachttijd=0.2, max_wachttijd=0.5)


def start_simulator(agency: str, port: int, logs: Path) -> ManagedProcess:
    return start_process(
        f"simulator-{agency}-{port}",
        [console_script("maatwerk-simulator"), "run", "--agency", agency, "--port", str(port)],
        log_dir=logs,
        health_url=f"http://127.0.0.1:{port}/health",
    )


@contextlib.asynccontextmanager
async def connector_in_process(
    agency: str,
    bootstrap: str,
    keys_dir: Path,
    backoffice_url: str,
    slaap: Callable[[float], Awaitable[None]] = asyncio.sleep,
    *,
    vanaf_einde: bool = False,
) -> AsyncIterator[KafkaBroker]:
    """The agency's connector under a consumer group of its own; with ``vanaf_einde`` that group
    starts at the current end of the agency's topics (records of earlier tests are not read).
    Yields its (started) broker."""
    koppeling = laad_koppeling(agency)
    group_id = f"{koppeling.naam}-it-{uuid.uuid4().hex[:8]}"
    if vanaf_einde:
        await _commit_at_end(bootstrap, group_id, koppeling.topics)
    backoffice: contextlib.AbstractAsyncContextManager[Backoffice] = (
        BackofficeClient(base_url=backoffice_url, timeout=5.0)
        if koppeling.maak_backoffice is None  # the agency's own way there (gemeente: a router)
        else koppeling.maak_backoffice(
            ConnectorSettings(backoffice_url=backoffice_url, request_timeout=5.0)
        )
    )
    async with backoffice as client:
        broker = bouw_broker(
            koppeling=koppeling,
            client=client,
            sleutel=laad_private_key(keys_dir, agency),
            bootstrap_servers=bootstrap,
            tls=kafka_tls(agency),  # the agency's own certificate: its ACLs, nothing more
            herhaalbeleid=SNEL,
            group_id=group_id,
            slaap=slaap,
        )
        await broker.start()
        try:
            yield broker
        finally:
            await broker.stop()


async def _commit_at_end(bootstrap: str, group_id: str, topics: Iterable[Topic]) -> None:
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, group_id=group_id, enable_auto_commit=False, **client_kwargs()
    )
    await consumer.start()
    try:
        partitions = [TopicPartition(t.name, p) for t in topics for p in range(t.partitions)]
        consumer.assign(partitions)
        end = await consumer.end_offsets(partitions)
        await consumer.commit(dict(end))
    finally:
        await consumer.stop()


async def publish(bootstrap: str, topic: str, value: bytes, key: bytes | None) -> RecordMetadata:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, **client_kwargs())
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
        opschorting_antwoord_topic(event.data.uitvoerder).name,
        lambda answer: (
            answer.get("type") != AFLEVERING_MISLUKT
            and answer.get("data", {}).get("instructie_id") == event.id
        ),
        seconds,
        count=count,
    )


async def answers_so_far(bootstrap: str, event: CloudEvent[Any]) -> list[dict[str, Any]]:
    """The answers to ``event`` on the answer topic now: read up to its current end, no waiting
    for what might come."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap,
        group_id=f"maatwerk-tests-{uuid.uuid4()}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        **client_kwargs(),
    )
    await consumer.start()
    try:
        antwoorden = opschorting_antwoord_topic(event.data.uitvoerder)
        partitions = [
            TopicPartition(antwoorden.name, p)
            for p in range(antwoorden.partitions)  # created from the catalogue
        ]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        end = await consumer.end_offsets(partitions)
        found: list[dict[str, Any]] = []
        while [tp for tp in partitions if await consumer.position(tp) < end[tp]]:
            for records in (await consumer.getmany(*partitions, timeout_ms=500)).values():
                for record in records:
                    answer = decode_event(record.value) or {}  # hostile records too
                    if answer.get("type") == AFLEVERING_MISLUKT:
                        continue  # a report of delivery trouble, not an answer
                    if answer.get("data", {}).get("instructie_id") == event.id:
                        found.append(answer)
        return found
    finally:
        await consumer.stop()


async def dead_letter_for(
    bootstrap: str, match: Callable[[ConsumerRecord[bytes, bytes]], bool], seconds: float = 45.0
) -> ConsumerRecord[bytes, bytes]:
    consumer = AIOKafkaConsumer(
        *(t.name for t in dead_letter_topics()),
        bootstrap_servers=bootstrap,
        group_id=f"maatwerk-tests-{uuid.uuid4()}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        **client_kwargs(),
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
        raise TimeoutError(f"no matching record on a dead-letter topic within {seconds}s")
    finally:
        await consumer.stop()


async def dead_letters_so_far(
    bootstrap: str, match: Callable[[ConsumerRecord[bytes, bytes]], bool]
) -> list[ConsumerRecord[bytes, bytes]]:
    """The matching records on the dead-letter topic now: read up to its current end, no waiting
    for what might come."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap,
        group_id=f"maatwerk-tests-{uuid.uuid4()}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        **client_kwargs(),
    )
    await consumer.start()
    try:
        partitions = [
            TopicPartition(t.name, p) for t in dead_letter_topics() for p in range(t.partitions)
        ]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        end = await consumer.end_offsets(partitions)
        found: list[ConsumerRecord[bytes, bytes]] = []
        while [tp for tp in partitions if await consumer.position(tp) < end[tp]]:
            for records in (await consumer.getmany(*partitions, timeout_ms=500)).values():
                found.extend(r for r in records if match(r))
        return found
    finally:
        await consumer.stop()


def headers(record: ConsumerRecord[bytes, bytes]) -> dict[str, str]:
    return {k: (v or b"").decode("utf-8", "replace") for k, v in record.headers}


async def suspensions(url: str) -> list[dict[str, Any]]:
    async with httpx.AsyncClient(base_url=url, timeout=5) as client:
        body = (await client.get("/_simulator/opschortingen")).json()
    assert body["aantal"] == len(body["opschortingen"])
    return list(body["opschortingen"])


def sealed(agency: str, bsn: str, keys_dir: Path, **kwargs: Any) -> CloudEvent[Any]:
    """An instruction for ``bsn``; for a connector that serves many organisations (gemeente) it
    names the one its test persons are at, unless ``gemeente`` is given."""
    publiek = laad_private_key(keys_dir, agency).public_key()
    kwargs.setdefault("gemeente", laad_koppeling(agency).proefpersonen.gemeente)
    return instructie(agency, [bsn], publiek, **kwargs)
