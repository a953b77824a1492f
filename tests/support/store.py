"""A SQLite store at the newest revision for a test, without migrating it per test.

Running the twenty-odd migrations takes about a second per fresh store, and the API and store
tests make one per test, the stacks one per hub process. :func:`migrated_sqlite` migrates one
template per test process (with the project's own migrations, as the hub does at start) and gives
each test a copy of the file; the hub then finds its store at head and starts at once. Tests of
the migrations themselves make their own stores.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
from pathlib import Path

from sqlalchemy import create_engine

from hub.adapters.migrations import alembic_config, run_with_foreign_keys_deferred

_template: Path | None = None
_lock = threading.Lock()


def _migrate(path: Path) -> None:
    from alembic import command

    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            run_with_foreign_keys_deferred(connection, lambda: command.upgrade(config, "head"))
    finally:
        engine.dispose()


def migrated_sqlite(path: Path) -> str:
    """The URL of a SQLite store at ``path``, already at the newest revision."""
    global _template
    with _lock:
        if _template is None:
            template = Path(tempfile.mkdtemp(prefix="maatwerk-store-")) / "template.sqlite3"
            _migrate(template)
            _template = template
    shutil.copyfile(_template, path)
    return f"sqlite+aiosqlite:///{path}"
