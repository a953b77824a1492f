"""Fixtures of the hub's store tests: each runs on SQLite and on a fresh PostgreSQL database."""

from __future__ import annotations

import pytest

from hub.bootstrap import build_hub
from hub.settings import Settings
from schemas.versleuteling import generate_private_key, public_key_pem
from simulators import AGENCIES
from tests.support.store import migrated_sqlite


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_engine(request):
    """The database server of a store test: each runs on both."""
    return request.param


@pytest.fixture
def empty_database_url(store_engine, request, tmp_path):
    """An empty store: what the tests of the migrations start from."""
    if store_engine == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'hub.sqlite3'}"
    return request.getfixturevalue("fresh_postgres_url")


@pytest.fixture
def database_url(store_engine, request, tmp_path):
    """A store for the hub, already at the newest revision (the hub finds it there): on SQLite a
    copy of a file migrated once per test run, on PostgreSQL a copy of a database migrated once
    per session."""
    if store_engine == "sqlite":
        return migrated_sqlite(tmp_path / "hub-at-head.sqlite3")
    return request.getfixturevalue("migrated_postgres_url")


@pytest.fixture
async def hub(database_url, tmp_path):
    keys = tmp_path / "keys"
    keys.mkdir()
    for agency in AGENCIES:
        (keys / f"{agency}.pub").write_bytes(public_key_pem(generate_private_key().public_key()))
    hub = await build_hub(Settings(database_url=database_url, keys_dir=keys))
    yield hub
    await hub.close()
