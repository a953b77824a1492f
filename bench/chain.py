"""Time-out orders through the whole chain: loket -> hub -> a connector per agency -> its
back-office -> the connector -> the hub.

Each order is a new casus (POST) and a time-out for every agency (POST). Latency is the hub's own
record of it, ``opgedragen_op`` (order accepted) to ``compleet_op`` (the last agency's answer
recorded): the loket's polling interval does not count. The chain moves ``2 x agencies``
records per order that count toward throughput: an instruction on each agency's instruction
topic and an answer on its answer topic (the hub's own events, outbox and audit records come on
top and are not counted).

Three loads: ``concurrency`` orders in flight (throughput, P1), one order at a time (P2), and
orders arriving at a fixed rate, each on its own (P2 at 70% of P1, and the memory run P3).

The information request (``informatieverzoek``: the applicant's claims, asked of every agency,
sealed for the loket's key) is measured the same way, with one difference: the hub records when
it was asked (``gevraagd_op``) but not when its last answer came in, so its end is when the
loket saw it answered (polling every 0.1 s one at a time, 0.5 s in flight: up to that late).
It moves the same ``2 x agencies`` records: a question and an answer per agency.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from schemas.versleuteling import generate_private_key, public_key_text
from tests.support.loket import casus_body, opschorting_body

BSN = "999990019"
"""Seeded at every simulated back-office with claims each of them suspends: confirmed everywhere."""
ORDER_TIMEOUT = 120.0
GRONDSLAG = {"regeling": "Wet aanpak meervoudige problematiek sociaal domein"}


@dataclass(frozen=True)
class Order:
    """One time-out order as the hub recorded it, and the loket's POST of it."""

    status: str
    ordered_at: dt.datetime
    done_at: dt.datetime
    post_seconds: float

    @property
    def seconds(self) -> float:
        return (self.done_at - self.ordered_at).total_seconds()


@dataclass(frozen=True)
class Run:
    orders: list[Order]
    records_per_order: int

    @property
    def confirmed(self) -> int:
        return sum(o.status == "confirmed" for o in self.orders)

    @property
    def wall(self) -> float:
        """First order accepted to last chain complete, by the hub's clock."""
        start = min(o.ordered_at for o in self.orders)
        return (max(o.done_at for o in self.orders) - start).total_seconds()

    @property
    def records_per_s(self) -> float:
        return len(self.orders) * self.records_per_order / self.wall

    @property
    def orders_per_s(self) -> float:
        return len(self.orders) / self.wall


class Loket:
    """The loket's client: waits out the hub's rate limit (429, ``Retry-After``) instead of
    failing, so the hub's limit never ends a run."""

    def __init__(
        self, client: httpx.AsyncClient, agencies: Sequence[str], *, informatie: bool = False
    ) -> None:
        self.client = client
        self.agencies = tuple(agencies)
        self.informatie = informatie
        """Information requests instead of time-out orders."""
        self.sleutel = public_key_text(generate_private_key().public_key())

    async def call(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        while True:
            response = await self.client.request(method, url, **kwargs)
            if response.status_code != 429:
                response.raise_for_status()
                return response
            await asyncio.sleep(float(response.headers.get("Retry-After", "1")))

    async def order(self, poll: float) -> Order:
        if self.informatie:
            return await self.informatieverzoek(poll)
        casus = await self.call("POST", "/api/v1/casussen", json=casus_body(BSN))
        started = time.perf_counter()
        ordered = await self.call(
            "POST",
            f"/api/v1/casussen/{casus.json()['casus_id']}/opschortingen",
            json=opschorting_body(*self.agencies),
        )
        post_seconds = time.perf_counter() - started
        url = f"/api/v1/opschortingen/{ordered.json()['opschorting_id']}"
        async with asyncio.timeout(ORDER_TIMEOUT):
            while True:
                await asyncio.sleep(poll)
                chain = (await self.call("GET", url)).json()
                if chain["status"] != "pending":
                    return Order(
                        chain["status"],
                        dt.datetime.fromisoformat(chain["opgedragen_op"]),
                        dt.datetime.fromisoformat(chain["compleet_op"]),
                        post_seconds,
                    )

    async def informatieverzoek(self, poll: float) -> Order:
        casus = (await self.call("POST", "/api/v1/casussen", json=casus_body(BSN))).json()
        started = time.perf_counter()
        asked = await self.call(
            "POST",
            f"/api/v1/casussen/{casus['casus_id']}/informatieverzoeken",
            json={
                "doel": "schuldenoverzicht",
                "grondslag": GRONDSLAG,
                "uitvoerders": [
                    {"uitvoerder": a, "categorieen": ["vorderingen"]} for a in self.agencies
                ],
                "personen": [casus["huishouden"][0]["pseudoniem"]],
                "ontvanger_sleutel": self.sleutel,
            },
        )
        post_seconds = time.perf_counter() - started
        url = f"/api/v1/informatieverzoeken/{asked.json()['informatieverzoek_id']}"
        async with asyncio.timeout(ORDER_TIMEOUT):
            while True:
                await asyncio.sleep(poll)
                verzoek = (await self.call("GET", url)).json()
                if verzoek["status"] != "pending":
                    return Order(
                        verzoek["status"],
                        dt.datetime.fromisoformat(verzoek["gevraagd_op"]),
                        dt.datetime.now(dt.UTC),
                        post_seconds,
                    )

    def run(self, orders: list[Order]) -> Run:
        return Run(orders, 2 * len(self.agencies))

    async def in_flight(self, orders: int, concurrency: int, poll: float = 0.5) -> Run:
        """``orders`` orders, ``concurrency`` at a time."""
        limit = asyncio.Semaphore(concurrency)

        async def one() -> Order:
            async with limit:
                return await self.order(poll)

        return self.run(list(await asyncio.gather(*(one() for _ in range(orders)))))

    async def one_at_a_time(self, orders: int, poll: float = 0.1) -> Run:
        return self.run([await self.order(poll) for _ in range(orders)])

    async def at_rate(self, per_second: float, seconds: float, poll: float = 0.5) -> Run:
        """An order every ``1 / per_second`` seconds for ``seconds`` (at least three), each
        started on time whatever the ones before it do (an open load)."""
        count = max(3, round(per_second * seconds))
        start = time.perf_counter()
        tasks: list[asyncio.Task[Order]] = []
        for i in range(count):
            await asyncio.sleep(max(0.0, start + i / per_second - time.perf_counter()))
            tasks.append(asyncio.create_task(self.order(poll)))
        return self.run(list(await asyncio.gather(*tasks)))
