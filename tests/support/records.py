"""A Kafka record as a consumer gets it, made from a CloudEvent: for tests that hand records to a
consumer's handler without a broker."""

from __future__ import annotations

from typing import Any

from aiokafka.structs import ConsumerRecord


def record_of(
    event: Any, offset: int = 0, *, topic: str, partition: int = 0
) -> ConsumerRecord[Any, Any]:
    """``event`` (with ``subject`` and ``to_bytes()``) as the record at ``offset`` of ``topic``,
    keyed by its subject."""
    return ConsumerRecord(
        topic=topic,
        partition=partition,
        offset=offset,
        timestamp=0,
        timestamp_type=0,
        key=event.subject.encode(),
        value=event.to_bytes(),
        checksum=None,
        serialized_key_size=0,
        serialized_value_size=0,
        headers=(),
    )
