"""The hub's Kafka client and the outbox relay's publisher on it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from typing import Any

from aiokafka.errors import (
    InvalidTopicError,
    MessageSizeTooLargeError,
    RecordListTooLargeError,
    RecordTooLargeError,
)
from faststream.kafka import KafkaBroker
from faststream.security import BaseSecurity

from hub.adapters.outbox import NotAttempted, Outgoing, Undeliverable
from hub.adapters.telemetry import broker_middleware, traced_from
from hub.settings import Settings
from schemas.logs import BROKER_LOGGER
from schemas.producer import VerseProducer

NEVER_DELIVERABLE: tuple[type[BaseException], ...] = (
    MessageSizeTooLargeError,
    RecordTooLargeError,
    RecordListTooLargeError,
    InvalidTopicError,
)
"""Errors that say this message will never be accepted as it is, however often it is tried."""


def _no_correlation_id() -> str:
    return ""


def create_broker(settings: Settings) -> KafkaBroker:
    """The hub's Kafka client. Nothing connects until ``start()``.

    FastStream puts a random ``correlation_id`` header on every record it publishes unless the
    id generator gives an empty one: the hub's records carry only their content type (the
    CloudEvent, with its id, is the value: structured mode).

    Its telemetry middleware continues a consumed record's trace from its ``traceparent`` header
    and puts the current trace context on every record it publishes (``hub.adapters.telemetry``).

    With the settings' certificate it connects over TLS as itself: the broker makes the OIN in
    that certificate its principal and allows only what the catalogue's ACLs give the hub.
    """
    tls = settings.kafka_tls
    return KafkaBroker(
        settings.kafka_bootstrap_servers.split(","),  # a cluster: host:port,host:port,...
        security=None if tls is None else BaseSecurity(ssl_context=tls.context()),
        enable_idempotence=True,
        acks="all",
        client_id="maatwerk-hub",
        id_generator=_no_correlation_id,
        middlewares=[broker_middleware()],
        logger=logging.getLogger(BROKER_LOGGER),  # through the process's log configuration
    )


def _classified(error: BaseException) -> BaseException:
    if isinstance(error, NEVER_DELIVERABLE):
        undeliverable = Undeliverable(f"{type(error).__name__}: {error}")
        undeliverable.__cause__ = error
        return undeliverable
    return error


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
        outcomes.append(_classified(result) if isinstance(result, BaseException) else None)
    return outcomes


class KafkaPublisher:
    """Publishes an outbox batch: every message is queued first, then all acknowledgements are
    awaited together (one round trip per partition batch, not per message). A message the
    client refuses at once (too large) fails alone, but the later ones of its key in the batch
    are not tried (:class:`NotAttempted`): order per casus holds, and the relay holds them behind
    the dead row."""

    def __init__(
        self,
        broker: KafkaBroker,
        *,
        on_outcomes: Callable[[Sequence[BaseException | None]], None] | None = None,
    ) -> None:
        self._broker = broker
        self._on_outcomes = on_outcomes
        self._producer = VerseProducer.van(broker)

    async def __call__(self, batch: Sequence[Outgoing]) -> list[BaseException | None]:
        # A message that failed may have left a gap in the producer's sequence numbers, which
        # would block its partition for good: the next batch goes through a fresh producer.
        try:
            await self._producer.gereed()
        except Exception as exc:  # the broker away: as when the first message cannot be queued
            skipped = NotAttempted(f"no producer: {exc}")
            outcomes: list[BaseException | None] = [exc, *[skipped] * (len(batch) - 1)]
        else:
            outcomes = await self._publish(batch)
        if any(o is not None and not isinstance(o, NotAttempted) for o in outcomes):
            self._producer.verdacht()
        if self._on_outcomes is not None:
            self._on_outcomes(outcomes)
        return outcomes

    async def _publish(self, batch: Sequence[Outgoing]) -> list[BaseException | None]:
        pending: list[asyncio.Future[Any] | None] = []
        refused: dict[int, BaseException] = {}
        refused_keys: set[bytes] = set()
        for position, message in enumerate(batch):
            if message.key in refused_keys:
                refused[position] = NotAttempted("an earlier message of its key was refused")
                pending.append(None)
                continue
            try:
                with traced_from(message.headers):  # the row's trace: the record continues it
                    published = await self._broker.publish(
                        message.value,
                        message.topic,
                        key=message.key,
                        headers=dict(message.headers),
                        no_confirm=True,
                    )
                pending.append(published)
            except NEVER_DELIVERABLE as exc:  # this one only (too large): go on with the rest
                refused[position] = _classified(exc)
                refused_keys.add(message.key)
                pending.append(None)
            except Exception as exc:  # not even queued (broker away): the rest wait their turn
                settled = await _settle(pending)
                for earlier, error in refused.items():
                    settled[earlier] = error
                skipped = NotAttempted(f"an earlier message failed: {exc}")
                rest = len(batch) - position - 1
                return [*settled, exc, *[skipped] * rest]
        settled = await _settle(pending)
        for position, error in refused.items():
            settled[position] = error
        return settled
