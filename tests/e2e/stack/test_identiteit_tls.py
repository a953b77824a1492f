"""Mutual TLS on the real server (``maatwerk-hub serve`` with ``HUB_TLS_*``): a real handshake
decides who calls. A certificate of another CA never reaches the app; one of the local CA reaches
it with its OIN, and the roles decide."""

from __future__ import annotations

import ssl
from pathlib import Path

import httpx
import pytest

from schemas.organisaties import LOKET
from tests.support.loket import casus_body
from tests.support.pki import Pki, make_pki
from tests.support.stack import Stack, hub_client

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def hub(stack: Stack) -> tuple[str, Pki]:
    """The hub of the e2e package's stack (``tests/e2e/stack/conftest.py``), served as ``make run``
    serves it."""
    return stack.hub_url, stack.pki


async def test_the_loket_is_known_by_its_certificate_and_the_actor_is_its_oin(hub):
    url, pki = hub
    async with hub_client(url, pki, "loket", timeout=10) as loket:
        submitted = await loket.post("/api/v1/casussen", json=casus_body("999990019"))
        assert submitted.status_code == 201, submitted.text
        casus_id = submitted.json()["casus_id"]
        [entry] = (await loket.get(f"/api/v1/casussen/{casus_id}/audit")).json()
    assert entry["actor"] == f"urn:nld:oin:{LOKET.oin}"


async def test_without_certificate_only_health_answers(hub):
    url, pki = hub
    async with hub_client(url, pki, None, timeout=10) as anonymous:
        assert (await anonymous.get("/health")).status_code == 200
        refused = await anonymous.get("/api/v1/casussen")
    assert refused.status_code == 401
    assert refused.headers["www-authenticate"].startswith("Mutual-TLS")


async def test_roles_decide_after_the_handshake(hub):
    url, pki = hub
    async with hub_client(url, pki, "cjib", timeout=10) as cjib:
        assert (await cjib.get("/api/v1/casussen")).status_code == 403
        assert (await cjib.get("/api/v1/verzoeken")).status_code == 200
    async with hub_client(url, pki, "beheer", timeout=10) as operator:
        assert (await operator.get("/dashboard")).status_code == 200
        assert (await operator.get("/metrics")).status_code == 200


async def test_an_unknown_oin_from_the_trusted_ca_is_401(hub):
    url, pki = hub
    pki.issue("onbekend", "00000001999999999999")
    async with hub_client(url, pki, "onbekend", timeout=10) as unknown:
        response = await unknown.get("/api/v1/casussen")
    assert response.status_code == 401
    assert "not known" in response.json()["detail"][0]["message"]


async def test_a_certificate_from_another_ca_is_refused_in_the_handshake(hub, tmp_path: Path):
    url, pki = hub
    other = make_pki(tmp_path / "other-ca")  # same organisations and OINs, another CA
    context = ssl.create_default_context(cafile=str(pki.ca))  # the client trusts the hub...
    context.load_cert_chain(*other.cert("loket"))  # ...but presents a foreign certificate
    async with httpx.AsyncClient(base_url=url, verify=context, timeout=10) as forged:
        with pytest.raises(httpx.TransportError):
            await forged.get("/api/v1/casussen")


async def test_plain_http_and_old_tls_get_no_answer(hub):
    url, pki = hub
    async with httpx.AsyncClient(base_url=url.replace("https", "http"), timeout=10) as plain:
        with pytest.raises(httpx.TransportError):
            await plain.get("/health")
    context = ssl.create_default_context(cafile=str(pki.ca))
    context.load_cert_chain(*pki.cert("loket"))
    context.maximum_version = ssl.TLSVersion.TLSv1_2
    async with httpx.AsyncClient(base_url=url, verify=context, timeout=10) as tls12:
        assert (await tls12.get("/api/v1/casussen")).status_code == 200  # 1.2 still allowed
