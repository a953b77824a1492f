"""What the delivery client retries and what it hands to the translation as an answer."""

import json

import httpx
import pytest

from connectors.base.backoffice import (
    BackofficeClient,
    BackofficeFout,
    BackofficeOnbereikbaar,
    HttpVerzoek,
    padsegment,
)
from connectors.cjib.vertaling import PAD


def _client(handler) -> BackofficeClient:
    return BackofficeClient(base_url="http://cjib.test", transport=httpx.MockTransport(handler))


def _order(body) -> HttpVerzoek:
    """An order as the CJIB translation describes it: ``POST`` to its endpoint."""
    return HttpVerzoek("POST", PAD, body=body)


@pytest.mark.parametrize("status", [502, 503, 504, 408, 425, 429])
async def test_a_back_office_away_or_overloaded_is_onbereikbaar(status):
    async with _client(lambda request: httpx.Response(status)) as client:
        with pytest.raises(BackofficeOnbereikbaar, match=str(status)):
            await client.stuur(_order({"a": 1}))


@pytest.mark.parametrize("status", [500, 501, 505, 599])
async def test_a_server_error_on_the_request_is_a_backoffice_fout(status):
    async with _client(lambda request: httpx.Response(status)) as client:
        with pytest.raises(BackofficeFout, match=str(status)) as fout:
            await client.stuur(_order({"a": 1}))
    assert fout.value.status == status
    assert not isinstance(fout.value, BackofficeOnbereikbaar)  # bounded, not retried forever


@pytest.mark.parametrize("fout", [httpx.ConnectError("refused"), httpx.ReadTimeout("slow")])
async def test_network_failures_raise(fout):
    def handler(request):
        raise fout

    async with _client(handler) as client:
        with pytest.raises(BackofficeOnbereikbaar):
            await client.stuur(_order({"a": 1}))


@pytest.mark.parametrize("status", [200, 201, 400, 404, 409, 422])
async def test_other_statuses_are_answers(status):
    gezien = []

    def handler(request: httpx.Request):
        gezien.append(request)
        return httpx.Response(status, json={"status": status})

    async with _client(handler) as client:
        antwoord = await client.stuur(_order({"referentieKetenpartner": "k"}))
    assert antwoord.status == status
    assert antwoord.body == {"status": status}
    assert gezien[0].url.path == "/cjib/opschortingsverzoeken"
    assert gezien[0].method == "POST"


async def test_a_body_that_is_not_json_is_none():
    async with _client(lambda request: httpx.Response(201, text="<html>")) as client:
        antwoord = await client.stuur(_order({}))
    assert antwoord.body is None


async def test_a_described_request_is_sent_as_described():
    gezien: list[httpx.Request] = []

    def handler(request: httpx.Request):
        gezien.append(request)
        return httpx.Response(200, json={"ok": True})

    async with _client(handler) as client:
        await client.stuur(HttpVerzoek("GET", "/zoek", query={"kenmerk": "a b"}))
        await client.stuur(HttpVerzoek("PATCH", f"/p/{padsegment('x/y')}", body={"k": 1}))
    zoek, patch = gezien
    assert (zoek.method, zoek.url.path, zoek.url.params["kenmerk"]) == ("GET", "/zoek", "a b")
    assert zoek.content == b""
    assert (patch.method, patch.url.raw_path) == ("PATCH", b"/p/x%2Fy")
    assert json.loads(patch.content) == {"k": 1}


async def test_a_described_request_that_fails_for_now_raises():
    async with _client(lambda request: httpx.Response(503)) as client:
        with pytest.raises(BackofficeOnbereikbaar):
            await client.stuur(HttpVerzoek("GET", "/zoek"))


def test_the_body_of_a_described_request_is_not_in_its_repr():
    assert "999990019" not in repr(HttpVerzoek("POST", "/x", body={"bsn": "999990019"}))
