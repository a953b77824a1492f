"""What the delivery client retries and what it hands to the translation as an answer."""

import httpx
import pytest

from connectors.base.backoffice import BackofficeOnbereikbaar
from connectors.cjib import CjibClient


def _client(handler) -> CjibClient:
    return CjibClient(base_url="http://cjib.test", transport=httpx.MockTransport(handler))


@pytest.mark.parametrize("status", [500, 502, 503, 504, 408, 429])
async def test_transient_statuses_raise(status):
    async with _client(lambda request: httpx.Response(status)) as client:
        with pytest.raises(BackofficeOnbereikbaar, match=str(status)):
            await client.verstuur({"a": 1})


@pytest.mark.parametrize("fout", [httpx.ConnectError("refused"), httpx.ReadTimeout("slow")])
async def test_network_failures_raise(fout):
    def handler(request):
        raise fout

    async with _client(handler) as client:
        with pytest.raises(BackofficeOnbereikbaar):
            await client.verstuur({"a": 1})


@pytest.mark.parametrize("status", [200, 201, 400, 404, 409, 422])
async def test_other_statuses_are_answers(status):
    gezien = []

    def handler(request: httpx.Request):
        gezien.append(request)
        return httpx.Response(status, json={"status": status})

    async with _client(handler) as client:
        antwoord = await client.verstuur({"referentieKetenpartner": "k"})
    assert antwoord.status == status
    assert antwoord.body == {"status": status}
    assert gezien[0].url.path == "/cjib/opschortingsverzoeken"
    assert gezien[0].method == "POST"


async def test_a_body_that_is_not_json_is_none():
    async with _client(lambda request: httpx.Response(201, text="<html>")) as client:
        antwoord = await client.verstuur({})
    assert antwoord.body is None
