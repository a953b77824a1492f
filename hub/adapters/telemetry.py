"""The hub's telemetry: OpenTelemetry tracing and JSON log lines.

The W3C trace context of an API request (its incoming ``traceparent`` honoured, else a new trace)
is stored with each outbox row written in that request's transaction
(:func:`current_traceparent`); the relay publishes the row in that context
(:func:`traced_from`), so FastStream's telemetry middleware (:func:`broker_middleware`) puts a
``traceparent`` header on the record that continues the request's trace. On the answer topics
the same middleware continues the trace from the record's header before the handler runs.

Spans are exported by configuration, ``OTEL_TRACES_EXPORTER``: ``none`` (the default),
``console`` or ``otlp`` (OTLP over HTTP; endpoint, headers and the like from the standard
``OTEL_EXPORTER_OTLP_*`` variables). Whatever the exporter, the SDK is installed, so a request
without a ``traceparent`` starts a trace whose id reaches the connectors and the log lines.
``OTEL_SERVICE_NAME`` and ``OTEL_TRACES_SAMPLER`` are read by the SDK itself.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator, Mapping

from faststream.kafka.opentelemetry import KafkaTelemetryMiddleware
from opentelemetry import context, propagate, trace
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter, SpanExporter
from structlog.typing import EventDict, WrappedLogger

from schemas.logs import configure_logging
from schemas.tracing import TRACEPARENT, TRACESTATE

SERVICE = "maatwerk-hub"
EXPORTER_ENV = "OTEL_TRACES_EXPORTER"
EXCLUDED_URLS = "/health,/ready,/metrics,/dashboard"
"""Paths polled by probes and operators' pages: not worth a trace each."""

_provider: TracerProvider | None = None


def exporter_from_env(value: str | None = None) -> SpanExporter | None:
    """The span exporter ``OTEL_TRACES_EXPORTER`` names (``none``/unset: none)."""
    name = (value if value is not None else os.environ.get(EXPORTER_ENV, "none")).strip().lower()
    if name in ("", "none"):
        return None
    if name == "console":
        return ConsoleSpanExporter(service_name=SERVICE)
    if name == "otlp":
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        return OTLPSpanExporter()
    raise ValueError(f"{EXPORTER_ENV}={name!r}: choose none, console or otlp")


def configure_tracing(service: str = SERVICE) -> TracerProvider:
    """Install the SDK's tracer provider once per process (later calls return it)."""
    global _provider
    if _provider is None:
        provider = TracerProvider(
            resource=Resource.create({SERVICE_NAME: os.environ.get("OTEL_SERVICE_NAME", service)})
        )
        exporter = exporter_from_env()
        if exporter is not None:
            provider.add_span_processor(BatchSpanProcessor(exporter))
        trace.set_tracer_provider(provider)
        _provider = provider
    return _provider


def trace_ids(_: WrappedLogger, __: str, event_dict: EventDict) -> EventDict:
    """structlog processor: the current ``trace_id`` and ``span_id`` (hex), when there is one."""
    span = trace.get_current_span().get_span_context()
    if span.is_valid:
        event_dict.setdefault("trace_id", format(span.trace_id, "032x"))
        event_dict.setdefault("span_id", format(span.span_id, "016x"))
    return event_dict


def configure(service: str = SERVICE) -> None:
    """For the hub process: tracing, and JSON log lines with the trace ids."""
    configure_tracing(service)
    configure_logging(extra=[trace_ids])


def current_traceparent() -> str | None:
    """The W3C ``traceparent`` of the current span, or ``None`` outside a trace."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier.get(TRACEPARENT)


@contextlib.contextmanager
def traced_from(headers: Mapping[str, str]) -> Iterator[None]:
    """Run the block in the trace context the headers carry (none: the current one)."""
    if TRACEPARENT not in headers:
        yield
        return
    token = context.attach(propagate.extract(dict(headers)))
    try:
        yield
    finally:
        context.detach(token)


@contextlib.contextmanager
def consumed(headers: Iterable[tuple[str, bytes]], name: str) -> Iterator[trace.Span]:
    """A consumer span for one record, continuing the trace its ``traceparent`` header carries
    (none: a trace of its own), current while the block runs and ended after it.

    A batch consumer needs this per record: FastStream's middleware continues one trace per
    message, and a batch is one message, so every answer of it would otherwise be logged (and
    write its follow-up records) in the trace of whichever record came first."""
    carrier = {
        key: value.decode("latin-1")
        for key, value in headers
        if key in (TRACEPARENT, TRACESTATE) and isinstance(value, bytes)
    }
    span = trace.get_tracer(SERVICE).start_span(
        name, context=propagate.extract(carrier), kind=trace.SpanKind.CONSUMER
    )
    with trace.use_span(span, end_on_exit=True):
        yield span


def within(span: trace.Span) -> contextlib.AbstractContextManager[trace.Span]:
    """Make ``span`` (ended or not) current again, e.g. to log a record's outcome in its trace."""
    return trace.use_span(span, end_on_exit=False)


def broker_middleware() -> KafkaTelemetryMiddleware:
    """FastStream's OpenTelemetry middleware: a consumer span continued from each record's
    ``traceparent``, and a producer span whose context goes into each published record's."""
    return KafkaTelemetryMiddleware(include_messages_counters=False)
