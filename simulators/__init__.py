"""SIMULATED agency back-offices (Belastingdienst, CJIB, DUO) for development and tests.

Each simulator is a real HTTP server with the agency's own API shape, reference numbers, claims
register (seeded from ``simulators/<agency>/seed.json``) and refusal rules. Nothing here is a real
agency interface; ``hub`` and ``connectors`` never import this package.
"""

AGENCIES = ("belastingdienst", "cjib", "duo")
