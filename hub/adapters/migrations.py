"""Schema migrations (Alembic): the hub upgrades its store to the newest revision at start-up.

Alembic is loaded only when the store is not at the newest revision: on the usual start the
check is one query against the revision named by the newest script's file name. Alembic with
every migration script loaded stays in the process for its life (about 10 MiB of the hub's).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from importlib import resources
from typing import TYPE_CHECKING

from sqlalchemy import exc as sa_exc
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

if TYPE_CHECKING:
    from alembic.config import Config

CURRENT_REVISION = "SELECT version_num FROM alembic_version"
"""The store's revision, from Alembic's own table (its default name)."""


def alembic_config(url: str | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", "hub:migrations")
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def run_with_foreign_keys_deferred(connection: Connection, migrate: Callable[[], None]) -> None:
    """Run ``migrate`` in one transaction; on SQLite with foreign keys off meanwhile.

    SQLite cannot alter most of a table in place: Alembic's batch mode copies it to a new table and
    drops the old one, which a table that other rows refer to refuses while foreign keys are on.
    The pragma only takes effect outside a transaction, so it is set around it; afterwards
    ``PRAGMA foreign_key_check`` must find nothing, or the upgrade fails (and is rolled back).
    """
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.commit()  # the driver sent no BEGIN before the pragma: nothing to commit
    try:
        with connection.begin():
            migrate()
            if sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"migration left broken foreign keys: {broken[:5]}")
    finally:
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()


MIGRATION_LOCK_KEY = 0x6D61617477657267
"""PostgreSQL advisory lock taken while migrating: replicas starting together migrate in turn."""


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Bring the store to ``revision`` (a no-op when it is there already). On PostgreSQL, hub
    replicas that start at once (a first install) take turns: the first migrates, the others
    then find the store at ``revision``."""

    def run(connection: Connection) -> None:
        if revision == "head" and _at_head(connection):
            return
        from alembic import command

        config = alembic_config()
        config.attributes["connection"] = connection
        run_with_foreign_keys_deferred(connection, lambda: command.upgrade(config, revision))

    async with contextlib.AsyncExitStack() as stack:
        if engine.dialect.name == "postgresql":
            lock = await stack.enter_async_context(engine.connect())
            key = {"key": MIGRATION_LOCK_KEY}
            await lock.execute(text("SELECT pg_advisory_lock(:key)"), key)
            await lock.commit()
            stack.push_async_callback(lock.commit)
            stack.push_async_callback(lock.execute, text("SELECT pg_advisory_unlock(:key)"), key)
        async with engine.connect() as connection:
            await connection.run_sync(run)


async def at_head(engine: AsyncEngine) -> bool:
    """Whether the store is at the newest revision (one query; Alembic is not loaded)."""
    async with engine.connect() as connection:
        return await connection.run_sync(_at_head)


def _at_head(connection: Connection) -> bool:
    """Whether the store is at the newest revision already (the usual start): then the upgrade
    is skipped, which would otherwise load Alembic and every migration script."""
    try:
        current = connection.execute(text(CURRENT_REVISION)).scalars()
        at_head = set(current) == {newest_revision()}
    except sa_exc.DBAPIError:  # no version table: a new store
        at_head = False
    connection.rollback()  # the read began a transaction; the upgrade begins its own
    return at_head


def newest_revision() -> str:
    """The newest migration's revision, from the scripts' file names (``NNNN_what.py`` with
    ``revision = "NNNN"``, each revising the one before: one line of history, so the newest is
    the head; ``tests/integration/hub/test_migrations.py`` holds this against Alembic's own)."""
    versions = resources.files("hub.migrations").joinpath("versions")
    return max(
        entry.name.split("_", 1)[0]
        for entry in versions.iterdir()
        if entry.name.endswith(".py") and entry.name[:4].isdigit()
    )


async def downgrade(engine: AsyncEngine, revision: str) -> None:
    """Take the store back to ``revision`` (for tests and for an operator undoing a release)."""

    def run(connection: Connection) -> None:
        from alembic import command

        config = alembic_config()
        config.attributes["connection"] = connection
        run_with_foreign_keys_deferred(connection, lambda: command.downgrade(config, revision))

    async with engine.connect() as connection:
        await connection.run_sync(run)
