"""An idle batch consumer waits on the broker and never pauses between looks: the hub's answer
consumer and every connector's instruction consumer (``schemas.batch_subscriber``).

FastStream's own batch subscriber sleeps after a look that found nothing; with the 20 ms the two
consumers had, an idle process woke about 25 times a second per subscriber, and a record that
arrived during the sleep waited for it. Here the consume loop runs on a stand-in consumer that
finds nothing a few times and then stops: every look must wait long on the broker (aiokafka
returns as soon as any record is there) and no sleep may come between them. The same on the
real broker: ``tests/integration/connectors/test_idle_on_kafka.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import anyio
import httpx
import pytest
from aiokafka.errors import ConsumerStoppedError
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.subscriber.usecase import BatchSubscriber, DefaultSubscriber

from connectors.base.backoffice import BackofficeClient
from connectors.base.runtime import bouw_broker
from connectors.cjib import KOPPELING
from hub.adapters.metrics import HubMetrics
from hub.entrypoints.stream import register_handlers
from schemas.batch_subscriber import IDLE_WAIT_MS, WaitingBatchSubscriber, waits_for_records
from tests.unit.connectors.berichten import sleutel

LOOKS = 5


class IdleConsumer:
    """Finds nothing ``LOOKS`` times, then is stopped (the consume loop ends there)."""

    def __init__(self) -> None:
        self.waits: list[int] = []

    async def getmany(self, *partitions: Any, timeout_ms: int = 0, **_: Any) -> dict[Any, Any]:
        if len(self.waits) == LOOKS:
            raise ConsumerStoppedError()
        self.waits.append(timeout_ms)
        return {}


def hub_broker() -> KafkaBroker:
    broker = KafkaBroker("127.0.0.1:1")
    register_handlers(
        broker,
        lambda: pytest.fail("an idle consumer needs no hub"),
        "hub",
        HubMetrics(),
        antwoord_topics=["maatwerk.opschorting.antwoord.cjib.v1"],
    )
    return broker


def connector_broker() -> KafkaBroker:
    client = BackofficeClient(
        base_url="http://cjib.test", transport=httpx.MockTransport(lambda _: httpx.Response(500))
    )
    return bouw_broker(
        koppeling=KOPPELING, client=client, sleutel=sleutel(), bootstrap_servers="127.0.0.1:1"
    )


@pytest.mark.parametrize(
    "build", [hub_broker, connector_broker], ids=["hub-antwoorden", "connector-instructies"]
)
async def test_an_idle_batch_consumer_waits_on_the_broker_and_never_pauses(
    build: Callable[[], KafkaBroker], monkeypatch: pytest.MonkeyPatch
) -> None:
    broker = build()
    (subscriber,) = [s for s in broker.subscribers if isinstance(s, BatchSubscriber)]
    pauses: list[float] = []

    async def pause(seconds: float) -> None:
        pauses.append(seconds)

    monkeypatch.setattr(anyio, "sleep", pause)  # what FastStream's batch subscriber sleeps with
    consumer = IdleConsumer()
    subscriber.running = True
    await subscriber._run_consume_loop(consumer)  # type: ignore[arg-type]

    assert pauses == []
    assert consumer.waits == [IDLE_WAIT_MS] * LOOKS


def test_only_a_faststream_batch_subscriber_is_made_to_wait() -> None:
    broker = KafkaBroker("127.0.0.1:1")
    batch = broker.subscriber("a.v1", group_id="g", batch=True, ack_policy=AckPolicy.MANUAL)
    one = broker.subscriber("b.v1", group_id="g", ack_policy=AckPolicy.MANUAL)

    waiting = waits_for_records(batch, wait_ms=1500)

    assert waiting is batch
    assert isinstance(waiting, WaitingBatchSubscriber)
    assert waiting.batch_timeout_ms == 1500
    assert isinstance(one, DefaultSubscriber)
    with pytest.raises(TypeError):
        waits_for_records(one)  # type: ignore[arg-type]
