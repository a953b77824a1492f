"""How the answers of one instrument are read and applied: a :class:`Route`, and the table of
them by answer type.

The table is data: each instrument module defines its ``ANTWOORD_ROUTE``, ``hub.bootstrap`` lists
them (``ANTWOORD_ROUTES``) and builds the table once (:func:`routetabel`); the one answer handler
(``hub.service.antwoorden``) reads it from ``Deps.antwoorden`` and the hub subscribes to the
topics it names (:func:`antwoord_topics`). Nothing is registered by importing a module.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from schemas import EventData
from schemas.topics import topics_for_type


@dataclass(frozen=True)
class Route:
    """How the answers of one instrument are read and applied."""

    antwoorden: tuple[type[EventData], ...]
    """The contract types of the answers."""
    instructie_id: Callable[[Any], str]
    """The event id of the instruction the answer names."""
    uitvoerder: Callable[[Any], str]
    """The agency that answers."""
    status: Callable[[Any], str]
    """The status the answer gives the request (for the metrics)."""
    beantwoord: Callable[..., Awaitable[bool]]
    """``(instrument_id, uitvoerder, data, uow, *, door, event_id) -> changed``: apply the answer
    to the instrument's aggregate and save it (inside the caller's unit of work)."""


def routetabel(routes: Iterable[Route]) -> dict[str, Route]:
    """Every answer type the hub takes, and its route. Two routes for one type is a wiring error,
    raised at start rather than letting one silently win."""
    tabel: dict[str, Route] = {}
    for route in routes:
        for soort in route.antwoorden:
            if soort.event_type in tabel:
                raise ValueError(f"{soort.event_type} has a route already")
            tabel[soort.event_type] = route
    return tabel


def antwoord_topics(tabel: Mapping[str, Route]) -> list[str]:
    """Every topic that carries an answer type the table has a route for."""
    return sorted({t.name for event_type in tabel for t in topics_for_type(event_type)})
