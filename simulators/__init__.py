"""SIMULATED agency back-offices (Belastingdienst, CJIB, DUO, UWV, IND) for development and tests.

Each simulator is a real HTTP server with the agency's own API shape, reference numbers, claims
register (seeded from ``simulators/<agency>/seed.json``) and refusal rules. Nothing here is a real
agency interface; ``hub`` and ``connectors`` never import this package.
"""

POORTEN: dict[str, int] = {
    "belastingdienst": 8101,
    "cjib": 8102,
    "duo": 8103,
    # UWV and IND
    "uwv": 8106,
    "ind": 8107,
}
"""The simulated agencies and the port each listens on by default: the one list of the agencies
the local stack (``make run``), the tests and the benchmarks run."""

AGENCIES: tuple[str, ...] = tuple(POORTEN)
