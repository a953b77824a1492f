"""The SQL statements one task runs, counted (``statements()``): what a request or a batch of
answers costs in round trips to the store, without the relay's or any other background task's."""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

_counting: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar(
    "counting", default=None
)


def _count(
    conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool
) -> None:
    seen = _counting.get()
    if seen is not None:
        seen.append(statement)


@contextlib.contextmanager
def statements() -> Iterator[list[str]]:
    """The statements run in this task (e.g. a request, handled in the test's own task by the
    in-process transport), not those of the relay or any other background task."""
    seen: list[str] = []
    token = _counting.set(seen)
    event.listen(Engine, "before_cursor_execute", _count)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", _count)
        _counting.reset(token)
