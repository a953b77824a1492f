"""One trace from the loket to the agency's back-office and back, every part a real process; and
every process's log lines are JSON, with the trace and casus ids, never a BSN."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from schemas.topics import opschorting_antwoord_topic
from schemas.tracing import TRACEPARENT, trace_id_of
from tests.integration.hub.test_hub_on_kafka import read_matching
from tests.support.loket import casus_body, opschorting_body

pytestmark = pytest.mark.e2e

BSN = "999990019"
"""Seeded at every simulator, claims not under appeal: the chain confirms."""
TRACE = "5b8efff798038103d269b633813fc60c"
INCOMING = f"00-{TRACE}-eee19b7ec3c1b174-01"


def json_lines(path: Path) -> list[dict]:
    """Every line of a process's log, each of which must be one JSON object."""
    lines = []
    for number, text in enumerate(path.read_text().splitlines(), 1):
        if text.strip():
            try:
                lines.append(json.loads(text))
            except ValueError:
                pytest.fail(f"{path.name}:{number} is not JSON: {text[:200]}")
    return lines


async def line_when(path: Path, matches, within: float = 20.0) -> dict:
    async with asyncio.timeout(within):
        while True:
            found = [line for line in json_lines(path) if matches(line)]
            if found:
                return found[0]
            await asyncio.sleep(0.1)


async def test_the_loket_traceparent_reaches_the_back_office_and_comes_back(stack, kafka_bootstrap):
    async with stack.client(timeout=10) as client:
        casus = (await client.post("/api/v1/casussen", json=casus_body(BSN))).json()
        casus_id = casus["casus_id"]
        ordered = await client.post(
            f"/api/v1/casussen/{casus_id}/opschortingen",
            json=opschorting_body("cjib"),
            headers={TRACEPARENT: INCOMING},
        )
        assert ordered.status_code == 201, ordered.text
        url = f"/api/v1/opschortingen/{ordered.json()['opschorting_id']}"
        async with asyncio.timeout(60):
            while True:
                if (await client.get(url)).json()["status"] != "pending":
                    break
                await asyncio.sleep(0.1)

    # The answer record carries the trace back to the hub.
    (answer,) = await read_matching(
        kafka_bootstrap, opschorting_antwoord_topic("cjib").name, casus_id, 1
    )
    assert trace_id_of(dict(answer.headers)[TRACEPARENT].decode()) == TRACE

    logs = stack.logs
    # The connector's back-office call carried it: the simulator saw it.
    await line_when(
        logs / "simulator-cjib.log",
        lambda line: line.get("trace_id") == TRACE and line.get("method") == "POST",
    )
    # The connector's and the hub's lines of this order: that trace, that casus.
    connector = await line_when(
        logs / "connector-cjib.log",
        lambda line: line["event"] == "instruction answered" and line.get("casus_id") == casus_id,
    )
    assert connector["trace_id"] == TRACE and connector["event_id"]
    assert connector["level"] == "info" and connector["timestamp"] and connector["logger"]
    hub = await line_when(
        logs / "hub.log",
        lambda line: line["event"] == "answer processed" and line.get("casus_id") == casus_id,
    )
    assert hub["trace_id"] == TRACE and hub["event_id"] and hub["span_id"]

    for name in ("hub.log", "connector-cjib.log", "simulator-cjib.log"):
        assert BSN not in (logs / name).read_text(), name
