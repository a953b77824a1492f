"""Trace context on a real broker: the loket's ``traceparent`` reaches the agencies' topics."""

from __future__ import annotations

import pytest

from schemas.topics import instructie_topic
from schemas.tracing import TRACEPARENT, trace_id_of
from simulators import AGENCIES
from tests.integration.hub.test_hub_on_kafka import BSN, hub_client, read_matching
from tests.support.loket import casus_body, opschorting_body

__all__ = ["hub_client"]  # the fixture, shared with the hub's other tests on Kafka

pytestmark = pytest.mark.kafka

TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
INCOMING = f"00-{TRACE}-00f067aa0ba902b7-01"


async def test_an_order_with_a_traceparent_reaches_every_agency_in_that_trace(
    hub_client, kafka_bootstrap
):
    casus = (await hub_client.post("/api/v1/casussen", json=casus_body(BSN))).json()
    ordered = await hub_client.post(
        f"/api/v1/casussen/{casus['casus_id']}/opschortingen",
        json=opschorting_body(*AGENCIES),
        headers={TRACEPARENT: INCOMING},
    )
    assert ordered.status_code == 201, ordered.text
    for agency in AGENCIES:
        (record,) = await read_matching(
            kafka_bootstrap, instructie_topic(agency).name, casus["casus_id"], 1
        )
        headers = {name: value.decode() for name, value in record.headers}
        assert trace_id_of(headers[TRACEPARENT]) == TRACE, agency
        assert headers[TRACEPARENT] != INCOMING  # a span of the hub's, in the caller's trace


async def test_a_request_without_traceparent_starts_a_trace_of_its_own(hub_client, kafka_bootstrap):
    casus = (await hub_client.post("/api/v1/casussen", json=casus_body(BSN))).json()
    ordered = await hub_client.post(
        f"/api/v1/casussen/{casus['casus_id']}/opschortingen", json=opschorting_body("cjib")
    )
    assert ordered.status_code == 201, ordered.text
    (record,) = await read_matching(
        kafka_bootstrap, instructie_topic("cjib").name, casus["casus_id"], 1
    )
    headers = {name: value.decode() for name, value in record.headers}
    assert trace_id_of(headers[TRACEPARENT]) not in (None, TRACE)
