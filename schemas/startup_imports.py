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

import sys

HIDDEN = ("rich", "httpx._main")
"""Modules that look not installed while structlog and httpx are first imported."""


def import_without_cli_extras() -> None:
    """Import structlog and httpx with :data:`HIDDEN` hidden.

    Call it before either is imported: first thing in a process's package ``__init__``. Where one
    was imported already (a test process) it stays as it is. The hiding is process-wide while it
    lasts, which is fine for start-up code, before any thread."""
    hidden = [name for name in HIDDEN if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # importing it raises ImportError
    try:
        import httpx  # noqa: F401
        import structlog  # noqa: F401
    finally:
        for name in hidden:
            if name in sys.modules and sys.modules[name] is None:
                del sys.modules[name]
