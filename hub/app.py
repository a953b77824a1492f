"""The hub process: the loket API, the answer consumer and the outbox relay, in one lifespan."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence
from typing import Any

from fastapi import FastAPI
from faststream.kafka import KafkaBroker

from hub.adapters import expiry
from hub.adapters.metrics import HubMetrics
from hub.adapters.outbox import Outgoing
from hub.bootstrap import Hub, build_hub
from hub.entrypoints import casus_api, ops
from hub.entrypoints.api import install_error_handlers, router
from hub.entrypoints.stream import register_handlers
from hub.service.wijziging import verloop_opschortingen
from hub.settings import Settings, get_settings


async def _settle(pending: list[asyncio.Future[Any] | None]) -> list[BaseException | None]:
    """Wait for the broker's acknowledgements: per message ``None`` or the error.

    A ``None`` in ``pending`` is a message with nothing to wait for: FastStream's in-memory test
    broker delivers at once and returns no future.
    """
    results = iter(
        await asyncio.gather(*(p for p in pending if p is not None), return_exceptions=True)
    )
    outcomes: list[BaseException | None] = []
    for future in pending:
        result = None if future is None else next(results)
        outcomes.append(result if isinstance(result, BaseException) else None)
    return outcomes


def create_broker(settings: Settings) -> KafkaBroker:
    """The hub's Kafka client. Nothing connects until ``start()``."""
    return KafkaBroker(
        settings.kafka_bootstrap_servers,
        enable_idempotence=True,
        acks="all",
        client_id="maatwerk-hub",
    )


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    broker = create_broker(settings)
    metrics = HubMetrics()

    def current_hub() -> Hub:
        hub: Hub = app.state.hub
        return hub

    register_handlers(broker, current_hub, settings.consumer_group, metrics)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        hub = await build_hub(settings)

        async def publish(batch: Sequence[Outgoing]) -> list[BaseException | None]:
            outcomes = await publish_batch(batch)
            metrics.record_publish(outcomes)
            return outcomes

        async def publish_batch(batch: Sequence[Outgoing]) -> list[BaseException | None]:
            pending: list[asyncio.Future[Any] | None] = []
            for message in batch:
                try:
                    pending.append(
                        await broker.publish(
                            message.value,
                            message.topic,
                            key=message.key,
                            headers=message.headers,
                            no_confirm=True,
                        )
                    )
                except Exception as exc:  # not even queued: this and the rest wait
                    failed: list[BaseException | None] = [exc] * (len(batch) - len(pending))
                    return [*await _settle(pending), *failed]
            return await _settle(pending)

        relay = hub.attach_relay(publish)
        app.state.hub = hub
        await broker.start()
        tasks = [
            asyncio.create_task(relay.run(), name="outbox-relay"),
            asyncio.create_task(
                expiry.watch(
                    lambda: verloop_opschortingen(hub.uow(), hub.deps),
                    settings.expiry_check_seconds,
                ),
                name="expiry-watcher",
            ),
        ]
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await broker.stop()
            await hub.close()

    app = FastAPI(
        title="maatwerk-hub",
        version="0.1.0",
        summary="The loket's API: casus, time-out orders and their chain status.",
        lifespan=lifespan,
    )
    app.state.broker = broker
    app.state.metrics = metrics
    install_error_handlers(app)
    app.include_router(casus_api.router)
    app.include_router(router)
    app.include_router(ops.router)
    app.include_router(ops.pages)

    @app.get("/health", tags=["ops"])
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    return app
