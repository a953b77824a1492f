"""Strict types for what callers send: a page number, a row id, a day, an instant, a list without
repeats. Pydantic's lax defaults take too much: ``0`` or ``2026-12-01T00:00:00`` as a day, an
integer past what the store can hold (SQLite raises ``OverflowError`` on it: a 500), and a list
that names one agency twice (which the store then refuses: a 500). Each of these is a 422 naming
the field here, and no message repeats the value (it may be a BSN).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Hashable, Sequence
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, BeforeValidator, Field
from pydantic_core import PydanticCustomError

MAX_PAGINA = 1_000_000
"""The highest page number asked for: far past any list the hub keeps, well inside 64 bits."""

MAX_ID = 2**63 - 1
"""The largest row id the store holds (a signed 64-bit integer)."""

_GEHEEL = re.compile(r"\d{1,30}")


def _geheel(value: object) -> object:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and _GEHEEL.fullmatch(value):
        return value
    raise PydanticCustomError("int_format", "must be a whole number in digits")


Geheel = Annotated[int, BeforeValidator(_geheel)]
"""A whole number as digits only: not ``1.0``, ``1_0``, `` 1 `` or ``true`` (pydantic's lax
mode takes each of these)."""

Paginanummer = Annotated[Geheel, Field(ge=1, le=MAX_PAGINA, description="Page number, from 1.")]
RijId = Annotated[Geheel, Field(ge=1, le=MAX_ID)]

_DAG = re.compile(r"\d{4}-\d{2}-\d{2}")
_MOMENT = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|z|[+-]\d{2}:?\d{2})?"
)


def _dag(value: object) -> object:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and _DAG.fullmatch(value):
        return value
    raise PydanticCustomError("date_format", "must be a day as YYYY-MM-DD")


def _moment(value: object) -> object:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and _MOMENT.fullmatch(value):
        return value
    raise PydanticCustomError(
        "datetime_format", "must be an instant as YYYY-MM-DDThh:mm[:ss][offset] (ISO 8601)"
    )


Dag = Annotated[dt.date, BeforeValidator(_dag)]
"""A calendar day, written ``YYYY-MM-DD`` and nothing else: not a number, not an instant."""

Moment = Annotated[dt.datetime, BeforeValidator(_moment)]
"""An instant in ISO 8601 with a date and a time: not a bare number of seconds."""

T = TypeVar("T")


def zonder_herhaling(key: Callable[[Any], Hashable] = lambda v: v) -> AfterValidator:
    """A list in which no value (by ``key``) appears twice; the error names the position of the
    repeat, not the value."""

    def check(values: Sequence[T] | None) -> Sequence[T] | None:
        seen: set[Hashable] = set()
        for index, value in enumerate(values or ()):
            k = key(value)
            if k in seen:
                raise PydanticCustomError(
                    "list_repeats",
                    "must not name the same value twice (item {index} repeats an earlier one)",
                    {"index": index},
                )
            seen.add(k)
        return values

    return AfterValidator(check)


Uniek = zonder_herhaling()
"""``Annotated[list[X], Uniek]``: each value at most once."""
