"""The hub and a connector make their TLS read buffers small before their first connection
(``schemas.tls_buffer``): the hub's ``serve`` and the connector's ``run``, with what they start
replaced by stand-ins that note the buffer size in force when they would have started."""

from __future__ import annotations

import asyncio.sslproto
import sys

import pytest
from typer.testing import CliRunner

from schemas.tls_buffer import READ_BUFFER

ASYNCIO_DEFAULT = 256 * 1024


@pytest.fixture
def asyncio_default(monkeypatch):
    """asyncio's own size for the test, restored after it."""
    monkeypatch.setattr(asyncio.sslproto.SSLProtocol, "max_size", ASYNCIO_DEFAULT)


def test_the_hub_serves_with_small_tls_read_buffers(asyncio_default, monkeypatch, tmp_path):
    import hub.adapters.malloc
    import hub.adapters.telemetry
    import hub.adapters.tls
    import hub.adapters.upgrade_apart
    import hub.app
    from hub.cli import app

    seen: list[int] = []
    monkeypatch.setattr(hub.adapters.malloc, "limit_arenas", lambda: False)
    monkeypatch.setattr(hub.adapters.telemetry, "configure", lambda: None)
    monkeypatch.setattr(hub.adapters.upgrade_apart, "upgrade_apart", lambda _url: None)
    monkeypatch.setattr(hub.app, "create_app", lambda _settings: object())
    monkeypatch.setattr(hub.adapters.tls, "serving_config", lambda *_a, **_k: None)
    monkeypatch.setattr("uvicorn.Server.run", lambda _server: seen.append(read_buffer()))
    monkeypatch.setenv("HUB_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'hub.sqlite3'}")
    # `serve` hides pydantic's pydantic-1 copy from the process: only for this test's duration.
    monkeypatch.setitem(sys.modules, "pydantic.v1", sys.modules.get("pydantic.v1"))

    result = CliRunner().invoke(app, ["serve", "--port", "1"])

    assert result.exit_code == 0, result.output
    assert seen == [READ_BUFFER]


def test_a_connector_runs_with_small_tls_read_buffers(asyncio_default, monkeypatch, tmp_path):
    import connectors.base.telemetry
    import connectors.cli

    keys = tmp_path / "keys"
    runner = CliRunner()
    made = runner.invoke(
        connectors.cli.app, ["keygen", "--agency", "cjib", "--keys-dir", str(keys)]
    )
    assert made.exit_code == 0, made.output
    seen: list[int] = []

    def started(coroutine):
        coroutine.close()
        seen.append(read_buffer())

    monkeypatch.setattr(connectors.base.telemetry, "configure", lambda _name: None)
    monkeypatch.setattr(connectors.cli.asyncio, "run", started)

    result = runner.invoke(connectors.cli.app, ["run", "--agency", "cjib", "--keys-dir", str(keys)])

    assert result.exit_code == 0, result.output
    assert seen == [READ_BUFFER]


def read_buffer() -> int:
    return asyncio.sslproto.SSLProtocol.max_size
