from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from hub.settings import Settings
from schemas.versleuteling import generate_private_key, private_key_pem, public_key_pem

AGENCIES = ("belastingdienst", "cjib", "duo")


@pytest.fixture
def agency_keys(tmp_path: Path) -> dict[str, X25519PrivateKey]:
    keys_dir = tmp_path / "keys"
    keys_dir.mkdir()
    keys = {}
    for agency in AGENCIES:
        key = generate_private_key()
        (keys_dir / f"{agency}.key").write_bytes(private_key_pem(key))
        (keys_dir / f"{agency}.pub").write_bytes(public_key_pem(key.public_key()))
        keys[agency] = key
    return keys


@pytest.fixture
def hub_settings(tmp_path: Path, agency_keys: dict[str, X25519PrivateKey]) -> Settings:
    return Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'hub.sqlite3'}",
        keys_dir=tmp_path / "keys",
        kafka_bootstrap_servers="127.0.0.1:1",
        outbox_poll_seconds=0.05,
    )


@contextlib.asynccontextmanager
async def running(app) -> AsyncIterator[None]:  # type: ignore[no-untyped-def]
    async with app.router.lifespan_context(app):
        yield
