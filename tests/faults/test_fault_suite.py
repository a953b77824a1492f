"""The project's own fault suite: under a steady load of loket time-outs, kill -9 the hub and a
connector, freeze a back-office, restart the broker, and inject hostile records of every kind;
then count orders lost, applied twice and stuck, and records dead-lettered. Any loss, duplicate
or stall fails.

Short in ``make test`` (each fault once: kill -9 of the hub and of a connector, a frozen
back-office, a broker restart, hostile records). The full variants (more orders, every fault three
rounds, 20 s freezes) and the long broker outage are marked ``slow``: ``make test-slow`` runs them
(``make test-faults`` runs the whole suite). The tables are printed (``-s``, or with the failure).
"""

from __future__ import annotations

import asyncio
import time

import pytest

from schemas.topics import catalogue
from tests.faults.conftest import BOTH_SCALES, Scale
from tests.support.faults import (
    FAULT_CHAIN,
    STORING,
    FaultStack,
    Load,
    Order,
    count,
    dead_letters,
    produce_hostile,
    settle,
    unaccounted,
)
from tests.support.loket import casus_body, opschorting_body

pytestmark = [pytest.mark.e2e, pytest.mark.faults]

DEAD_LETTER_TOPIC = "maatwerk.deadletter.hub.v1"
"""The hub's own: the answers' hostile records are dead-lettered after those put on it."""
HOSTILE_AGENCY = "duo"


async def pace(load: Load, more: int) -> None:
    """Let the load go on for ``more`` orders before the next fault (pacing, not an assertion)."""
    await asyncio.sleep(more * load.interval)


def report(title: str, stack: FaultStack, tally_table: str) -> str:
    text = f"\n{title}\n{tally_table}\n  (logs: {stack.logs})"
    print(text)
    (stack.root / "counts.txt").open("a").write(text + "\n")
    return text


@BOTH_SCALES
async def test_process_faults_lose_nothing(stack: FaultStack, scale: Scale):
    load = Load(stack, orders=scale.orders, interval=scale.interval)
    async with load.running():
        for round_ in range(scale.rounds):
            await pace(load, 4)
            await stack.kill_hub()
            await pace(load, 4)
            await stack.kill_connector(FAULT_CHAIN[round_ % len(FAULT_CHAIN)])
            await pace(load, 4)
            await stack.freeze(FAULT_CHAIN[(round_ + 1) % len(FAULT_CHAIN)], scale.freeze_seconds)
            await pace(load, 4)
            await stack.restart_broker()
    await settle(stack, stack.orders, scale.settle_seconds)
    tally = await count(stack, stack.orders)
    text = report(f"fault suite ({scale.name}): process faults", stack, tally.table(stack.faults))
    assert tally.ok, tally.failures() + text


CATCHING_UP = "belastingdienst"
PRODUCER_TIMEOUT = 40
"""aiokafka's ``request_timeout_ms`` (the connectors keep its default): a batch waiting this long
for a partition without a leader expires."""
SHUTDOWN_LEAD = 0.5
"""Seconds between asking the broker to stop and letting the back-office go."""


@pytest.mark.slow  # the broker is held down 45 s: a long outage
async def test_a_broker_down_while_a_frozen_backoffice_catches_up_stalls_nothing(
    stack: FaultStack, scale: Scale
):
    """The stall the full suite once met (42 orders pending at the Belastingdienst after a
    freeze and a broker restart). Orders come in while a back-office is frozen; the moment it is
    let go its connector publishes the answers to the backlog, and the broker is stopped then and
    kept down longer than the producer's request timeout: an answer caught by the shutdown
    expires after it got its sequence number, which used to leave the connector's producer
    refused on that partition for good. Every order must still be answered.

    The orders are all placed before the broker stops (the load does not go on while it is
    down), so what is left to do afterwards is small and the settle bounds a stall, not a
    machine's speed."""
    load = Load(stack, orders=20, interval=scale.interval)
    seconds = 20 * scale.interval + 2
    let_go = time.monotonic() + seconds
    frozen = asyncio.create_task(stack.freeze(CATCHING_UP, seconds))
    async with load.running():
        pass  # the load places its orders, all while the back-office is frozen
    # The broker's shutdown starts just as the back-office is let go: it takes the partitions'
    # leaders away while the connector publishes the answers to its backlog.
    await asyncio.sleep(max(0.0, let_go - SHUTDOWN_LEAD - time.monotonic()))
    stopped = asyncio.create_task(stack.restart_broker(down=PRODUCER_TIMEOUT + 5))
    await frozen
    await stopped
    await settle(stack, stack.orders, scale.settle_seconds)
    tally = await count(stack, stack.orders)
    text = report(
        f"fault suite ({scale.name}): broker down while {CATCHING_UP} catches up",
        stack,
        tally.table(stack.faults)
        + f"\n  producers replaced so far  {stack.log_count('kafka producer replaced'):>7}",
    )
    assert tally.ok, tally.failures() + text


async def test_an_order_with_10000_claims_is_refused_at_the_door(stack: FaultStack):
    async with stack.client(timeout=30) as client:
        casus = await client.post("/api/v1/casussen", json=casus_body("999990019"))
        assert casus.status_code == 201, casus.text
        claims = {"cjib": [f"ZAAK-{n:05d}" for n in range(10_000)]}
        ordered = await client.post(
            f"/api/v1/casussen/{casus.json()['casus_id']}/opschortingen",
            json=opschorting_body(*FAULT_CHAIN, vorderingen=claims),
        )
    assert 400 <= ordered.status_code < 500, ordered.status_code


@BOTH_SCALES
async def test_hostile_records_are_dead_lettered_and_stall_nothing(stack: FaultStack, scale: Scale):
    """Every hostile kind on every partition of an instruction topic, an answer topic and the
    dead-letter topic, and an order whose back-office answers 500, under load: each record is
    dead-lettered with a reason, the faulty link is ``undeliverable`` and its instruction
    dead-lettered ``backoffice-fout``, and every order placed after them completes."""
    topics = {t.name for t in catalogue()}
    targets = [
        DEAD_LETTER_TOPIC,  # first: the dead letters below must get past them in the list
        f"maatwerk.opschorting.instructie.{HOSTILE_AGENCY}.v1",
        f"maatwerk.opschorting.antwoord.{HOSTILE_AGENCY}.v1",
    ]
    assert set(targets) <= topics
    load = Load(stack, orders=max(10, scale.orders // 2), interval=scale.interval)
    async with load.running():
        await pace(load, 2)
        hostile = await produce_hostile(stack.broker, targets)
        faulty = await load.place(Order(len(stack.orders), storing=stack.faulty_agency))
        assert faulty.acknowledged, faulty.statuses
    await settle(stack, stack.orders, scale.settle_seconds)

    deadline = time.monotonic() + scale.settle_seconds
    listed = await dead_letters(stack)
    while unaccounted(hostile, listed, DEAD_LETTER_TOPIC) and time.monotonic() < deadline:
        await asyncio.sleep(0.5)
        listed = await dead_letters(stack)
    missing = unaccounted(hostile, listed, DEAD_LETTER_TOPIC)
    tally = await count(stack, stack.orders)
    assert faulty.final is not None
    faulty_link = next(
        link for link in faulty.final["keten"] if link["uitvoerder"] == stack.faulty_agency
    )
    by_event = {d["event_id"]: d for d in listed if d.get("event_id")}
    text = report(
        f"fault suite ({scale.name}): hostile records ({len(hostile)} produced; "
        f"order with claim {STORING} at {stack.faulty_agency})",
        stack,
        tally.table(stack.faults) + f"\n  hostile records unaccounted  {len(missing):>7}",
    )
    assert not missing, f"{missing}{text}"
    assert faulty_link["status"] == "undeliverable", faulty_link
    assert (by_event.get(faulty_link["instructie_id"]) or {}).get("redencode") == (
        "backoffice-fout"
    ), by_event.get(faulty_link["instructie_id"])
    assert tally.ok, tally.failures() + text
