"""W3C trace context on a record: the header name and how to read a trace id from it.

The CloudEvents distributed-tracing extension, in its Kafka binding, carries the W3C
``traceparent`` (and optionally ``tracestate``) as record headers of those names; in structured
mode they are headers beside the CloudEvent, not attributes in it. The hub and the connectors
set and read them with OpenTelemetry; this module is the pure part they share (no OpenTelemetry
here: the contract stays free of it).
"""

from __future__ import annotations

import re

TRACEPARENT = "traceparent"
"""The W3C trace context header (``00-<32 hex trace id>-<16 hex span id>-<2 hex flags>``)."""

TRACESTATE = "tracestate"

_TRACEPARENT = re.compile(r"^[0-9a-f]{2}-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$")


def trace_id_of(traceparent: str | None) -> str | None:
    """The trace id (32 hex) in a ``traceparent`` value, or ``None`` if it is not one."""
    if not traceparent:
        return None
    match = _TRACEPARENT.match(traceparent.strip())
    if match is None or set(match.group(1)) == {"0"}:
        return None
    return match.group(1)
