"""Body and rate limits of the hub's API (settings made small for the test)."""

from __future__ import annotations

import pytest

from hub.settings import Settings
from tests.support.loket import casus_body

API = "/api/v1/casussen"
LIMIT = 2048
RATE = 0.01
"""Tokens a second: one per 100 s, so no token comes back while the test's requests run, however
slowly a busy machine serves them (at 0.5/s a burst that took over 2 s got a seventh 200)."""


@pytest.fixture
def hub_settings(hub_settings: Settings) -> Settings:
    return hub_settings.model_copy(
        update={"max_body_bytes": LIMIT, "rate_limit_per_second": RATE, "rate_limit_burst": 4}
    )


async def test_a_declared_oversize_body_is_413_in_the_error_body(loket):
    response = await loket.post(API, content=b"{" + b" " * LIMIT + b"}")
    assert response.status_code == 413
    assert response.json() == {
        "detail": [
            {
                "field": None,
                "message": f"the request body is larger than {LIMIT} bytes",
                "type": "body_too_large",
            }
        ]
    }


async def test_a_streamed_oversize_body_is_refused_before_it_is_read_whole(loket):
    sent = 0

    async def chunks():
        nonlocal sent
        for _ in range(100):
            sent += 1
            yield b" " * 512

    response = await loket.post(API, content=chunks(), headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert response.json()["detail"][0]["type"] == "body_too_large"
    assert sent < 10  # stopped just past the limit, not after 50 KiB


async def test_a_body_within_the_limit_passes(loket):
    response = await loket.post(API, json=casus_body("999990019"))
    assert response.status_code == 201, response.text


async def test_too_many_requests_is_429_with_retry_after_and_health_stays_open(loket):
    answers = [(await loket.get(API)).status_code for _ in range(6)]
    assert answers[:4] == [200] * 4
    assert answers[4:] == [429, 429]
    refused = await loket.get(API)
    # the seconds until a token is back: at most 1/RATE, less by the time the requests took
    assert 0 < int(refused.headers["retry-after"]) <= 1 / RATE
    assert refused.json()["detail"][0]["type"] == "too_many_requests"
    assert refused.headers["x-content-type-options"] == "nosniff"
    assert (await loket.get("/health")).status_code == 200
