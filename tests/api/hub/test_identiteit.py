"""Who may call what: every route but /health needs a proven caller; roles decide the rest; an
agency sees only its own part; the audit trail names the proven OIN. In process, through the
shim that gives each request the ASGI TLS extension (``conftest.MetCertificaat``)."""

from __future__ import annotations

import asyncio
import datetime as dt
import re

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from fastapi.routing import APIRoute, iter_route_contexts
from faststream.kafka import TestKafkaBroker

from hub.app import create_app
from hub.entrypoints.identiteit import Rol, VereisteRol
from schemas.organisaties import LOKET
from tests.api.hub.conftest import client_for, running
from tests.api.hub.test_api import BSN, answer_event, publish
from tests.support.loket import LOKET_DOOR, casus_body, opschorting_body
from tests.support.polling import poll_pause

OPEN = {"/health", "/ready"}
ANY_CALLER = {"/docs", "/docs/oauth2-redirect", "/redoc", "/openapi.json", "/docs-assets"}
"""The API's documentation and its assets (served by the hub, no CDN): any authenticated caller."""


async def eventually(check, within: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + within
    while not await check():
        assert asyncio.get_running_loop().time() < deadline, "condition not met in time"
        await poll_pause()


def every_route(app) -> list[tuple[str, str]]:
    """(method, concrete path) of every route the app serves, path parameters filled in."""
    found = []
    for route in iter_route_contexts(app.routes):
        if route.path is None:
            continue
        path = re.sub(r"\{[^}]+\}", "1", route.path)
        for method in sorted(route.methods or {"GET"}):
            if method != "HEAD":
                found.append((method, path))
    return found


async def test_every_route_but_health_refuses_a_caller_without_certificate(anoniem):
    routes = every_route(anoniem.app)
    assert len(routes) >= 24  # the inventory sees the included routers, not only /health
    for method, path in routes:
        response = await anoniem.request(method, path)
        if path in OPEN:
            assert response.status_code == 200, path
            continue
        assert response.status_code == 401, (method, path, response.status_code)
        assert response.headers["www-authenticate"].startswith("Mutual-TLS")
        [fout] = response.json()["detail"]
        assert fout["field"] == "certificate"


ONE_PER_ROLE = {
    Rol.LOKET: "loket",
    Rol.OPERATOR: "beheer",
    Rol.LET_SECRETARIS: "let",
    Rol.UITVOERDER: "cjib",
    Rol.DEELNEMER: "gemeente-utrecht",
}
"""A caller with each role (and only that one), by certificate."""

ANY_KNOWN_CALLER = ("/api/v1/register",)
"""Routes every proven caller may use, whatever its role: the register (anyone connected
searches it; an organisation changes only its own entry, which the route checks itself)."""


def roles_of(route: APIRoute) -> set[Rol]:
    """The roles of the route's ``VereisteRol`` (on the route or its router)."""
    todo, found = list(route.dependant.dependencies), set()
    while todo:
        dependency = todo.pop()
        if isinstance(dependency.call, VereisteRol):
            found.update(dependency.call.rollen)
        todo.extend(dependency.dependencies)
    return found


async def test_every_route_checks_a_role(hub_app, clients):
    """Each route names its roles, and a known caller without one of them is refused (403):
    so no route is open to every organisation by mistake."""
    assert set(ONE_PER_ROLE) == set(Rol)
    for route in hub_app.routes:
        if not isinstance(route, APIRoute) or route.path in OPEN | ANY_CALLER:
            continue
        roles = roles_of(route)
        assert roles, f"{route.path} declares no role"
        if roles == set(Rol):
            assert route.path.startswith(ANY_KNOWN_CALLER), f"{route.path} is open to any role"
            continue
        path = re.sub(r"\{[^}]+\}", "1", route.path)
        for rol in set(Rol) - roles:
            caller = clients(hub_app, ONE_PER_ROLE[rol])
            for method in sorted(route.methods - {"HEAD"}):
                response = await caller.request(method, path)
                assert response.status_code == 403, (rol, method, path, response.status_code)
                assert response.json()["detail"][0]["field"] == "role"


def certificate_without_oin() -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "geen-oin")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM).decode()


async def test_an_unknown_oin_or_none_at_all_is_401(hub_app, pki):
    pki.issue("onbekend", "00000001999999999999")
    unknown = pki.pem("onbekend")
    for pem, says in [(unknown, "not known"), (certificate_without_oin(), "serialNumber")]:
        async with client_for(hub_app, pem) as client:
            response = await client.get("/api/v1/casussen")
        assert response.status_code == 401
        assert says in response.json()["detail"][0]["message"]


async def test_roles_come_from_configuration(hub_settings, clients):
    """HUB_ROLLEN is the whole mapping: here the loket's OIN is only an operator."""
    settings = hub_settings.model_copy(update={"rollen": {LOKET.oin: ["operator"]}})
    app = create_app(settings)
    async with TestKafkaBroker(app.state.broker), running(app):
        loket = clients(app, "loket")
        assert (await loket.get("/api/v1/casussen")).status_code == 403
        assert (await loket.get("/api/v1/ops/overzicht")).status_code == 200
        # Not named: no access at all, though the default would make it an operator.
        assert (await clients(app, "beheer").get("/api/v1/ops/overzicht")).status_code == 401


async def test_operators_reach_ops_metrics_and_dashboard_and_nothing_of_the_loket(operator, loket):
    for path in (
        "/api/v1/ops/overzicht",
        "/metrics",
        "/dashboard",
        "/api/v1/ops/outbox",
        "/api/v1/ops/reeksen",
        "/dashboard/dashboard.js",
    ):
        assert (await operator.get(path)).status_code == 200, path
        assert (await loket.get(path)).status_code == 403, path
    assert (await operator.post("/api/v1/casussen", json=casus_body(BSN))).status_code == 403


async def order(loket, *agencies: str) -> dict:
    submitted = await loket.post("/api/v1/casussen", json=casus_body(BSN))
    casus_id = submitted.json()["casus_id"]
    response = await loket.post(
        f"/api/v1/casussen/{casus_id}/opschortingen", json=opschorting_body(*agencies)
    )
    assert response.status_code == 201, response.text
    return response.json()


async def test_an_agency_sees_only_its_own_part_of_a_shared_time_out(loket, cjib, duo):
    chain = await order(loket, "belastingdienst", "cjib", "duo")
    await publish(loket, answer_event(chain, "duo", refused=True))
    await publish(loket, answer_event(chain, "belastingdienst"))
    url = f"/api/v1/opschortingen/{chain['opschorting_id']}"

    async def answered() -> bool:
        body = (await loket.get(url)).json()
        return body["telling"]["pending"] == 1

    await eventually(answered)
    seen = (await cjib.get(url)).json()
    assert [s["uitvoerder"] for s in seen["keten"]] == ["cjib"]
    assert seen["status"] == "pending" and seen["telling"]["refused"] == 0
    assert "duo" not in str(seen) and "belastingdienst" not in str(seen)

    later = dt.date.fromisoformat(chain["einddatum"]) + dt.timedelta(days=30)
    extended = await loket.post(
        f"{url}/verlengingen", json={"einddatum": later.isoformat(), "reden": "langer"}
    )
    assert extended.status_code == 201
    [change] = (await cjib.get(url)).json()["wijzigingen"]
    assert [s["uitvoerder"] for s in change["keten"]] == ["cjib"]
    # DUO refused the order: it received no extension, and sees none.
    assert (await duo.get(url)).json()["wijzigingen"] == []


async def test_an_agency_gets_404_for_a_time_out_it_takes_no_part_in(loket, cjib):
    chain = await order(loket, "duo")
    url = f"/api/v1/opschortingen/{chain['opschorting_id']}"
    response = await cjib.get(url)
    unknown = await cjib.get("/api/v1/opschortingen/nope")
    # The same answer as for a time-out that does not exist: existence is not disclosed.
    assert (response.status_code, unknown.status_code) == (404, 404)
    assert response.json()["detail"][0]["field"] == unknown.json()["detail"][0]["field"]
    assert (await loket.get(url)).status_code == 200


async def test_an_agency_cannot_see_casussen_nor_change_a_time_out(loket, cjib):
    chain = await order(loket, "cjib")
    casus_id, url = chain["casus_id"], f"/api/v1/opschortingen/{chain['opschorting_id']}"
    for path in (
        "/api/v1/casussen",
        f"/api/v1/casussen/{casus_id}",
        f"/api/v1/casussen/{casus_id}/audit",
    ):
        assert (await cjib.get(path)).status_code == 403, path
    assert (await cjib.post(f"{url}/opheffing", json={"reden": "zelf"})).status_code == 403
    assert (await cjib.post("/api/v1/casussen", json=casus_body(BSN))).status_code == 403


async def test_an_agency_lists_its_own_open_requests_and_no_others(loket, cjib, duo):
    first = await order(loket, "cjib", "duo")
    second = await order(loket, "cjib")
    page = (await cjib.get("/api/v1/verzoeken", params={"per_pagina": 1})).json()
    assert (page["totaal"], len(page["items"])) == (2, 1)
    both = (await cjib.get("/api/v1/verzoeken")).json()["items"]
    assert {i["instrument_id"] for i in both} == {first["opschorting_id"], second["opschorting_id"]}
    duo_ids = {s["instructie_id"] for s in first["keten"] if s["uitvoerder"] == "duo"}
    assert not duo_ids & {i["instructie_id"] for i in both}
    assert (await duo.get("/api/v1/verzoeken")).json()["totaal"] == 1

    await publish(loket, answer_event(second, "cjib"))

    async def one_left() -> bool:
        return (await cjib.get("/api/v1/verzoeken")).json()["totaal"] == 1

    await eventually(one_left)
    open_now = (await cjib.get("/api/v1/verzoeken")).json()
    assert [i["instrument_id"] for i in open_now["items"]] == [first["opschorting_id"]]
    confirmed = (await cjib.get("/api/v1/verzoeken", params={"status": "confirmed"})).json()
    assert [i["referentie"] for i in confirmed["items"]] == ["CJIB-REF-1"]
    assert (await loket.get("/api/v1/verzoeken")).status_code == 403


async def test_the_audit_actor_is_the_proven_oin_for_submit_order_and_changes(loket):
    chain = await order(loket, "cjib")
    url = f"/api/v1/opschortingen/{chain['opschorting_id']}"
    later = dt.date.fromisoformat(chain["einddatum"]) + dt.timedelta(days=30)
    await loket.post(f"{url}/verlengingen", json={"einddatum": later.isoformat(), "reden": "r"})
    await loket.post(f"{url}/opheffing", json={"reden": "klaar"})
    await loket.post(f"/api/v1/casussen/{chain['casus_id']}/acceptatie")
    audit = (await loket.get(f"/api/v1/casussen/{chain['casus_id']}/audit")).json()
    by_actie = {e["actie"]: e["actor"] for e in audit}
    for actie in (
        "casus.ingediend",
        "opschorting.opgedragen",
        "opschorting.verlengd",
        "opschorting.opgeheven",
        "casus.geaccepteerd",
    ):
        assert by_actie.get(actie) == LOKET_DOOR, (actie, by_actie)


async def test_the_openapi_document_declares_mutual_tls_on_every_operation_but_health(loket):
    document = (await loket.get("/openapi.json")).json()
    assert document["openapi"].startswith("3.1")
    assert document["components"]["securitySchemes"]["mutualTLS"]["type"] == "mutualTLS"
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if path in OPEN:
                assert "security" not in operation
                continue
            assert operation["security"] == [{"mutualTLS": []}], (method, path)
            assert operation["x-rollen"], (method, path)
            assert {"401", "403"} <= set(operation["responses"]), (method, path)
