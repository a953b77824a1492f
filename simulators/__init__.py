"""SIMULATED agency back-offices (Belastingdienst, CJIB, DUO, CAK, SVB, UWV, IND and the
municipalities' social services) for development and tests.

Each simulator is a real HTTP server with the agency's own API shape, reference numbers, claims
register (seeded from ``simulators/<agency>/seed.json``) and refusal rules. Nothing here is a real
agency interface; ``hub`` and ``connectors`` never import this package. Each is found through its
entry point (:data:`ENTRY_POINT_GROUP`), as an outside agency's simulator is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import cache
from importlib.metadata import entry_points
from pathlib import Path
from types import MappingProxyType
from typing import Any, Protocol

from schemas.organisaties import Levend, uitvoerders

ENTRY_POINT_GROUP = "maatwerk_hub.simulators"
"""Where a simulated back-office registers its app factory (entry point name = agency code):
``create_app(seed: Path | None, *, toestand: Path | None) -> ASGI app``."""


class AppFabriek(Protocol):
    def __call__(self, seed: Path | None = ..., *, toestand: Path | None = ...) -> Any: ...


@cache
def simulatoren() -> Mapping[str, Callable[[], AppFabriek]]:
    """The installed simulators by agency code (registry order), each as a loader of its app
    factory: only agencies in the registry (:func:`schemas.organisaties.uitvoerders`) count.
    Read once per process, as the registry is."""
    gevonden = {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}
    return MappingProxyType(
        {code: gevonden[code].load for code in uitvoerders() if code in gevonden}
    )


class _Poorten(Mapping[str, int]):
    def __getitem__(self, code: str) -> int:
        if code not in simulatoren():
            raise KeyError(code)
        return uitvoerders()[code].poort

    def __iter__(self) -> Iterator[str]:
        return iter(simulatoren())

    def __len__(self) -> int:
        return len(simulatoren())


POORTEN: Mapping[str, int] = _Poorten()
"""The simulated agencies (every installed simulator of an installed agency) and the port each
listens on by default (its agency's description): the agencies the local stack (``make run``),
the tests and the benchmarks run."""

AGENCIES: Sequence[str] = Levend(lambda: tuple(simulatoren()))

DEELNEMER_POORTEN: dict[str, int] = {
    "gemeente-utrecht": 8201,
    "zorgverzekeraar": 8202,
    "zorgkantoor": 8203,
}
"""SIMULATED parties without Kafka (``simulators.deelnemer``) that ``make run`` starts, and their
ports: the municipality and the insurer get webhooks there (HTTPS), the care office pulls (its
port serves only ``/health`` and what it got)."""
DEELNEMER_PULLERS: frozenset[str] = frozenset({"zorgkantoor"})
