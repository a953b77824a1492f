"""The dead-letter record on ``maatwerk.deadletter.<producer>.v1``: its headers, and the one
builder that the hub and every connector use to set a record aside.

Each producer writes its own dead-letter topic (``schemas.topics.dead_letter_topic``), so the
broker's ACLs prove who set a record aside. The ``dlq-*`` headers are the writer's account of
why and where from: the hub trusts none of them for who wrote it, and a replay re-sends only
bytes it finds at the origin named, or that the proven writer may write there itself.

A dead-lettered record keeps its original key, value and headers; the builder adds the ``dlq-*``
headers below (why, where from, who gave up, when). The copy always fits on the topic, whatever the
original was: a value over :data:`MAX_VALUE` bytes is cut (its size and SHA-256 kept in headers, so
an operator knows it cannot be replayed as it was), and the original headers are kept up to
:data:`MAX_HEADERS` of them, each value cut to :data:`MAX_HEADER_VALUE` characters.

The reason may quote the record (a type or a source the consumer did not expect), so every run of
nine digits (what a BSN looks like) is masked in it before it goes into a header or a log line,
and it is cut to :data:`MAX_REASON` characters.

Pure Python: no broker, no I/O.
"""

from __future__ import annotations

import hashlib
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
HEADER_VALUE_CUT = "dlq-value-cut"
HEADER_VALUE_SIZE = "dlq-value-size"
HEADER_VALUE_SHA256 = "dlq-value-sha256"

HEADERS: dict[str, str] = {
    HEADER_REASON: "Why the message could not be processed: '<reason code>: <detail>' (field and "
    "rule broken, or the error; nine-digit numbers masked).",
    HEADER_ORIGIN_TOPIC: "Topic the message was read from.",
    HEADER_ORIGIN_PARTITION: "Partition it was read from (decimal).",
    HEADER_ORIGIN_OFFSET: "Offset it was read from (decimal).",
    HEADER_FAILED_BY: "Kafka principal of the consumer that gave up on it (User:<OIN>): "
    "informative only; the hub takes the writer from the dead-letter topic it is on.",
    HEADER_CONSUMER: "Consumer group that gave up on it (hub, connector-<agency>).",
    HEADER_REASON_CODE: "Short machine-readable reason (e.g. ongeldig-bericht, "
    "bsn-niet-te-openen).",
    HEADER_TIME: "When it was dead-lettered (ISO 8601, UTC).",
    HEADER_VALUE_CUT: "Present ('true') when the value was too large and was cut to its first "
    "bytes: the copy cannot be replayed as it was.",
    HEADER_VALUE_SIZE: "With a cut value: the original value's size in bytes (decimal).",
    HEADER_VALUE_SHA256: "With a cut value: the original value's SHA-256 (hex).",
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

MAX_VALUE = 256 * 1024
"""Largest value a dead-letter copy keeps, in bytes (the topic takes up to 1 MiB a record)."""

MAX_HEADERS = 64
"""Most original headers a dead-letter copy keeps."""

MAX_HEADER_VALUE = 1024
"""Longest original header value a dead-letter copy keeps, in characters."""

_NINE_DIGITS = re.compile(r"(?<![0-9])[0-9]{9}(?![0-9])")
MASK = "*********"


def mask_bsn_like(text: str) -> str:
    """``text`` with every run of exactly nine digits replaced by asterisks."""
    return _NINE_DIGITS.sub(MASK, text)


_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)


def is_uuid(value: str) -> bool:
    """Whether ``value`` is exactly a UUID in its canonical 8-4-4-4-12 hex form.

    Such a value in an identifier's place (an event id, a casus id, a record key) is an id, not a
    BSN, even when its hex holds nine digits in a row by chance (about one random UUID in twenty
    does): masking it would make the id unfindable. Anything else in that place is masked as
    usual, so a BSN put where an id belongs is still withheld.
    """
    return _UUID.fullmatch(value) is not None


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
    redencode: str,
    detail: str,
    at: datetime,
    original: Iterable[tuple[str, bytes | str | None]] = (),
) -> dict[str, str]:
    """The headers of the dead-letter copy: the record's own (as text) plus the ``dlq-*`` ones.

    ``detail`` says what broke; it is masked and cut, never holds a BSN in clear.
    """
    headers: dict[str, str] = {}
    for name, value in original:
        if len(headers) >= MAX_HEADERS:
            break
        if not isinstance(name, str) or name.startswith("dlq-") or len(name) > 200:
            continue
        headers[name] = header_text(value)[:MAX_HEADER_VALUE]
    headers.update(
        {
            HEADER_REASON: mask_bsn_like(f"{redencode}: {detail}")[:MAX_REASON],
            HEADER_REASON_CODE: redencode,
            HEADER_ORIGIN_TOPIC: origin.topic,
            HEADER_ORIGIN_PARTITION: str(origin.partition),
            HEADER_ORIGIN_OFFSET: str(origin.offset),
            HEADER_FAILED_BY: origin.principal,
            HEADER_CONSUMER: origin.consumer,
            HEADER_TIME: at.isoformat(),
        }
    )
    return headers


@dataclass(frozen=True, slots=True)
class DeadLetterCopy:
    """What goes on the dead-letter topic: a value that fits, and the headers to send with it."""

    value: bytes
    headers: dict[str, str]

    @property
    def cut(self) -> bool:
        return HEADER_VALUE_CUT in self.headers


def dead_letter_copy(
    *,
    origin: Origin,
    redencode: str,
    detail: str,
    at: datetime,
    value: bytes | None,
    original: Iterable[tuple[str, bytes | str | None]] = (),
) -> DeadLetterCopy:
    """The dead-letter copy of a record: :func:`dead_letter_headers`, and the value cut to
    :data:`MAX_VALUE` bytes when it is larger (then marked, with its size and digest)."""
    headers = dead_letter_headers(
        origin=origin, redencode=redencode, detail=detail, at=at, original=original
    )
    raw = value or b""
    if len(raw) > MAX_VALUE:
        headers[HEADER_VALUE_CUT] = "true"
        headers[HEADER_VALUE_SIZE] = str(len(raw))
        headers[HEADER_VALUE_SHA256] = hashlib.sha256(raw).hexdigest()
        raw = raw[:MAX_VALUE]
    return DeadLetterCopy(value=raw, headers=headers)
