"""Everything written to the catalogue's topics while the kit runs, read by one consumer.

The kit reads every topic of the catalogue (dead-letter topics included) from its end at the
start, so it sees not only the answers it waits for but also anything the connector writes
where it should not (check "writes only its own topics") and every byte it wrote (check "no BSN
in clear"). Nothing is committed: the kit leaves no consumer group behind.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiokafka import AIOKafkaConsumer
from aiokafka.structs import TopicPartition

from schemas.topics import catalogue


@dataclass(frozen=True)
class Gelezen:
    """One record as read: where, when (the broker's timestamp, ms) and what."""

    topic: str
    partition: int
    offset: int
    timestamp_ms: int
    key: bytes | None
    value: bytes | None
    headers: tuple[tuple[str, bytes], ...]

    def event(self) -> dict[str, Any] | None:
        """The value as a CloudEvent dict, or None when it is not a JSON object."""
        try:
            decoded = json.loads(self.value or b"")
        except (UnicodeDecodeError, json.JSONDecodeError):
            return None
        return decoded if isinstance(decoded, dict) else None

    def header(self, naam: str) -> str | None:
        for k, v in self.headers:
            if k == naam:
                return (v or b"").decode("utf-8", "replace")
        return None

    def bytes(self) -> bytes:
        """Key, value and headers together: what a BSN search looks through."""
        delen = [self.key or b"", self.value or b""]
        delen.extend(k.encode() + b"=" + (v or b"") for k, v in self.headers)
        return b"\n".join(delen)


class Verzamelaar:
    """Reads all catalogue topics from their current end into :attr:`gelezen`."""

    def __init__(self, bootstrap: str, client_kwargs: dict[str, Any]) -> None:
        self._consumer = AIOKafkaConsumer(
            bootstrap_servers=bootstrap,
            enable_auto_commit=False,
            isolation_level="read_committed",
            **client_kwargs,
        )
        self.gelezen: list[Gelezen] = []
        self._taak: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self._consumer.start()
        bestaand = await self._consumer.topics()
        partitions = [
            TopicPartition(t.name, p)
            for t in {t.name: t for t in catalogue()}.values()
            if t.name in bestaand
            for p in range(t.partitions)  # created from the catalogue
        ]
        if not partitions:
            raise RuntimeError("none of the catalogue's topics exists on the broker")
        self._consumer.assign(partitions)
        await self._consumer.seek_to_end(*partitions)
        for tp in partitions:  # fix the start now, not at the first fetch
            await self._consumer.position(tp)
        self._taak = asyncio.create_task(self._lees())

    async def _lees(self) -> None:
        while True:
            batches = await self._consumer.getmany(timeout_ms=200)
            for records in batches.values():
                self.gelezen.extend(
                    Gelezen(
                        r.topic,
                        r.partition,
                        r.offset,
                        r.timestamp,
                        r.key,
                        r.value,
                        tuple(r.headers),
                    )
                    for r in records
                )

    async def stop(self) -> None:
        if self._taak is not None:
            self._taak.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._taak
        await self._consumer.stop()

    async def wacht(
        self, voorwaarde: Callable[[Gelezen], bool], aantal: int = 1, seconden: float = 30.0
    ) -> list[Gelezen]:
        """The first ``aantal`` records that match, waiting at most ``seconden``; fewer when the
        time is up (the caller says what that means)."""
        grens = time.monotonic() + seconden
        while True:
            gevonden = [g for g in self.gelezen if voorwaarde(g)]
            if len(gevonden) >= aantal or time.monotonic() >= grens:
                return gevonden[:aantal] if len(gevonden) >= aantal else gevonden
            if self._taak is not None and self._taak.done():
                self._taak.result()  # the reader died: say why
            await asyncio.sleep(0.1)
