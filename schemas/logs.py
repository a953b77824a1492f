"""One log format for every process of the project: JSON lines, no BSN.

Each process (hub, connector, simulator) calls :func:`configure_logging` once at start; its own
telemetry module adds the processor that puts the current ``trace_id`` and ``span_id`` in each
line (OpenTelemetry stays out of this package). structlog's own loggers and the standard library's
(uvicorn, FastStream, aiokafka) go through the same processors, so every line of a process is one
JSON object: ``timestamp``, ``level``, ``logger``, ``event``, the trace ids, and what the caller
bound (``casus_id``, ``event_id``, ...).

:func:`mask_bsns` is the last line of defence: every run of nine digits in any string value is
masked before the line is rendered, whatever a caller passed. ``LOG_FORMAT=console`` renders for
humans instead of JSON. :class:`LogThrottle` rate-limits the lines of a record that keeps failing.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from typing import Any

import structlog
from structlog.typing import EventDict, Processor, WrappedLogger

from schemas.deadletter import mask_bsn_like

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


def _is_trace_id(key: str, value: Any) -> bool:
    return key in TRACE_KEYS and isinstance(value, str) and _TRACE_ID.match(value) is not None


def mask_bsns(_: WrappedLogger, __: str, event_dict: EventDict) -> EventDict:
    """structlog processor: every nine-digit run in every string value (nested too) masked, but
    for trace ids (:data:`TRACE_KEYS`)."""
    return {
        key: value if _is_trace_id(key, value) else _masked(value)
        for key, value in event_dict.items()
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
