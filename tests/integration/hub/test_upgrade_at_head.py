"""A hub that starts on a store at the newest revision does not load the migration scripts again
(about 25 ms of every start, and of every in-process hub the tests start); a store behind is still
brought to head."""

from __future__ import annotations

from alembic import command
from sqlalchemy import text

from hub.adapters.database import create_engine
from hub.adapters.migrations import downgrade, upgrade


async def test_a_store_at_head_is_left_alone_and_one_behind_is_upgraded(tmp_path, monkeypatch):
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'hub.sqlite3'}")
    try:
        await upgrade(engine)
        async with engine.connect() as connection:
            head = (await connection.execute(text("SELECT version_num FROM alembic_version"))).one()
        upgrades: list[str] = []
        real_upgrade = command.upgrade

        def counted(config, revision, *args, **kwargs):
            upgrades.append(revision)
            return real_upgrade(config, revision, *args, **kwargs)

        monkeypatch.setattr(command, "upgrade", counted)  # as hub.adapters.migrations calls it
        await upgrade(engine)
        assert upgrades == []

        await downgrade(engine, "-1")
        await upgrade(engine)
        assert upgrades == ["head"]
        async with engine.connect() as connection:
            now = (await connection.execute(text("SELECT version_num FROM alembic_version"))).one()
        assert now == head
    finally:
        await engine.dispose()


async def test_an_empty_store_is_migrated(tmp_path):
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'leeg.sqlite3'}")
    try:
        await upgrade(engine)
        async with engine.connect() as connection:
            tables = (
                await connection.execute(
                    text("SELECT count(*) FROM sqlite_master WHERE type='table'")
                )
            ).scalar_one()
        assert tables > 10
    finally:
        await engine.dispose()
