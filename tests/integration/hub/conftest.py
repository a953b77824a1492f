"""Fixtures of the hub's store tests: each runs on SQLite and on a fresh PostgreSQL database."""

from __future__ import annotations

import pytest

from hub.bootstrap import build_hub
from hub.settings import Settings
from schemas.versleuteling import generate_private_key, public_key_pem
from simulators import AGENCIES


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'hub.sqlite3'}"
    return request.getfixturevalue("fresh_postgres_url")


@pytest.fixture
async def hub(database_url, tmp_path):
    keys = tmp_path / "keys"
    keys.mkdir()
    for agency in AGENCIES:
        (keys / f"{agency}.pub").write_bytes(public_key_pem(generate_private_key().public_key()))
    hub = await build_hub(Settings(database_url=database_url, keys_dir=keys))
    yield hub
    await hub.close()
