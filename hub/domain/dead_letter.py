"""A record on the dead-letter topic, as the hub keeps it for operators.

The value of a dead-lettered record can be anything (a garbage message may even hold a BSN in
clear), so it is never kept: only its size and SHA-256, and the event type and id when the value
is a JSON object that has them. Every text taken from the record is cut to size and has each run
of nine digits (what a BSN looks like) masked.

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
    HEADER_FAILED_BY,
    HEADER_ORIGIN_OFFSET,
    HEADER_ORIGIN_PARTITION,
    HEADER_ORIGIN_TOPIC,
    HEADER_REASON,
    HEADER_REASON_CODE,
    HEADER_TIME,
    mask_bsn_like,
)


def _text(value: object, limit: int) -> str | None:
    if not isinstance(value, str) or not value:
        return None
    return mask_bsn_like(value)[:limit]


def _number(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return int(value.strip())
    except ValueError:
        return None


def _time(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed.replace(tzinfo=dt.UTC) if parsed.tzinfo is None else parsed.astimezone(dt.UTC)


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """What the hub records of one dead-lettered record. Never the value itself."""

    dlq_partition: int
    dlq_offset: int
    origin_topic: str | None
    origin_partition: int | None
    origin_offset: int | None
    reason: str | None
    reason_code: str | None
    consumer: str | None
    failed_by: str | None
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
        partition: int,
        offset: int,
        key: bytes | None,
        value: bytes | None,
        headers: Mapping[str, str],
    ) -> DeadLetter:
        """Summarise a record read from the dead-letter topic."""
        body = value or b""
        event_type: str | None = None
        event_id: str | None = None
        try:
            parsed = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            parsed = None
        if isinstance(parsed, dict):
            event_type = _text(parsed.get("type"), 200)
            event_id = _text(parsed.get("id"), 64)
        return cls(
            dlq_partition=partition,
            dlq_offset=offset,
            origin_topic=_text(headers.get(HEADER_ORIGIN_TOPIC), 249),
            origin_partition=_number(headers.get(HEADER_ORIGIN_PARTITION)),
            origin_offset=_number(headers.get(HEADER_ORIGIN_OFFSET)),
            reason=_text(headers.get(HEADER_REASON), 1000),
            reason_code=_text(headers.get(HEADER_REASON_CODE), 60),
            consumer=_text(headers.get(HEADER_CONSUMER), 200),
            failed_by=_text(headers.get(HEADER_FAILED_BY), 200),
            dead_lettered_at=_time(headers.get(HEADER_TIME)),
            key=_text(key.decode("utf-8", "replace") if key else None, 200),
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
