"""A batch of records is handled on the event loop: no hand-over to a worker thread per batch.

The hub's answer consumer and every connector's instruction consumer read their batch's records
from the message FastStream is handling. Asked for as a ``KafkaMessage`` parameter, FastStream
resolved it through a context field whose ``use`` is a plain function, and fast_depends ran that
in a worker thread: a hand-over to a thread and back on every batch, on the path of every
instruction and every answer. They read it from the broker's context now
(``schemas.batch_subscriber.handled_message``).

Only what is handed over while a consumer's own handler runs counts: the tests' own capture
subscribers still ask for the message as a parameter.
"""

from __future__ import annotations

from typing import Any

import anyio.to_thread
import pytest
import structlog
from faststream.kafka import KafkaBroker, TestKafkaBroker

from schemas import parse_event
from tests.support.records import record_of
from tests.unit.connectors.test_runtime import TOPIC, Backoffice, Opstelling


def _record(offset: int, event: Any, topic: str = TOPIC) -> Any:
    return record_of(event, offset, topic=topic)


@pytest.fixture(autouse=True)
def uncached_loggers() -> Any:
    """The connector logs as it answers: a logger it uses for the first time must not stay bound
    to whatever logging an earlier test of this process configured (``cache_logger_on_first_use``),
    or a later test that captures the connector's log lines finds none."""
    cached = structlog.get_config()["cache_logger_on_first_use"]
    structlog.configure(cache_logger_on_first_use=False)
    yield
    structlog.configure(cache_logger_on_first_use=cached)


def hand_overs(monkeypatch: pytest.MonkeyPatch, broker: KafkaBroker, topic: str) -> list[str]:
    """What is handed to a worker thread while the subscriber of ``topic`` handles a message."""
    seen: list[str] = []
    run_sync = anyio.to_thread.run_sync

    async def counted(func: Any, *args: Any, **kwargs: Any) -> Any:
        handler = broker.context.get_local("handler_")
        if topic in getattr(handler, "topic_names", ()):
            inner = getattr(func, "func", func)
            seen.append(getattr(inner, "__qualname__", type(inner).__qualname__))
        return await run_sync(func, *args, **kwargs)

    monkeypatch.setattr(anyio.to_thread, "run_sync", counted)
    return seen


async def test_a_connector_handles_a_batch_of_instructions_without_a_worker_thread(monkeypatch):
    opstelling = Opstelling(Backoffice())
    events = [opstelling.instructie() for _ in range(2)]
    seen = hand_overs(monkeypatch, opstelling.broker, TOPIC)
    async with TestKafkaBroker(opstelling.broker) as broker:
        subscriber = next(s for s in broker.subscribers if TOPIC in getattr(s, "topic_names", []))
        await subscriber.process_message(tuple(_record(i, e) for i, e in enumerate(events)))

    answered = {parse_event(a.value).data.instructie_id for a in opstelling.antwoorden}
    assert answered == {e.id for e in events}
    assert seen == []
