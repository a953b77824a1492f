"""The API serves a request on its event loop: no dependency hands it to a worker thread; nor does
the answer consumer hand a batch of answers to one.

FastAPI runs a dependency that is a plain function (``def``) in anyio's worker threads: the
request waits for a thread to be woken, to take the interpreter lock, and for the event loop to be
woken back. The hub's dependencies (the hub itself, the proven caller and its role) read one
attribute each: on a busy machine each hand-over cost the order's ``POST`` and every poll of the
loket a wait of a scheduler slice, twice. They are ``async`` now.
"""

from __future__ import annotations

from typing import Any

import anyio.to_thread
import pytest
from aiokafka import ConsumerRecord

from schemas.topics import opschorting_antwoord_topic
from simulators import AGENCIES
from tests.api.hub.test_api import answer_event, order, status, submit_casus


@pytest.fixture
def hand_overs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What of the hub's own code is handed to a worker thread, by name, while the test runs
    (the test's in-memory broker hands FastStream's own work to threads too: not the API's)."""
    seen: list[str] = []
    run_sync = anyio.to_thread.run_sync

    async def counted(func: Any, *args: Any, **kwargs: Any) -> Any:
        inner = getattr(func, "func", func)
        if getattr(inner, "__module__", "").startswith("hub."):
            seen.append(getattr(inner, "__qualname__", type(inner).__qualname__))
        return await run_sync(func, *args, **kwargs)

    monkeypatch.setattr(anyio.to_thread, "run_sync", counted)
    return seen


async def test_an_order_and_its_polls_use_no_worker_thread(loket, hand_overs):
    casus_id = await submit_casus(loket)
    chain = await order(loket)
    polled = await loket.get(f"/api/v1/opschortingen/{chain['opschorting_id']}")
    listed = await loket.get("/api/v1/casussen")
    shown = await loket.get(f"/api/v1/casussen/{casus_id}")

    assert [r.status_code for r in (polled, listed, shown)] == [200, 200, 200]
    assert hand_overs == []


async def test_a_caller_without_the_role_is_refused_on_the_loop(loket, clients, hand_overs):
    refused = await clients(loket.app, "cjib").post("/api/v1/casussen", json={})

    assert refused.status_code == 403
    assert hand_overs == []


async def test_the_answer_consumer_records_a_batch_without_a_worker_thread(loket, monkeypatch):
    """The hub's answer consumer reads its batch from the broker's context, not from a
    ``KafkaMessage`` parameter (which FastStream resolves in a worker thread, once per batch)."""
    chain = await order(loket)
    broker = loket.broker
    topics = [opschorting_antwoord_topic(a).name for a in AGENCIES]
    subscriber = next(s for s in broker.subscribers if topics[0] in getattr(s, "topic_names", []))
    batch = tuple(
        ConsumerRecord(
            topic=topic,
            partition=0,
            offset=n,
            timestamp=0,
            timestamp_type=0,
            key=chain["casus_id"].encode(),
            value=answer_event(chain, agency).to_bytes(),
            checksum=None,
            serialized_key_size=0,
            serialized_value_size=0,
            headers=(),
        )
        for n, (agency, topic) in enumerate(zip(AGENCIES, topics, strict=True))
    )
    seen: list[str] = []
    run_sync = anyio.to_thread.run_sync

    async def counted(func: Any, *args: Any, **kwargs: Any) -> Any:
        if broker.context.get_local("handler_") is subscriber:
            inner = getattr(func, "func", func)
            seen.append(getattr(inner, "__qualname__", type(inner).__qualname__))
        return await run_sync(func, *args, **kwargs)

    monkeypatch.setattr(anyio.to_thread, "run_sync", counted)
    await subscriber.process_message(batch)

    assert (await status(loket, chain))["status"] == "confirmed"
    assert seen == []
