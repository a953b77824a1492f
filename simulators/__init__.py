"""SIMULATED agency back-offices (Belastingdienst, CJIB, DUO, CAK, SVB, UWV, IND and the
municipalities' social services) for development and tests.

Each simulator is a real HTTP server with the agency's own API shape, reference numbers, claims
register (seeded from ``simulators/<agency>/seed.json``) and refusal rules. Nothing here is a real
agency interface; ``hub`` and ``connectors`` never import this package.
"""

POORTEN: dict[str, int] = {
    "belastingdienst": 8101,
    "cjib": 8102,
    "duo": 8103,
    "cak": 8104,
    "svb": 8105,
    "uwv": 8106,
    "ind": 8107,
    "gemeente": 8108,
}
"""The simulated agencies and the port each listens on by default: the one list of the agencies
the local stack (``make run``), the tests and the benchmarks run."""

AGENCIES: tuple[str, ...] = tuple(POORTEN)

DEELNEMER_POORTEN: dict[str, int] = {
    "gemeente-utrecht": 8201,
    "zorgverzekeraar": 8202,
    "zorgkantoor": 8203,
}
"""SIMULATED parties without Kafka (``simulators.deelnemer``) that ``make run`` starts, and their
ports: the municipality and the insurer get webhooks there (HTTPS), the care office pulls (its
port serves only ``/health`` and what it got)."""
DEELNEMER_PULLERS: frozenset[str] = frozenset({"zorgkantoor"})
