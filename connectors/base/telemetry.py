"""A connector's telemetry: OpenTelemetry tracing and JSON log lines.

The trace of an instruction goes on here: FastStream's telemetry middleware
(:func:`broker_middleware`) continues it from the record's ``traceparent`` header before the
handler runs; the back-office call is a client span whose context travels in the request's
``traceparent`` header (``connectors.base.backoffice.BackofficeClient.stuur``); the answer
record gets the ``traceparent`` of the handler's trace from the same middleware. Every log line
carries ``trace_id`` and ``span_id``.

Exporter by configuration, as in the hub: ``OTEL_TRACES_EXPORTER`` ``none`` (default),
``console`` or ``otlp`` (the standard ``OTEL_EXPORTER_OTLP_*`` variables).
"""

from __future__ import annotations

import os

from faststream.kafka.opentelemetry import KafkaTelemetryMiddleware
from opentelemetry import trace
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter, SpanExporter
from structlog.typing import EventDict, WrappedLogger

from schemas.logs import configure_logging

EXPORTER_ENV = "OTEL_TRACES_EXPORTER"

_provider: TracerProvider | None = None


def exporter_from_env(service: str, value: str | None = None) -> SpanExporter | None:
    """The span exporter ``OTEL_TRACES_EXPORTER`` names (``none``/unset: none)."""
    name = (value if value is not None else os.environ.get(EXPORTER_ENV, "none")).strip().lower()
    if name in ("", "none"):
        return None
    if name == "console":
        return ConsoleSpanExporter(service_name=service)
    if name == "otlp":
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        return OTLPSpanExporter()
    raise ValueError(f"{EXPORTER_ENV}={name!r}: choose none, console or otlp")


def configure_tracing(service: str) -> TracerProvider:
    """Install the SDK's tracer provider once per process (later calls return it)."""
    global _provider
    if _provider is None:
        provider = TracerProvider(
            resource=Resource.create({SERVICE_NAME: os.environ.get("OTEL_SERVICE_NAME", service)})
        )
        exporter = exporter_from_env(service)
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


def configure(service: str) -> None:
    """For a connector process: tracing, and JSON log lines with the trace ids."""
    configure_tracing(service)
    configure_logging(extra=[trace_ids])


def broker_middleware() -> KafkaTelemetryMiddleware:
    """FastStream's OpenTelemetry middleware: a consumer span continued from each record's
    ``traceparent``, and its context in the ``traceparent`` of each record published meanwhile."""
    return KafkaTelemetryMiddleware(include_messages_counters=False)
