"""What the project's long-running processes leave unimported: the command-line extras two of
their libraries load whenever they are installed.

structlog imports rich (its console, traceback and pretty-printer) when it is first imported, for
its development console renderer; httpx imports its own command-line client (``httpx._main``:
click, pygments' lexers and rich's console, progress bar, syntax highlighter and table). A hub or
a connector uses neither: its lines are JSON (:mod:`schemas.logs`), and with ``LOG_FORMAT=console``
structlog's renderer is handed the exception already formatted as text (``format_exc_info`` runs
before it), so rich is never called there either. rich stays installed (typer's help and the
operators' commands, such as ``maatwerk-hub deadletters replay``, load it when they run); it is
hidden only while structlog and httpx are first imported. That is about 4 MiB of each process's
resident memory (bench/PROFILE.md, round 6).
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator

HIDDEN = ("rich", "httpx._main")
"""Modules that look not installed while structlog and httpx are first imported."""


def import_without_cli_extras() -> None:
    """Import structlog and httpx with :data:`HIDDEN` hidden.

    Call it before either is imported: first thing in a process's package ``__init__``. Where one
    was imported already (a test process) it stays as it is. The hiding is process-wide while it
    lasts, which is fine for start-up code, before any thread."""
    with _hidden(HIDDEN):
        import httpx  # noqa: F401
        import structlog  # noqa: F401


WITHOUT_HTTP = ("uvicorn",)
"""What FastStream imports whenever it is installed, for an app that serves HTTP (its ASGI app,
its command line); a connector with no health port (``ConnectorSettings.health_port``) serves
none: uvicorn with click and multiprocessing, about 2 MiB of its resident memory."""


def import_faststream_without_http() -> None:
    """Import FastStream with :data:`WITHOUT_HTTP` hidden: it takes uvicorn for not installed.

    For a process that serves no HTTP through FastStream (its ASGI app cannot run then), before
    FastStream is first imported. Where it was imported already it stays as it is."""
    with _hidden(WITHOUT_HTTP):
        import faststream  # noqa: F401


@contextlib.contextmanager
def _hidden(names: tuple[str, ...]) -> Iterator[None]:
    """``names`` look not installed inside the block (those not imported yet)."""
    hidden = [name for name in names if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # importing it raises ImportError
    try:
        yield
    finally:
        for name in hidden:
            if name in sys.modules and sys.modules[name] is None:
                del sys.modules[name]
