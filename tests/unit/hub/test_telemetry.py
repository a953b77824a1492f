"""Trace context through the outbox: the span that writes a row is the one its record continues."""

from __future__ import annotations

import datetime as dt
import io
import json
import logging

import structlog
from opentelemetry import trace

from hub.adapters import telemetry
from hub.adapters.orm import OutboxRow
from hub.adapters.outbox import _outgoing, outbox_row
from schemas.logs import processors, renderer
from schemas.tracing import TRACEPARENT, trace_id_of

TRACE = "0af7651916cd43dd8448eb211c80319c"
INCOMING = f"00-{TRACE}-b7ad6b7169203331-01"
NOW = dt.datetime(2026, 11, 30, 12, tzinfo=dt.UTC)


class Event:
    """What ``outbox_row`` reads of a CloudEvent."""

    id = "7d3b3c0e-0000-4000-8000-000000000001"
    subject = "CAS-2026-000001"
    type = "nl.maatwerk.casus.ingediend.v1"

    def to_bytes(self) -> bytes:
        return b"{}"


def write_row() -> OutboxRow:
    """The row as the unit of work queues it when the event is published (in the caller's
    span), as the relay reads it back."""
    return OutboxRow(**outbox_row(Event(), "maatwerk.casus.v1", NOW))  # type: ignore[arg-type]


def test_a_row_written_in_a_request_trace_is_published_with_that_trace():
    telemetry.configure_tracing()
    with (
        telemetry.traced_from({TRACEPARENT: INCOMING}),
        trace.get_tracer("test").start_as_current_span("POST /api/v1/casussen"),
    ):
        row = write_row()
    assert trace_id_of(row.traceparent) == TRACE
    assert row.traceparent != INCOMING  # the request's own span, child of the caller's
    headers = _outgoing(row).headers
    assert headers[TRACEPARENT] == row.traceparent
    assert headers["content-type"] == "application/cloudevents+json; charset=UTF-8"


def test_a_row_written_outside_a_trace_has_no_traceparent_header():
    row = write_row()
    assert row.traceparent is None
    assert TRACEPARENT not in _outgoing(row).headers


def test_the_relay_publishes_in_the_rows_trace():
    with telemetry.traced_from({TRACEPARENT: INCOMING}):
        assert trace_id_of(telemetry.current_traceparent()) == TRACE
    assert telemetry.current_traceparent() is None


class NamedLogger(structlog.PrintLogger):
    name = "test"


def test_log_lines_carry_the_current_trace_and_span_id():
    telemetry.configure_tracing()
    out = io.StringIO()
    log = structlog.wrap_logger(
        NamedLogger(out),
        processors=[*processors([telemetry.trace_ids]), renderer("json")],
        wrapper_class=structlog.make_filtering_bound_logger(logging.INFO),
    )
    with (
        telemetry.traced_from({TRACEPARENT: INCOMING}),
        trace.get_tracer("test").start_as_current_span("work") as span,
    ):
        log.info("answer processed", casus_id="CAS-1")
    line = json.loads(out.getvalue())
    assert line["trace_id"] == TRACE
    assert line["span_id"] == format(span.get_span_context().span_id, "016x")
    assert line["casus_id"] == "CAS-1"


def test_the_exporter_is_chosen_by_configuration():
    assert telemetry.exporter_from_env("none") is None
    assert telemetry.exporter_from_env("") is None
    assert type(telemetry.exporter_from_env("console")).__name__ == "ConsoleSpanExporter"
    assert type(telemetry.exporter_from_env("otlp")).__name__ == "OTLPSpanExporter"
