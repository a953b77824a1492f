"""One log format for every process of the project: JSON lines, no BSN.

Each process (hub, connector, simulator) calls :func:`configure_logging` once at start; its own
telemetry module adds the processor that puts the current ``trace_id`` and ``span_id`` in each
line (OpenTelemetry stays out of this package). structlog's own loggers and the standard library's
(uvicorn, FastStream, aiokafka) go through the same processors, so every line of a process is one
JSON object: ``timestamp``, ``level``, ``logger``, ``event``, the trace ids, and what the caller
bound (``casus_id``, ``event_id``, ...).

:func:`mask_bsns` is the last line of defence: every run of nine digits in any string value is
masked before the line is rendered, whatever a caller passed. ``LOG_FORMAT=console`` renders for
humans instead of JSON. :class:`LogThrottle` rate-limits the lines of a record that keeps failing;
:class:`KafkaClientLogLimiter` summarises the Kafka client's errors while the broker is away.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from typing import Any

import structlog
from structlog.typing import EventDict, Processor, WrappedLogger

from schemas.deadletter import is_uuid, mask_bsn_like

BROKER_LOGGER = "faststream.access.kafka"
"""The logger a process hands its FastStream broker (``logger=``): FastStream then adds no
handler of its own, and its lines are JSON like the rest."""

LOG_FORMAT_ENV = "LOG_FORMAT"
"""``json`` (the default) or ``console``."""


def _masked(value: Any) -> Any:
    if isinstance(value, str):
        return mask_bsn_like(value)
    if isinstance(value, dict):
        return {k: _masked(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_masked(v) for v in value]
    return value


TRACE_KEYS = frozenset({"trace_id", "span_id", "traceparent"})
"""Keys whose value, when it has the shape of a W3C id, is an id: hex that may hold nine digits
in a row by chance and is not masked."""

_TRACE_ID = re.compile(
    r"^(?:[0-9a-f]{16}|[0-9a-f]{32}|[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2})$"
)


def _is_id(key: str, value: Any) -> bool:
    """A trace id under a trace key, or a canonical UUID under ``id`` or a ``*_id`` key (an event,
    casus or order id): ids, which may hold nine digits in a row by chance, and are not masked."""
    if not isinstance(value, str):
        return False
    if key in TRACE_KEYS:
        return _TRACE_ID.match(value) is not None
    return (key == "id" or key.endswith("_id")) and is_uuid(value)


def mask_bsns(_: WrappedLogger, __: str, event_dict: EventDict) -> EventDict:
    """structlog processor: every nine-digit run in every string value (nested too) masked, but
    for ids: trace ids (:data:`TRACE_KEYS`) and UUIDs under an ``id`` / ``*_id`` key."""
    return {
        key: value if _is_id(key, value) else _masked(value) for key, value in event_dict.items()
    }


def processors(extra: Iterable[Processor] = ()) -> list[Processor]:
    """What every line goes through before it is rendered (masking last)."""
    return [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        *extra,
        structlog.processors.format_exc_info,
        mask_bsns,
    ]


def renderer(fmt: str | None = None) -> Processor:
    chosen = (fmt or os.environ.get(LOG_FORMAT_ENV) or "json").lower()
    if chosen == "console":
        return structlog.dev.ConsoleRenderer(colors=False)
    return structlog.processors.JSONRenderer()


def configure_logging(
    *, extra: Iterable[Processor] = (), fmt: str | None = None, level: int = logging.INFO
) -> None:
    """Route structlog and the standard library through the same processors to stderr."""
    shared = processors(extra)
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *shared[:-2],
            structlog.stdlib.PositionalArgumentsFormatter(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        # A foreign line's ``extra`` (FastStream's topic, group and message id) are fields too.
        foreign_pre_chain=[*shared[:-2], structlog.stdlib.ExtraAdder()],
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            *shared[-2:],
            renderer(fmt),
        ],
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter)
    handler.addFilter(KAFKA_CLIENT_LOGS)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.captureWarnings(True)  # a warning is a log line too, not free text on stderr
    # Loggers that come with a handler of their own (FastStream's app logger: at import).
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "faststream", BROKER_LOGGER):
        named = logging.getLogger(name)
        named.handlers[:] = []
        named.propagate = True


class LogThrottle:
    """At most one log line per key (a failing record's topic, partition and offset) every
    ``interval`` seconds, counting the lines held back: a record that fails on every delivery
    must not fill the disk with the same line hundreds of times a second. The number of keys is
    bounded (the oldest is forgotten first). The PyPI filters for this key on the message text
    of stdlib logging; the hub and the connectors log through structlog and key on the record."""

    def __init__(
        self,
        interval: float = 10.0,
        *,
        max_keys: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._interval = interval
        self._max_keys = max_keys
        self._clock = clock
        self._keys: OrderedDict[Hashable, tuple[float, int]] = OrderedDict()

    def allow(self, key: Hashable) -> int | None:
        """``None``: hold this line back. Otherwise log it, with the returned count of lines
        held back for ``key`` since its last one."""
        now = self._clock()
        last = self._keys.get(key)
        if last is not None and now - last[0] < self._interval:
            self._keys[key] = (last[0], last[1] + 1)
            return None
        self._keys[key] = (now, 0)
        self._keys.move_to_end(key)
        while len(self._keys) > self._max_keys:
            self._keys.popitem(last=False)
        return 0 if last is None else last[1]

    def forget(self, key: Hashable) -> None:
        """The record is done (processed or dead-lettered): its next line is not held back."""
        self._keys.pop(key, None)


KAFKA_CLIENT_LOGGERS = ("aiokafka", "kafka")
"""The Kafka clients' stdlib loggers (aiokafka's, and kafka-python's should one come along)."""

FASTSTREAM_KAFKA_ERROR = "Kafka error occurred"
"""FastStream's line (on :data:`BROKER_LOGGER`) each time a consume loop's fetch fails."""


class KafkaClientLogLimiter(logging.Filter):
    """While the broker is away the Kafka client logs an error for each reconnect attempt of
    each connection: a 16 s broker restart once gave 56,000 lines (3,500 a second, 12 MB) in
    the hub. This filter, on the process's log handler, lets through one line per state change
    and a summary now and then:

    - the first client error (WARNING or worse) after a quiet spell is held for ``grace``
      seconds: a fresh broker answers "coordinator not available" or stale metadata for a moment
      while a client joins, and a start-up must not look like a failure. When the errors stop
      within it, :meth:`tick` logs one INFO line (``kafka client errors stopped``, marked
      ``"recovered"``, with the first error's text and the count); when they go on, the first
      error after ``grace`` passes, marked ``kafka_client="disconnected"`` with ``suppressed``;
    - while the errors go on, at most one line per ``interval`` passes (the latest error),
      marked ``"still-disconnected"`` with ``suppressed``: how many were held back since the
      last line;
    - once no client error came for ``quiet`` seconds, :meth:`tick` (called every second by
      :meth:`watch`, a background task) logs ``kafka client errors stopped``, marked
      ``"reconnected"``, with the count held back and how long it lasted.

    Whatever the length of the outage: at most one line per ``interval`` and two per outage.
    Lines below WARNING, and other loggers, pass untouched. Thread-safe (a client may log from a
    thread)."""

    def __init__(
        self,
        *,
        interval: float = 10.0,
        quiet: float = 5.0,
        grace: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self._interval = interval
        self._quiet = quiet
        self._grace = grace
        self._first: str | None = None
        """The held first error of this outage while no line passed yet."""
        self._clock = clock
        self._lock = threading.Lock()
        self.disconnected_since: float | None = None
        self._last_error = 0.0
        self._last_line = 0.0
        self._held = 0
        """Lines held back since the last one let through."""
        self._held_total = 0
        """Lines held back in this outage."""

    @staticmethod
    def is_client_error(record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING:
            return False
        name = record.name
        if name == BROKER_LOGGER:
            return record.msg == FASTSTREAM_KAFKA_ERROR
        return any(name == n or name.startswith(n + ".") for n in KAFKA_CLIENT_LOGGERS)

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.is_client_error(record):
            return True
        with self._lock:
            now = self._clock()
            self._last_error = now
            if self.disconnected_since is None:
                self.disconnected_since = now
                self._first = record.getMessage()
                self._held = self._held_total = 1
                return False
            if self._first is not None:
                if now - self.disconnected_since < self._grace:
                    self._held += 1
                    self._held_total += 1
                    return False
                self._first = None  # it goes on: a real outage, say so
                record.kafka_client = "disconnected"
                record.suppressed = self._held
                self._last_line = now
                self._held = 0
                return True
            if now - self._last_line < self._interval:
                self._held += 1
                self._held_total += 1
                return False
            record.kafka_client = "still-disconnected"
            record.suppressed = self._held
            self._last_line = now
            self._held = 0
            return True

    def tick(self) -> None:
        """Log the end of an outage once no client error came for ``quiet`` seconds."""
        with self._lock:
            since = self.disconnected_since
            now = self._clock()
            if since is None or now - self._last_error < self._quiet:
                return
            held, lasted = self._held_total, self._last_error - since
            first, self._first = self._first, None
            self.disconnected_since = None
            self._held = self._held_total = 0
        if first is not None:  # over within the grace: a blip, told but not alarming
            structlog.get_logger(__name__).info(
                "kafka client errors stopped",
                kafka_client="recovered",
                first_error=first,
                suppressed=held,
                lasted_seconds=round(lasted, 1),
            )
            return
        structlog.get_logger(__name__).warning(
            "kafka client errors stopped",
            kafka_client="reconnected",
            suppressed=held,
            lasted_seconds=round(lasted, 1),
        )

    async def watch(self) -> None:
        """Call :meth:`tick` every second, until cancelled (a supervised background task)."""
        while True:
            await asyncio.sleep(1.0)
            self.tick()


KAFKA_CLIENT_LOGS = KafkaClientLogLimiter()
"""The process's one limiter: on the handler :func:`configure_logging` installs; a process runs
its :meth:`~KafkaClientLogLimiter.watch` as a background task."""
