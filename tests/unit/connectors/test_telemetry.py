"""The connector's part of a trace: the back-office request carries the instruction's trace."""

from __future__ import annotations

import httpx
from opentelemetry import context, propagate, trace

from connectors.base import telemetry
from connectors.base.backoffice import BackofficeClient, HttpVerzoek
from schemas.tracing import TRACEPARENT, trace_id_of

TRACE = "0af7651916cd43dd8448eb211c80319c"
INCOMING = f"00-{TRACE}-b7ad6b7169203331-01"


async def test_the_back_office_request_carries_the_current_trace():
    telemetry.configure_tracing("connector-test")
    seen: list[httpx.Request] = []

    def backoffice(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(201, json={"referentie": "CJIB-1"})

    token = context.attach(propagate.extract({TRACEPARENT: INCOMING}))  # the record's header
    try:
        with trace.get_tracer("test").start_as_current_span("instructie process"):
            async with BackofficeClient(
                base_url="http://cjib.test", transport=httpx.MockTransport(backoffice)
            ) as client:
                await client.stuur(HttpVerzoek("POST", "/cjib/zaken", body={"a": 1}))
    finally:
        context.detach(token)
    (request,) = seen
    assert trace_id_of(request.headers[TRACEPARENT]) == TRACE


async def test_outside_a_trace_the_request_starts_one_of_its_own():
    telemetry.configure_tracing("connector-test")
    seen: list[httpx.Request] = []

    def backoffice(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={})

    async with BackofficeClient(
        base_url="http://cjib.test", transport=httpx.MockTransport(backoffice)
    ) as client:
        await client.stuur(HttpVerzoek("GET", "/cjib/zaken"))
    assert trace_id_of(seen[0].headers[TRACEPARENT]) not in (None, TRACE)
