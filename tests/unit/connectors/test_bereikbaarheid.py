"""A back-office that comes back is noticed within one probe interval, by every instruction
waiting for it; while it is away, the waiting instructions ask it once per interval between
them, not each on its own.

Time here is a clock of the test's own: the connector's waits advance it, nothing sleeps.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import json
from typing import Any

import httpx
from aiokafka import ConsumerRecord

from connectors.base.backoffice import BackofficeClient
from connectors.base.gelijktijdig import verwerk_gelijktijdig
from connectors.base.runtime import Herhaalbeleid, InstructieVerwerker
from connectors.cjib import KOPPELING
from schemas import parse_event
from schemas.aflevering import AfleveringMislukt
from schemas.opschorting import OpschortingBevestigd
from schemas.topics import instructie_topic, opschorting_antwoord_topic
from tests.support.records import record_of
from tests.unit.connectors.berichten import casus_id, instructie, sleutel

BSN = "999990019"
TOPIC = instructie_topic("cjib").name
BELEID = Herhaalbeleid(pogingen=4, eerste_wachttijd=0.5, max_wachttijd=8.0, peiling=1.0)
"""The defaults: attempts at 0, 0.5, 1.5 and 3.5 s, then 8 s before the record is handed back."""
TERUG = 5.0
"""When the back-office is back: during the 8 s wait of an instruction's first round."""


class Klok:
    """Virtual time: ``slaap`` waits until the test moves the clock past its end."""

    def __init__(self) -> None:
        self.nu = 0.0
        self._wachtenden: list[tuple[float, int, asyncio.Future[None]]] = []
        self._volgorde = itertools.count()

    async def slaap(self, seconden: float) -> None:
        wekker: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._wachtenden, (self.nu + seconden, next(self._volgorde), wekker))
        await wekker

    async def loop_tot(self, klaar: asyncio.Future[Any]) -> None:
        """Run every task until none can go on, then move to the next wake-up; until done."""
        while not klaar.done():
            for _ in range(200):
                await asyncio.sleep(0)
            while self._wachtenden and self._wachtenden[0][2].cancelled():
                heapq.heappop(self._wachtenden)
            if klaar.done() or not self._wachtenden:
                continue
            eind, _, wekker = heapq.heappop(self._wachtenden)
            self.nu = max(self.nu, eind)
            wekker.set_result(None)


class Backoffice:
    """Away (connection refused) until :data:`TERUG` on the test's clock, then confirms."""

    def __init__(self, klok: Klok) -> None:
        self.klok = klok
        self.verzoeken: list[tuple[float, str]] = []
        """(when, the request's key): every request it got, answered or not."""
        self.antwoorden: dict[str, float] = {}
        """When it first answered each key."""

    def __call__(self, request: httpx.Request) -> httpx.Response:
        sleutel = json.loads(request.content)["referentieKetenpartner"]
        self.verzoeken.append((self.klok.nu, sleutel))
        if self.klok.nu < TERUG:
            raise httpx.ConnectError("refused")
        self.antwoorden.setdefault(sleutel, self.klok.nu)
        return httpx.Response(
            201,
            json={
                "cjibReferentie": "CJIB-OPS-00000042",
                "zaken": [{"zaaknummer": "WAHV-2025-000119", "status": "OPGESCHORT"}],
            },
        )


class Opstelling:
    def __init__(self) -> None:
        self.klok = Klok()
        self.backoffice = Backoffice(self.klok)
        self.sleutel = sleutel()
        self.gepubliceerd: list[bytes] = []

        async def publiceer(body: bytes, *, topic: str, key: Any, headers: Any) -> None:
            assert topic == opschorting_antwoord_topic("cjib").name
            self.gepubliceerd.append(body)

        self.verwerker = InstructieVerwerker(
            koppeling=KOPPELING,
            client=BackofficeClient(
                base_url="http://cjib.test", transport=httpx.MockTransport(self.backoffice)
            ),
            sleutel=self.sleutel,
            publiceer=publiceer,
            herhaalbeleid=BELEID,
            slaap=self.klok.slaap,
        )

    def records(self, aantal: int) -> list[ConsumerRecord[Any, Any]]:
        records = []
        for offset in range(aantal):
            event = instructie("cjib", [BSN], self.sleutel.public_key(), casus=casus_id())
            records.append(record_of(event, offset, topic=TOPIC))
        return records

    async def verwerk(self, records: list[ConsumerRecord[Any, Any]]) -> list[Any]:
        """Work on ``records`` as the connector does (casussen at once); the unfinished ones."""
        werk = asyncio.ensure_future(verwerk_gelijktijdig(records, self.verwerker.verwerk))
        await self.klok.loop_tot(werk)
        return werk.result()

    def bevestigd(self) -> list[Any]:
        events = [parse_event(body).data for body in self.gepubliceerd]
        return [e for e in events if isinstance(e, OpschortingBevestigd)]

    def gemeld(self) -> list[Any]:
        events = [parse_event(body).data for body in self.gepubliceerd]
        return [e for e in events if isinstance(e, AfleveringMislukt)]


async def test_the_back_office_back_is_answered_within_one_probe_interval():
    """Before: after its round of attempts the instruction waited 8 s and was handed back;
    the first answer came at the earliest 8 s after that round, 6.5 s after the back-office
    was back. Now a probe during that wait finds it back within one interval."""
    opstelling = Opstelling()
    onaf = await opstelling.verwerk(opstelling.records(1))
    assert onaf == []  # answered in this delivery, not handed back for another
    (bevestigd,) = opstelling.bevestigd()
    (gemeld,) = opstelling.gemeld()  # the round failed: the hub heard it, once
    assert gemeld.instructie_id == bevestigd.instructie_id
    (wanneer,) = opstelling.backoffice.antwoorden.values()
    assert TERUG <= wanneer <= TERUG + BELEID.peiling


async def test_every_waiting_instruction_goes_on_when_one_finds_the_back_office_back():
    opstelling = Opstelling()
    records = opstelling.records(5)
    assert await opstelling.verwerk(records) == []
    assert len(opstelling.bevestigd()) == 5
    answered = sorted(opstelling.backoffice.antwoorden.values())
    assert len(answered) == 5
    # the first within one probe interval, the others at the same moment (not at the end of
    # their own backoff)
    assert answered[0] <= TERUG + BELEID.peiling
    assert answered[-1] == answered[0]


async def test_while_the_back_office_is_away_the_waiting_instructions_probe_once_per_interval():
    opstelling = Opstelling()
    await opstelling.verwerk(opstelling.records(5))
    # every instruction's round of attempts ends at 3.5 s; after that, until the back-office is
    # back, only the probe asks: once per interval, however many instructions wait
    tijdens_wachten = [t for t, _ in opstelling.backoffice.verzoeken if 3.5 < t < TERUG]
    assert 1 <= len(tijdens_wachten) <= (TERUG - 3.5) / BELEID.peiling
