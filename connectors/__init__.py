"""The agencies' connectors: each consumes its agency's instructions from Kafka, delivers them to
the agency's back-office and publishes the answers."""

from schemas.startup_imports import import_without_cli_extras

# Before anything of a connector imports structlog or httpx: rich stays out of the process.
import_without_cli_extras()
