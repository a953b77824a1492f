"""Alembic environment of the hub's store.

The hub runs ``upgrade head`` itself at start-up on its own connection (``hub.adapters.database``);
``maatwerk-hub db ...`` runs the same from the command line against ``HUB_DATABASE_URL``.
"""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection

from hub.adapters.orm import Base

config = context.config
target_metadata = Base.metadata


def run_with(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_online() -> None:
    from hub.adapters.database import create_engine
    from hub.adapters.migrations import run_with_foreign_keys_deferred

    engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
    try:
        async with engine.connect() as connection:
            await connection.run_sync(
                lambda sync: run_with_foreign_keys_deferred(sync, lambda: run_with(sync))
            )
    finally:
        await engine.dispose()


connection = config.attributes.get("connection")
if connection is not None:
    run_with(connection)
elif context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata)
    with context.begin_transaction():
        context.run_migrations()
else:
    asyncio.run(run_online())
