"""The client certificate reaches the app through a real uvicorn server (``hub/adapters/tls.py``).

``tls.py`` subclasses uvicorn's h11 protocol and leans on what is not uvicorn's API: the module
``uvicorn._types``, ``H11Protocol.connection_made(transport)``, and the protocol's ``app``
attribute being read for each request after the connection was made. pyproject.toml caps uvicorn
below the next minor for that reason; these tests are what must pass before the cap is raised.
They run the hub's own ``server_config`` over real TLS on a local socket, so a uvicorn that
changes any of it fails here, by name, instead of every caller getting 401 in production.
"""

from __future__ import annotations

import asyncio
import importlib
import importlib.metadata
import inspect
import json
import socket
import ssl
import time
from typing import Any

import httpx
import pytest
import uvicorn

from schemas.organisaties import LOKET
from tests.support.pki import Pki, make_pki

UVICORN = importlib.metadata.version("uvicorn")
BROKEN = (
    f"hub/adapters/tls.py depends on uvicorn internals (uvicorn._types, "
    f"H11Protocol.connection_made, H11Protocol.app read per request) and uvicorn {UVICORN} "
    "changed them: adapt tls.py (or use uvicorn's own ASGI TLS extension, if it has one now) "
    "before raising the bound on uvicorn in pyproject.toml"
)


def test_the_uvicorn_internals_tls_py_imports_are_there():
    try:
        types = importlib.import_module("uvicorn._types")
        h11_impl = importlib.import_module("uvicorn.protocols.http.h11_impl")
        importlib.import_module("hub.adapters.tls")
    except ImportError as exc:
        pytest.fail(f"{BROKEN}: {exc}")
    missing = [
        name
        for name in ("ASGI3Application", "ASGIReceiveCallable", "ASGISendCallable", "Scope")
        if not hasattr(types, name)
    ]
    assert not missing, f"{BROKEN}: uvicorn._types lacks {missing}"
    connection_made = getattr(h11_impl.H11Protocol, "connection_made", None)
    assert connection_made is not None, f"{BROKEN}: H11Protocol.connection_made is gone"
    parameters = list(inspect.signature(connection_made).parameters)
    assert parameters[:2] == ["self", "transport"], (
        f"{BROKEN}: H11Protocol.connection_made takes {parameters}"
    )


async def _echo_tls(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """An app that answers with the TLS extension it was given."""
    if scope["type"] != "http":
        return
    tls = (scope.get("extensions") or {}).get("tls")
    body = json.dumps(tls).encode()
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": body})


@pytest.fixture
async def tls_server(tmp_path):
    """The hub's mutual-TLS uvicorn configuration serving :func:`_echo_tls` on a free port."""
    from hub.adapters.tls import server_config

    pki = make_pki(tmp_path / "pki")
    cert, key = pki.cert("hub")
    config = server_config(
        _echo_tls,
        host="127.0.0.1",
        port=0,
        cert=cert,
        key=key,
        ca=str(pki.ca),
        lifespan="off",
        log_level="warning",
    )
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    deadline = time.monotonic() + 30
    while not server.started:
        assert not task.done(), f"uvicorn {UVICORN} did not start: {task.exception()!r}"
        assert time.monotonic() < deadline, f"uvicorn {UVICORN} did not start within 30 s"
        await asyncio.sleep(0.05)
    try:
        yield pki, f"https://127.0.0.1:{port}/"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 30)
        sock.close()


def _client(pki: Pki, cert: tuple[str, str] | None) -> httpx.AsyncClient:
    context = ssl.create_default_context(cafile=str(pki.ca))
    if cert is not None:
        context.load_cert_chain(*cert)
    return httpx.AsyncClient(verify=context, timeout=30)


async def test_the_app_gets_the_callers_certificate_from_uvicorn(tls_server):
    pki, url = tls_server
    async with _client(pki, pki.cert("loket")) as client:
        response = await client.get(url)
    assert response.status_code == 200, response.text
    tls = response.json()
    assert tls is not None, f"{BROKEN}: the app got no scope['extensions']['tls']"
    assert tls["client_cert_chain"] == [ssl.DER_cert_to_PEM_cert(_der(pki.pem("loket")))], BROKEN
    assert LOKET.oin in tls["client_cert_name"], BROKEN
    assert tls["tls_version"] in (0x0303, 0x0304)


async def test_without_a_certificate_the_handshake_holds_and_the_app_sees_none(tls_server):
    """``/health`` must answer probes that bring no certificate; the app refuses them elsewhere."""
    pki, url = tls_server
    async with _client(pki, None) as client:
        response = await client.get(url)
    assert response.status_code == 200, response.text
    tls = response.json()
    assert tls is not None, f"{BROKEN}: the app got no scope['extensions']['tls']"
    assert tls["client_cert_chain"] == []
    assert tls["client_cert_name"] is None


def _der(pem: str) -> bytes:
    return ssl.PEM_cert_to_DER_cert(pem)
