"""A failing record: which failures are transient, how long the consumer waits, how often it
logs; and a dead letter of any bytes is summarised without raising."""

from __future__ import annotations

import asyncpg
import pytest
from aiokafka.errors import KafkaConnectionError
from sqlalchemy import exc as sa_exc

from hub.adapters.transient import is_transient
from hub.domain.dead_letter import DeadLetter
from hub.entrypoints.redelivery import Redelivery, RedeliveryPolicy
from schemas.logs import LogThrottle


def wrapped(orig: BaseException, cls=sa_exc.OperationalError) -> BaseException:
    return cls("SELECT 1", {}, orig)


@pytest.mark.parametrize(
    "exc",
    [
        wrapped(Exception("database is locked")),
        wrapped(Exception("gone"), sa_exc.InterfaceError),
        sa_exc.DBAPIError("SELECT 1", {}, Exception("x"), connection_invalidated=True),
        sa_exc.TimeoutError("pool"),
        asyncpg.ConnectionDoesNotExistError("closed"),
        asyncpg.DeadlockDetectedError("deadlock"),
        KafkaConnectionError("no broker"),
        ConnectionRefusedError(),
    ],
)
def test_database_or_broker_away_is_transient(exc):
    assert is_transient(exc)


def test_transient_along_the_cause_chain():
    try:
        try:
            raise asyncpg.CannotConnectNowError("starting up")
        except asyncpg.CannotConnectNowError as inner:
            raise RuntimeError("wrapped") from inner
    except RuntimeError as outer:
        assert is_transient(outer)


@pytest.mark.parametrize(
    "exc",
    [
        ValueError("bad"),
        KeyError("x"),
        RecursionError(),
        sa_exc.IntegrityError("INSERT", {}, Exception("unique")),
        sa_exc.DataError("INSERT", {}, Exception("too long")),
    ],
)
def test_a_failure_of_the_record_itself_is_not_transient(exc):
    assert not is_transient(exc)


def test_log_throttle_one_line_per_interval_with_the_count_held_back():
    now = [0.0]
    throttle = LogThrottle(10.0, clock=lambda: now[0])
    assert throttle.allow("r") == 0
    assert [throttle.allow("r") for _ in range(5)] == [None] * 5
    assert throttle.allow("other") == 0
    now[0] = 10.0
    assert throttle.allow("r") == 5
    throttle.forget("r")
    assert throttle.allow("r") == 0


def test_log_throttle_keeps_a_bounded_number_of_keys():
    throttle = LogThrottle(10.0, max_keys=3, clock=lambda: 0.0)
    for key in range(10):
        throttle.allow(key)
    assert throttle.allow(0) == 0  # forgotten: logged again


async def test_redelivery_counts_per_record_and_waits_with_capped_backoff():
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    policy = RedeliveryPolicy(max_attempts=3, backoff_initial=0.5, backoff_max=1.5)
    redelivery = Redelivery(policy, sleep=sleep)
    place = ("t", 0, 7)
    counts = [redelivery.failed(place) for _ in range(4)]
    assert counts == [1, 2, 3, 4]
    assert [redelivery.exhausted(n) for n in counts] == [False, False, True, True]
    assert redelivery.failed(("t", 0, 8)) == 1  # another record counts on its own
    for n in counts:
        await redelivery.wait(n)
    assert waits == [0.5, 1.0, 1.5, 1.5]
    redelivery.done(place)
    assert redelivery.failed(place) == 1


@pytest.mark.parametrize(
    "value",
    [
        b"[" * 100_000 + b"]" * 100_000,
        b'{"a": ' * 30_000,
        b"{" + b'"x": 1, ' * 200_000 + b'"type": "t"}',
        b"\xff\xfe" * 600_000,
        b"x" * (1 << 20),
        None,
        b'{"type": "t", "id": "\\u0000 999999999"}',
    ],
)
def test_a_dead_letter_of_any_value_is_summarised_without_raising(value):
    letter = DeadLetter.of(
        topic="maatwerk.deadletter.hub.v1",
        partition=0,
        offset=1,
        key=b"\xff\x00",
        value=value,
        headers={
            "dlq-origin-offset": "9" * 5000,
            "dlq-origin-partition": "99999999999",
            "dlq-time": "0001-01-01T00:00+23:00",
            "dlq-reason": "x\x00y 123456789",
        },
    )
    assert letter.value_size == len(value or b"")
    assert letter.origin_offset is None and letter.origin_partition is None
    assert letter.dead_lettered_at is None
    assert letter.reason == "x\ufffdy *********"
    assert letter.key is not None and "\x00" not in letter.key
    if value and value.startswith(b'{"type"'):
        assert letter.event_type == "t" and letter.event_id == "\ufffd *********"
