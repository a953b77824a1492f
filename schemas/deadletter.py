"""The dead-letter record on ``maatwerk.deadletter.v1``: its headers, and the one builder that the
hub and every connector use to set a record aside.

A dead-lettered record keeps its original key, value and headers; the builder adds the ``dlq-*``
headers below (why, where from, who gave up, when). The reason may quote the record (a type or a
source the consumer did not expect), so every run of nine digits (what a BSN looks like) is masked
in it before it goes into a header or a log line, and it is cut to :data:`MAX_REASON` characters.

Pure Python: no broker, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

HEADER_REASON = "dlq-reason"
HEADER_REASON_CODE = "dlq-reason-code"
HEADER_ORIGIN_TOPIC = "dlq-origin-topic"
HEADER_ORIGIN_PARTITION = "dlq-origin-partition"
HEADER_ORIGIN_OFFSET = "dlq-origin-offset"
HEADER_FAILED_BY = "dlq-failed-by"
HEADER_CONSUMER = "dlq-consumer"
HEADER_TIME = "dlq-time"

HEADERS: dict[str, str] = {
    HEADER_REASON: "Why the message could not be processed: '<reason code>: <detail>' (field and "
    "rule broken, or the error; nine-digit numbers masked).",
    HEADER_ORIGIN_TOPIC: "Topic the message was read from.",
    HEADER_ORIGIN_PARTITION: "Partition it was read from (decimal).",
    HEADER_ORIGIN_OFFSET: "Offset it was read from (decimal).",
    HEADER_FAILED_BY: "Kafka principal of the consumer that gave up on it (User:<code>).",
    HEADER_CONSUMER: "Consumer group that gave up on it (hub, connector-<agency>).",
    HEADER_REASON_CODE: "Short machine-readable reason (e.g. ongeldig-bericht, "
    "bsn-niet-te-openen).",
    HEADER_TIME: "When it was dead-lettered (ISO 8601, UTC).",
}
"""Headers a dead-lettered record carries beside its original key, value and headers."""

REQUIRED_HEADERS: tuple[str, ...] = (
    HEADER_REASON,
    HEADER_ORIGIN_TOPIC,
    HEADER_ORIGIN_PARTITION,
    HEADER_ORIGIN_OFFSET,
)
"""The dead-letter headers every producer sets; the others are optional for outside producers
(the hub and the connectors always set all of them)."""

MAX_REASON = 1000
"""Longest ``dlq-reason`` value, in characters."""

_NINE_DIGITS = re.compile(r"(?<![0-9])[0-9]{9}(?![0-9])")
MASK = "*********"


def mask_bsn_like(text: str) -> str:
    """``text`` with every run of exactly nine digits replaced by asterisks."""
    return _NINE_DIGITS.sub(MASK, text)


def header_text(value: bytes | str | None) -> str:
    """A header value as text, whatever its bytes: not UTF-8 or null never stops a consumer."""
    if value is None:
        return ""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a record was read from, and who gives up on it."""

    topic: str
    partition: int
    offset: int
    consumer: str
    """The consumer group that gives up: ``hub`` or ``connector-<agency>``."""
    principal: str
    """Its Kafka principal: ``User:hub``, ``User:<agency>``."""


def dead_letter_headers(
    *,
    origin: Origin,
    reason_code: str,
    detail: str,
    at: datetime,
    original: Iterable[tuple[str, bytes | str | None]] = (),
) -> dict[str, str]:
    """The headers of the dead-letter copy: the record's own (as text) plus the ``dlq-*`` ones.

    ``detail`` says what broke; it is masked and cut, never holds a BSN in clear.
    """
    headers = {name: header_text(value) for name, value in original if not name.startswith("dlq-")}
    headers.update(
        {
            HEADER_REASON: mask_bsn_like(f"{reason_code}: {detail}")[:MAX_REASON],
            HEADER_REASON_CODE: reason_code,
            HEADER_ORIGIN_TOPIC: origin.topic,
            HEADER_ORIGIN_PARTITION: str(origin.partition),
            HEADER_ORIGIN_OFFSET: str(origin.offset),
            HEADER_FAILED_BY: origin.principal,
            HEADER_CONSUMER: origin.consumer,
            HEADER_TIME: at.isoformat(),
        }
    )
    return headers
