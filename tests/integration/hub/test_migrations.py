"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from hub.adapters.database import create_engine, create_schema
from hub.adapters.migrations import alembic_config
from hub.adapters.orm import Base


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'hub.sqlite3'}"
    return request.getfixturevalue("fresh_postgres_url")


async def test_migrated_store_matches_the_models_and_upgrading_twice_is_harmless(database_url):
    engine = create_engine(database_url)
    try:
        await create_schema(engine)
        await create_schema(engine)
        async with engine.connect() as conn:
            diff = await conn.run_sync(
                lambda sync: compare_metadata(MigrationContext.configure(sync), Base.metadata)
            )
        assert diff == []
    finally:
        await engine.dispose()


async def test_downgrade_to_base_removes_every_table(database_url):
    engine = create_engine(database_url)
    try:
        await create_schema(engine)

        def downgrade(sync):
            config = alembic_config()
            config.attributes["connection"] = sync
            command.downgrade(config, "base")

        async with engine.begin() as conn:
            await conn.run_sync(downgrade)
        async with engine.connect() as conn:
            tables = await conn.run_sync(lambda sync: inspect(sync).get_table_names())
        assert set(tables) <= {"alembic_version"}
    finally:
        await engine.dispose()
