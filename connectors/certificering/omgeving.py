"""What the checks share: the agency, the broker, the kit's producer and reader, the proxy, the
connector process, and every instruction the kit sent."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

import httpx
from aiokafka import AIOKafkaProducer
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey

from connectors.base.koppeling import Koppeling
from connectors.base.runtime import antwoord_event_id
from connectors.certificering.proces import ConnectorProces
from connectors.certificering.proxy import Proxy
from connectors.certificering.verzamelaar import Gelezen, Verzamelaar
from schemas import CONTENT_TYPE, CloudEvent
from schemas.topics import AFLEVERING_MISLUKT, dead_letter_topic, topics_for_type


@dataclass
class Omgeving:
    koppeling: Koppeling
    publiek: X25519PublicKey
    producer: AIOKafkaProducer
    verzamelaar: Verzamelaar
    proxy: Proxy
    proces: ConnectorProces
    backoffice_url: str
    """The back-office itself (its admin API), not through the proxy."""
    termijn: dt.timedelta
    """How long the connector has to answer each instruction (its ``reageer_uiterlijk``)."""
    gestuurd: dict[str, CloudEvent[Any]] = field(default_factory=dict)
    """Every instruction the kit published, by event id."""
    eigen: set[tuple[str, int, int]] = field(default_factory=set)
    """Where the kit's own records landed (not the connector's)."""

    @property
    def agency(self) -> str:
        return self.koppeling.uitvoerder.value

    @property
    def bsns(self) -> tuple[str, ...]:
        p = self.koppeling.proefpersonen
        return (p.bevestigd, p.geweigerd)

    async def publiceer_ruw(self, topic: str, waarde: bytes, sleutel: bytes) -> Gelezen:
        meta = await self.producer.send_and_wait(
            topic, waarde, key=sleutel, headers=[("content-type", CONTENT_TYPE.encode())]
        )
        self.eigen.add((meta.topic, meta.partition, meta.offset))
        return Gelezen(meta.topic, meta.partition, meta.offset, meta.timestamp, sleutel, waarde, ())

    async def publiceer(self, event: CloudEvent[Any]) -> Gelezen:
        """Publish an instruction on the agency's topic that carries its type, as the hub does."""
        (topic,) = [
            t for t in topics_for_type(event.type) if t in self.koppeling.topics
        ] or topics_for_type(event.type)[:1]
        self.gestuurd[event.id] = event
        return await self.publiceer_ruw(topic.name, event.to_bytes(), event.subject.encode())

    async def antwoorden(
        self, event: CloudEvent[Any], aantal: int = 1, seconden: float | None = None
    ) -> list[Gelezen]:
        """The answers to ``event`` (the answer id derives from the instruction id)."""
        antwoord_id = antwoord_event_id(event.id)
        return await self.verzamelaar.wacht(
            lambda g: (g.event() or {}).get("id") == antwoord_id,
            aantal,
            self.wachttijd if seconden is None else seconden,
        )

    async def meldingen(self, event: CloudEvent[Any], seconden: float) -> list[Gelezen]:
        """The connector's reports of delivery trouble with ``event`` (``AfleveringMislukt``)."""

        def is_melding(g: Gelezen) -> bool:
            e = g.event() or {}
            return (
                e.get("type") == AFLEVERING_MISLUKT
                and (e.get("data") or {}).get("instructie_id") == event.id
            )

        return await self.verzamelaar.wacht(is_melding, 1, seconden)

    @property
    def wachttijd(self) -> float:
        return self.termijn.total_seconds() + 5.0

    def van_connector(self) -> list[Gelezen]:
        """What the connector wrote, as far as the kit can tell: records that are not the kit's
        and carry the agency as CloudEvent source, answer or report an instruction of the kit, or
        lie on the agency's dead-letter topic."""
        bron = self.koppeling.organisatie.source
        antwoord_ids = {antwoord_event_id(i) for i in self.gestuurd}
        dlq = dead_letter_topic(self.agency).name
        gevonden = []
        for g in self.verzamelaar.gelezen:
            if (g.topic, g.partition, g.offset) in self.eigen:
                continue
            e = g.event() or {}
            data = e.get("data") if isinstance(e.get("data"), dict) else {}
            if (
                g.topic == dlq
                or e.get("source") == bron
                or e.get("id") in antwoord_ids
                or (data or {}).get("instructie_id") in self.gestuurd
            ):
                gevonden.append(g)
        return gevonden

    async def opschortingen(self) -> list[dict[str, Any]]:
        """What the back-office applied (the simulated back-office's admin API)."""
        async with httpx.AsyncClient(base_url=self.backoffice_url, timeout=10) as client:
            antwoord = await client.get("/_simulator/opschortingen")
            antwoord.raise_for_status()
            return list(json.loads(antwoord.content)["opschortingen"])
