"""maatwerk-hub: holds the state of every casus and order, fans time-outs out to the agencies and
tracks their answers."""

from schemas.startup_imports import import_without_cli_extras

# Before anything of the hub imports structlog or httpx: rich stays out of the process.
import_without_cli_extras()
