"""The store brought to the newest revision in a child process, before the hub serves.

Alembic with Mako and every migration script, once loaded, stays in the process for its life:
about 12 MiB of the hub's resident memory, for a migration that runs once. ``maatwerk-hub serve``
therefore checks the revision first (one query) and, when the store is behind, runs
:func:`hub.adapters.migrations.upgrade` (the same upgrade, with its lock on PostgreSQL) as
``python -m hub.adapters.upgrade_apart``; the hub's own upgrade at start then finds the store at
head. The child logs as the hub does (JSON lines on the stderr they share). A store in memory
cannot be reached from another process: it is migrated in the process as before.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

from sqlalchemy.engine import make_url

from hub.adapters.database import create_engine
from hub.adapters.migrations import at_head, upgrade

URL_ENV = "HUB_UPGRADE_DATABASE_URL"
"""The store the child upgrades: in its environment, not on its command line (where any user on
the host could read the password)."""


class UpgradeFailed(RuntimeError):
    """The child could not bring the store to head (its own lines say why)."""


def in_memory(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite" and make_url(url).database in (
        None,
        "",
        ":memory:",
    )


async def _behind(url: str) -> bool:
    engine = create_engine(url)
    try:
        return not await at_head(engine)
    finally:
        await engine.dispose()


def upgrade_apart(url: str) -> bool:
    """Bring the store at ``url`` to head in a child process when it is behind; whether a child
    ran. Raises :class:`UpgradeFailed` when it failed."""
    if in_memory(url) or not asyncio.run(_behind(url)):
        return False
    done = subprocess.run(  # noqa: S603 - this interpreter, this module
        [sys.executable, "-m", __name__], env={**os.environ, URL_ENV: url}, check=False
    )
    if done.returncode != 0:
        raise UpgradeFailed(f"the store's upgrade exited with {done.returncode}")
    return True


async def _upgrade(url: str) -> None:
    engine = create_engine(url)
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()


if __name__ == "__main__":
    from schemas.logs import configure_logging

    configure_logging()
    asyncio.run(_upgrade(os.environ[URL_ENV]))
