"""A record on the dead-letter topic, as the hub keeps it for operators.

The value of a dead-lettered record can be anything (a garbage message may even hold a BSN in
clear), so it is never kept: only its size and SHA-256, and the event type and id when the value
is a JSON object that has them. Any value is summarised without raising: one over
:data:`MAX_PARSED` bytes, or nested deeper than Python parses, is not read for them. Every text
taken from the record is cut to size and has each run of nine digits (what a BSN looks like)
masked, but for an event id or key that is exactly a canonical UUID: that is an id, which operators
look a dead letter up by (``schemas.deadletter.is_uuid``).

Who set it aside is not read from the record: ``failed_by`` is the one producer the ACLs let write
the dead-letter topic it came from (``schemas.topics.dead_letter_topic``), and None on the former
shared topic, which proves no writer. The ``dlq-failed-by`` header is the writer's claim only.

Pure Python: no I/O.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass

from schemas.deadletter import (
    HEADER_CONSUMER,
    HEADER_ORIGIN_OFFSET,
    HEADER_ORIGIN_PARTITION,
    HEADER_ORIGIN_TOPIC,
    HEADER_REASON,
    HEADER_REASON_CODE,
    HEADER_TIME,
    is_uuid,
    mask_bsn_like,
)
from schemas.topics import enige_producent, is_dead_letter_topic, principal

MAX_PARSED = 64 * 1024
"""Largest value read for its event type and id; a larger one is only measured and digested."""


def _text(value: object, limit: int) -> str | None:
    if not isinstance(value, str) or not value:
        return None
    # NUL cannot be stored in a PostgreSQL text column.
    return mask_bsn_like(value[: limit * 2].replace("\x00", "\ufffd"))[:limit] or None


def _identifier(value: object, limit: int) -> str | None:
    """An event id or record key: a canonical UUID kept as it is (an id, findable by operators),
    anything else as :func:`_text`."""
    if isinstance(value, str) and is_uuid(value):
        return value
    return _text(value, limit)


def _fields(body: bytes) -> tuple[str | None, str | None]:
    """The event type and id when the value is a (small enough) JSON object that has them."""
    if len(body) > MAX_PARSED or not body.lstrip().startswith(b"{"):
        return None, None
    try:
        parsed = json.loads(body)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        return None, None
    if not isinstance(parsed, dict):
        return None, None
    return _text(parsed.get("type"), 200), _identifier(parsed.get("id"), 64)


def _number(value: str | None, limit: int) -> int | None:
    """A decimal header value in ``0 .. limit - 1`` (what the column takes), else None."""
    if value is None or len(value) > 40:
        return None
    try:
        number = int(value.strip())
    except ValueError:
        return None
    return number if 0 <= number < limit else None


def _time(value: str | None) -> dt.datetime | None:
    if not value or len(value) > 64:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.strip())
        return parsed.replace(tzinfo=dt.UTC) if parsed.tzinfo is None else parsed.astimezone(dt.UTC)
    except (ValueError, OverflowError):
        return None


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """What the hub records of one dead-lettered record. Never the value itself."""

    dlq_topic: str
    """The dead-letter topic it is on: what proves its writer."""
    dlq_partition: int
    dlq_offset: int
    origin_topic: str | None
    origin_partition: int | None
    origin_offset: int | None
    reason: str | None
    redencode: str | None
    consumer: str | None
    failed_by: str | None
    """The proven writer's Kafka principal (from ``dlq_topic``); None: not proven."""
    dead_lettered_at: dt.datetime | None
    key: str | None
    """The record key: the casus id when a hub or connector set it aside."""
    event_type: str | None
    event_id: str | None
    value_size: int
    value_sha256: str

    @classmethod
    def of(
        cls,
        *,
        topic: str,
        partition: int,
        offset: int,
        key: bytes | None,
        value: bytes | None,
        headers: Mapping[str, str],
        oins: Mapping[str, str] | None = None,
    ) -> DeadLetter:
        """Summarise a record read from dead-letter topic ``topic``; ``oins`` (by organisation
        code) overrides the development OINs in the writer's principal."""
        body = bytes(value or b"")
        event_type, event_id = _fields(body)
        writer = enige_producent(topic) if is_dead_letter_topic(topic) else None
        return cls(
            dlq_topic=topic,
            dlq_partition=partition,
            dlq_offset=offset,
            origin_topic=_text(headers.get(HEADER_ORIGIN_TOPIC), 249),
            origin_partition=_number(headers.get(HEADER_ORIGIN_PARTITION), 2**31),
            origin_offset=_number(headers.get(HEADER_ORIGIN_OFFSET), 2**63),
            reason=_text(headers.get(HEADER_REASON), 1000),
            redencode=_text(headers.get(HEADER_REASON_CODE), 60),
            consumer=_text(headers.get(HEADER_CONSUMER), 200),
            failed_by=None if writer is None else principal(writer, oins),
            dead_lettered_at=_time(headers.get(HEADER_TIME)),
            key=_identifier(key.decode("utf-8", "replace") if key else None, 200),
            event_type=event_type,
            event_id=event_id,
            value_size=len(body),
            value_sha256=hashlib.sha256(body).hexdigest(),
        )


@dataclass(frozen=True, slots=True)
class Replay:
    """An operator put the record back on its origin topic (``hub.service.replay``)."""

    at: dt.datetime
    """The last time."""
    by: str
    """Who did it the last time: the proven operator (``urn:nld:oin:<OIN>``)."""
    count: int
    """How often, in all (more than once only when asked for explicitly)."""


@dataclass(frozen=True, slots=True)
class RecordedDeadLetter:
    """A dead letter as the hub recorded it."""

    id: int
    received_at: dt.datetime
    letter: DeadLetter
    replay: Replay | None = None
    """None while it was never replayed."""
