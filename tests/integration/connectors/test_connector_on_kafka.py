"""Connectors against a real broker and a simulator running as a real process.

Each connector here consumes under its own consumer group (``connector-<agency>-it-<random>``), so
a connector of another test in the same session (e2e) never takes its partitions. Instructions are
sealed with a key pair made for this module, so only this module's connectors can open them.
"""

from __future__ import annotations

import asyncio
import json
import re
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from connectors.base.runtime import antwoord_event_id
from schemas import deadletter as dl
from schemas.topics import instructie_topic, principal
from tests.integration.connectors.steun import (
    SNEL,
    answers_so_far,
    answers_to,
    connector_in_process,
    dead_letter_for,
    headers,
    publish,
    publish_instruction,
    sealed,
    start_simulator,
    suspensions,
)
from tests.support.processes import console_script, free_port, start_process
from tests.support.stack import tls_env

pytestmark = pytest.mark.kafka

CONFIRMED_EVERYWHERE = "999990019"
ALL_CJIB_CLAIMS_UNDER_APPEAL = "999990032"


# ------------------------------------------------------------------------------ fixtures


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
    assert h[dl.HEADER_REASON_CODE] == "ongeldig-bericht"
    assert h[dl.HEADER_REASON].startswith("ongeldig-bericht: ")
    assert h[dl.HEADER_ORIGIN_TOPIC] == topic
    assert h[dl.HEADER_ORIGIN_PARTITION] == str(meta.partition)
    assert h[dl.HEADER_ORIGIN_OFFSET] == str(meta.offset)
    assert h[dl.HEADER_FAILED_BY] == principal("cjib")  # User:<OIN of the CJIB>
    assert h[dl.HEADER_CONSUMER] == "connector-cjib"
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
    waits: list[float] = []
    redelivered = asyncio.Event()

    async def slaap(seconds: float) -> None:
        waits.append(seconds)
        if len(waits) > SNEL.pogingen:  # every attempt of a round failed, the record came back
            redelivered.set()
        await asyncio.sleep(seconds)

    async with connector_in_process("duo", kafka_bootstrap, keys_dir, url, slaap=slaap):
        await publish_instruction(kafka_bootstrap, event)
        async with asyncio.timeout(45):
            await redelivered.wait()
        assert await answers_so_far(kafka_bootstrap, event) == []
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
            **tls_env("CONNECTOR_", "belastingdienst"),
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
        connector.wait_for_line("instruction answered")
    finally:
        connector.terminate()
        simulator.terminate()
    for process in (connector, simulator):  # stopped: their output is complete
        assert CONFIRMED_EVERYWHERE not in process.output()
        assert json.dumps(CONFIRMED_EVERYWHERE) not in process.output()
