"""One effect per ``Idempotency-Key``, whatever fails after the effect, and the first answer for a
retry however soon it comes: the loket's retry must never order a time-out twice."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from hub.service import opschorting as opschorting_service
from tests.support.identiteit import client_for
from tests.support.loket import casus_body, opschorting_body

BSN = "999990019"
API = "/api/v1/casussen"


async def _casus(loket: Any) -> str:
    response = await loket.post(API, json=casus_body(BSN))
    assert response.status_code == 201, response.text
    return str(response.json()["casus_id"])


async def _orders(loket: Any, casus_id: str) -> list[Any]:
    return list((await loket.get(f"{API}/{casus_id}")).json()["opschortingen"])


async def test_a_failure_after_the_effect_never_leads_to_a_second_order(loket, monkeypatch):
    casus_id = await _casus(loket)
    path, order = f"{API}/{casus_id}/opschortingen", opschorting_body("cjib")
    reread = opschorting_service.lees_opschorting
    failures = 0

    async def failing_once(*args: Any, **kwargs: Any) -> Any:
        nonlocal failures
        if failures == 0:
            failures += 1
            raise ConnectionError("the store went away after the commit")
        return await reread(*args, **kwargs)

    monkeypatch.setattr(opschorting_service, "lees_opschorting", failing_once)
    with pytest.raises(ConnectionError):  # the in-process client re-raises the app's error
        await loket.post(path, json=order, headers={"Idempotency-Key": "order-1"})

    retry = await loket.post(path, json=order, headers={"Idempotency-Key": "order-1"})

    assert failures == 1
    assert retry.status_code == 201, retry.text
    orders = await _orders(loket, casus_id)
    assert orders == [retry.json()["opschorting_id"]]
    again = await loket.post(path, json=order, headers={"Idempotency-Key": "order-1"})
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json() == retry.json()
    assert len(await _orders(loket, casus_id)) == 1


class RetryAtFirstAnswer:
    """The loket's client as seen from outside: the moment the first answer to a POST starts to
    arrive, the same request is sent again, and its answer is kept."""

    def __init__(self, app: Any, pem: str) -> None:
        self.app = app
        self.pem = pem
        self.retry: Any = None
        self.armed = False

    @property
    def state(self) -> Any:
        return self.app.state

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        first = scope["type"] == "http" and scope["method"] == "POST" and self.armed

        async def send_then_retry(message: dict[str, Any]) -> None:
            if first and message["type"] == "http.response.start":
                self.armed = False
                async with client_for(self, self.pem) as again:
                    self.retry = await again.post(
                        scope["path"], json=self.body, headers={"Idempotency-Key": self.key}
                    )
            await send(message)

        await self.app(scope, receive, send_then_retry)

    def arm(self, body: Any, key: str) -> None:
        self.body, self.key, self.armed = body, key, True


async def test_a_retry_at_the_instant_of_the_first_answer_gets_that_answer(loket, pki):
    casus_id = await _casus(loket)
    path, order = f"{API}/{casus_id}/opschortingen", opschorting_body("cjib")
    outside = RetryAtFirstAnswer(loket.app, pki.pem("loket"))
    async with client_for(outside, outside.pem) as client:
        outside.arm(order, "order-2")
        first = await client.post(path, json=order, headers={"Idempotency-Key": "order-2"})

    assert first.status_code == 201, first.text
    assert outside.retry is not None
    assert outside.retry.status_code == 201, outside.retry.text
    assert outside.retry.json() == first.json()
    assert outside.retry.headers["idempotent-replayed"] == "true"
    assert len(await _orders(loket, casus_id)) == 1


async def test_a_duplicate_in_flight_waits_for_the_first_answer(loket):
    casus_id = await _casus(loket)
    path, order = f"{API}/{casus_id}/opschortingen", opschorting_body("cjib")
    headers = {"Idempotency-Key": "order-3"}

    answers = await asyncio.gather(*(loket.post(path, json=order, headers=headers) for _ in "ab"))

    assert [a.status_code for a in answers] == [201, 201], [a.text for a in answers]
    assert answers[0].json() == answers[1].json()
    assert len(await _orders(loket, casus_id)) == 1
