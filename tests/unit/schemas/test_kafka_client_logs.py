"""A broker outage does not flood the log: the Kafka client's errors are summarised, one line per
state change and at most one per interval in between (``schemas.logs.KafkaClientLogLimiter``)."""

from __future__ import annotations

import contextlib
import io
import json
import logging
from collections.abc import Iterator

import pytest
import structlog

from schemas.logs import (
    BROKER_LOGGER,
    KAFKA_CLIENT_LOGS,
    KafkaClientLogLimiter,
    configure_logging,
)
from tests.support.logging_kept import logging_restored

OUTAGE_LINES = 56_000
"""What the hub wrote during a 16 s broker restart before the limiter (3,500 a second)."""


class Clock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def log() -> Iterator[tuple[io.StringIO, logging.Handler]]:
    """The process's log as :func:`configure_logging` sets it up, written to a buffer."""
    with logging_restored():
        configure_logging(fmt="json")
        # No logger keeps this configuration once the test is over (tests.support.logging_kept).
        structlog.configure(cache_logger_on_first_use=False)
        buffer = io.StringIO()
        (handler,) = [h for h in logging.getLogger().handlers if KAFKA_CLIENT_LOGS in h.filters]
        assert isinstance(handler, logging.StreamHandler)
        handler.setStream(buffer)
        yield buffer, handler


def client_errors(clock: Clock, count: int, seconds: float) -> None:
    """``count`` records as aiokafka and FastStream log them while the broker is away, spread
    over ``seconds``."""
    loggers = [
        (logging.getLogger("aiokafka"), 'Unable connect to "%s": %s'),
        (logging.getLogger("aiokafka.conn"), "Unable connect to node with id %s: %s"),
        (logging.getLogger("aiokafka.consumer.fetcher"), "Failed fetch messages from %s: %s"),
        (logging.getLogger(BROKER_LOGGER), "Kafka error occurred"),
    ]
    with _without_pytest_capture():
        for n in range(count):
            clock.now += seconds / count
            logger, message = loggers[n % len(loggers)]
            if "%s" in message:
                logger.error(message, "127.0.0.1:9092", "[Errno 111] Connect call failed")
            else:
                logger.error(message)


@contextlib.contextmanager
def _without_pytest_capture() -> Iterator[None]:
    """The process's own handlers only while the burst is logged: pytest's capture handlers (kept
    for its failure report) would format every one of the tens of thousands of records twice,
    most of the test's time. What the test reads is what the process's handler wrote."""
    root = logging.getLogger()
    saved = root.handlers[:]
    root.handlers[:] = [h for h in saved if not type(h).__module__.startswith("_pytest")]
    try:
        yield
    finally:
        root.handlers[:] = saved


def test_56000_client_errors_in_16_seconds_give_a_handful_of_lines(log) -> None:
    lines, handler = log
    clock = Clock()
    limiter = KafkaClientLogLimiter(interval=10.0, quiet=5.0, clock=clock)
    handler.filters[:] = [limiter]
    logging.getLogger("aiokafka").info("connected to 127.0.0.1:9092")  # INFO: passes as is

    client_errors(clock, OUTAGE_LINES, seconds=16.0)
    limiter.tick()  # errors just stopped: not yet quiet long enough
    clock.now += 5.0
    limiter.tick()
    limiter.tick()

    written = [json.loads(line) for line in lines.getvalue().splitlines()]
    states = [(w.get("kafka_client"), w.get("suppressed")) for w in written]
    passed = len(written) - 2  # the INFO line and the end
    assert states == [
        (None, None),
        # the first 10 s held as a possible blip, then the outage is told
        ("disconnected", pytest.approx(OUTAGE_LINES * 10 / 16, abs=2)),
        ("reconnected", OUTAGE_LINES - passed),
    ]
    assert written[1]["level"] == "error"
    assert written[-1]["event"] == "kafka client errors stopped"
    assert written[-1]["lasted_seconds"] == 16.0


def test_a_three_hour_outage_writes_one_line_per_interval() -> None:
    clock = Clock()
    limiter = KafkaClientLogLimiter(interval=10.0, quiet=5.0, clock=clock)
    kept = 0
    hours = 3
    for _ in range(hours * 3600 * 2):  # two errors a second
        clock.now += 0.5
        record = logging.LogRecord("aiokafka", logging.ERROR, "", 0, "Unable connect", (), None)
        kept += limiter.filter(record)
    assert hours * 3600 / 11 < kept <= hours * 3600 / 10 + 1  # one per 10 s interval


def test_other_lines_pass_untouched() -> None:
    limiter = KafkaClientLogLimiter(clock=Clock())
    for name, level in [
        ("hub.adapters.outbox", logging.ERROR),
        ("aiokafkaish", logging.ERROR),
        ("aiokafka.consumer", logging.INFO),
        (BROKER_LOGGER, logging.ERROR),  # a handler's failure, not the consume loop's fetch
    ]:
        for _ in range(100):
            record = logging.LogRecord(name, level, "", 0, "a failing record", (), None)
            assert limiter.filter(record)
    assert limiter.disconnected_since is None


def test_a_blip_while_a_client_joins_a_fresh_broker_is_one_info_line(log) -> None:
    """At start a fresh broker answers "coordinator not available" for a moment: that used to
    give an error line and a warning on every clean start. Over within the grace: one INFO line
    that still names the first error."""
    lines, handler = log
    clock = Clock()
    limiter = KafkaClientLogLimiter(interval=10.0, quiet=5.0, grace=10.0, clock=clock)
    handler.filters[:] = [limiter]
    coordinator = logging.getLogger("aiokafka.consumer.group_coordinator")
    coordinator.error("Group Coordinator Request failed: %s", "[Error 15] NotAvailable")
    clock.now += 0.5
    coordinator.error("Group Coordinator Request failed: %s", "[Error 15] NotAvailable")
    clock.now += 5.0
    limiter.tick()
    written = [json.loads(line) for line in lines.getvalue().splitlines()]
    assert [(w["level"], w["kafka_client"]) for w in written] == [("info", "recovered")]
    assert written[0]["first_error"].startswith("Group Coordinator Request failed")
    assert written[0]["suppressed"] == 2 and written[0]["lasted_seconds"] == 0.5
