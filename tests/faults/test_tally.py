"""The fault suite's own judgement, without a stack: what counts as settled, as the right
outcome, as a hostile record the operators cannot see, and as a failure."""

from __future__ import annotations

import asyncio

import httpx

from tests.support.faults import HostileRecord, Load, Order, Tally, settle, unaccounted

DLQ = "maatwerk.deadletter.hub.v1"


def order(*statuses: tuple[str, str], storing: str | None = None) -> Order:
    made = Order(0, casus_id="c", opschorting_id="o", storing=storing)
    made.final = {
        "status": "pending",
        "keten": [{"uitvoerder": a, "status": s, "instructie_id": a} for a, s in statuses],
    }
    return made


def test_an_order_is_settled_only_when_every_agency_answered():
    assert order(("cjib", "confirmed"), ("duo", "refused")).settled()
    assert not order(("cjib", "confirmed"), ("duo", "pending")).settled()
    # a frozen back-office is reported undeliverable for a while, then answers
    assert not order(("cjib", "confirmed"), ("duo", "undeliverable")).settled()


def test_the_faulty_link_settles_undeliverable_and_nothing_else_will_do():
    faulty = order(("cjib", "undeliverable"), ("duo", "confirmed"), storing="cjib")
    assert faulty.settled() and faulty.outcome_ok()
    assert not order(("cjib", "confirmed"), ("duo", "confirmed"), storing="cjib").settled()
    assert not order(("cjib", "undeliverable"), ("duo", "refused"), storing="cjib").outcome_ok()


def test_a_hostile_record_counts_only_when_dead_lettered_with_a_reason():
    hostile = [HostileRecord("nested", "t", 0, 7, "k1"), HostileRecord("null", "t", 1, 3, "k2")]
    listed = [
        {"key": "k1", "redencode": "ongeldig-bericht", "dlq_offset": 0},
        {"key": "k2", "redencode": None, "dlq_offset": 1},
    ]
    assert unaccounted(hostile, listed, DLQ) == ["null on t[1]: no dead letter"]


def test_a_hostile_record_on_the_dead_letter_topic_must_be_passed_by_the_list():
    hostile = [HostileRecord("nested", DLQ, 0, 5, "k")]
    assert unaccounted(hostile, [{"key": None, "redencode": "x", "dlq_offset": 5}], DLQ)
    assert not unaccounted(hostile, [{"key": None, "redencode": "x", "dlq_offset": 6}], DLQ)
    # only a dead letter on that same topic passes it (each producer has its own)
    elsewhere = {"key": None, "redencode": "x", "dlq_offset": 9, "dlq_topic": "other"}
    assert unaccounted(hostile, [elsewhere], DLQ)
    assert not unaccounted(hostile, [{**elsewhere, "dlq_topic": DLQ}], DLQ)


def test_any_loss_duplicate_stall_or_unacknowledged_order_fails():
    assert Tally(acknowledged=3, confirmed=3).ok
    for broken in (
        Tally(lost=["o"]),
        Tally(applied_twice=["o"]),
        Tally(stuck=["o"]),
        Tally(wrong_outcome=["o"]),
        Tally(not_acknowledged=["o"]),
    ):
        assert not broken.ok
        assert broken.failures()


class SlowHub:
    """A hub whose first time-out order outlasts the loket's timeout: the loket's retries with
    its key get 409 while that request is still being handled, and the casus shows no time-out
    yet; the request then commits (after ``in_flight_for`` retries, or when :meth:`finish` says
    so) and the key's answer is stored. Any other key is a new order."""

    def __init__(self, in_flight_for: int = 2) -> None:
        self.in_flight_for = in_flight_for
        self.first_key: str | None = None
        self.retries_of_first = 0
        self.committed: list[str] = []
        self.keys: list[str] = []

    def finish(self) -> None:
        if self.first_key is not None and "first" not in self.committed:
            self.committed.append("first")

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.method == "GET":
            return httpx.Response(200, json={"instrumenten": {"opschortingen": self.committed}})
        if request.url.path == "/api/v1/casussen":
            return httpx.Response(201, json={"casus_id": "c"})
        key = request.headers["Idempotency-Key"]
        self.keys.append(key)
        if self.first_key is None:
            self.first_key = key
            raise httpx.ReadTimeout("the loket's timeout", request=request)
        if key != self.first_key:
            self.committed.append(f"order-{len(self.committed)}")
            return httpx.Response(201, json={"opschorting_id": self.committed[-1]})
        self.retries_of_first += 1
        if self.retries_of_first <= self.in_flight_for:
            return httpx.Response(409, json={"detail": "still being handled"})
        self.finish()
        return httpx.Response(201, json={"opschorting_id": "first"})


async def test_an_order_in_doubt_is_retried_with_its_own_key_not_placed_twice():
    """A loket whose POST timed out while the hub still handles it keeps the SAME key for the
    same order (409 until the first answer is there, or until the hub's lease lets a retry take
    over): a new key would be a second order, and the casus two time-outs."""
    hub = SlowHub()
    load = Load(None, orders=1, interval=0)  # type: ignore[arg-type]
    order = Order(1)
    async with httpx.AsyncClient(
        transport=httpx.MockTransport(hub), base_url="https://hub.invalid"
    ) as client:
        await load._place(client, order)
    hub.finish()  # the first request's commit, if it had not come yet
    assert hub.committed == ["first"], f"ordered as {hub.committed}"
    assert order.opschorting_id == "first"
    assert set(hub.keys) == {hub.first_key}
    assert order.in_doubt >= 1


class SettlingHub:
    """A hub that is slow but never stalls: each GET takes ``seconds``, and each round of polling
    finds one more order settled (the n-th order from its n-th poll on). ``stalled`` names an
    order that never settles."""

    def __init__(self, seconds: float, stalled: str | None = None) -> None:
        self.seconds = seconds
        self.stalled = stalled
        self.polls: dict[str, int] = {}

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(self.seconds)
        order_id = request.url.path.rsplit("/", 1)[-1]
        self.polls[order_id] = self.polls.get(order_id, 0) + 1
        settled = order_id != self.stalled and self.polls[order_id] >= int(order_id)
        status = "confirmed" if settled else "pending"
        return httpx.Response(200, json={"keten": [{"uitvoerder": "cjib", "status": status}]})


class PolledStack:
    def __init__(self, hub: SettlingHub) -> None:
        self.hub = hub

    def client(self, timeout: float) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            transport=httpx.MockTransport(self.hub), base_url="https://hub.invalid", timeout=timeout
        )


def polled(*ids: str) -> list[Order]:
    return [Order(int(i), opschorting_id=i, statuses=[201]) for i in ids]


async def test_settling_waits_as_long_as_orders_keep_settling():
    # Each round of polling takes longer than ``within``, but settles one more order: that is a
    # slow hub catching up (a loaded machine after a broker restart), not a stall.
    orders = polled("1", "2", "3")
    await settle(PolledStack(SettlingHub(0.15)), orders, within=0.3, pause=0.01)  # type: ignore[arg-type]
    assert [o.settled() for o in orders] == [True, True, True]


async def test_settling_gives_up_on_a_stall():
    orders = polled("1", "2")
    hub = SettlingHub(0.01, stalled="2")
    await settle(PolledStack(hub), orders, within=0.3, pause=0.01)  # type: ignore[arg-type]
    assert [o.settled() for o in orders] == [True, False]
