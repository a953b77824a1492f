"""The dead-letter copy always fits on the topic, whatever the original record was."""

from __future__ import annotations

import datetime as dt
import hashlib

from schemas.deadletter import (
    HEADER_REASON,
    HEADER_VALUE_CUT,
    HEADER_VALUE_SHA256,
    HEADER_VALUE_SIZE,
    MAX_HEADER_VALUE,
    MAX_HEADERS,
    MAX_VALUE,
    Origin,
    dead_letter_copy,
)

ORIGIN = Origin("maatwerk.opschorting.antwoord.cjib.v1", 2, 41, "hub", "User:hub")
AT = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)


def test_a_small_record_is_kept_as_it_was() -> None:
    copy = dead_letter_copy(
        origin=ORIGIN,
        redencode="ongeldig-bericht",
        detail="not JSON",
        at=AT,
        value=b"{not json",
        original=[("content-type", b"application/json")],
    )
    assert copy.value == b"{not json"
    assert not copy.cut
    assert copy.headers["content-type"] == "application/json"
    assert copy.headers[HEADER_REASON] == "ongeldig-bericht: not JSON"


def test_a_value_near_the_broker_limit_is_cut_with_its_size_and_digest() -> None:
    value = b"x" * (1024 * 1024 - 100)
    copy = dead_letter_copy(
        origin=ORIGIN, redencode="te-groot", detail="too large", at=AT, value=value
    )
    assert copy.cut
    assert len(copy.value) == MAX_VALUE
    assert copy.headers[HEADER_VALUE_CUT] == "true"
    assert copy.headers[HEADER_VALUE_SIZE] == str(len(value))
    assert copy.headers[HEADER_VALUE_SHA256] == hashlib.sha256(value).hexdigest()


def test_hostile_headers_are_bounded_in_number_and_size_and_never_fail() -> None:
    original: list[tuple[str, bytes | str | None]] = [
        (f"h{i}", b"\xff\xfe" * 10_000) for i in range(1000)
    ]
    original.insert(0, ("nul", None))
    original.insert(1, ("dlq-reason", b"forged"))
    copy = dead_letter_copy(
        origin=ORIGIN,
        redencode="ongeldig-bericht",
        detail="d",
        at=AT,
        value=None,
        original=original,
    )
    kept = [name for name in copy.headers if not name.startswith("dlq-")]
    assert len(kept) == MAX_HEADERS
    assert copy.headers["nul"] == ""
    assert all(len(v) <= MAX_HEADER_VALUE for k, v in copy.headers.items() if k in kept)
    assert copy.headers[HEADER_REASON] == "ongeldig-bericht: d"
    assert copy.value == b""
