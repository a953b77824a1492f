"""``maatwerk-simulator``: run a SIMULATED agency back-office as a real HTTP server.

maatwerk-simulator run --agency cjib --port 8102 [--seed PATH] [--state-file PATH]

With ``--state-file`` (or ``SIMULATOR_STATE_FILE``) the back-office keeps its state in that SQLite
file (created on first start; ``make run`` uses ``.var/simulators/<agency>.sqlite3``), so a restart
forgets nothing; without it the state lives in memory only.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Annotated

import typer
import uvicorn

from schemas.logs import configure_logging
from simulators import AGENCIES, POORTEN

app = typer.Typer(help="Simulated agency back-offices (development and tests only).")


@app.callback()
def _main() -> None:
    """Simulated agency back-offices (development and tests only)."""


@app.command()
def run(
    agency: Annotated[str, typer.Option(help=f"One of: {', '.join(AGENCIES)}.")],
    port: Annotated[int | None, typer.Option(help="Port (default: simulators.POORTEN).")] = None,
    seed: Annotated[
        Path | None, typer.Option(help="Seed file (default simulators/<agency>/seed.json).")
    ] = None,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    state_file: Annotated[
        Path | None,
        typer.Option(
            envvar="SIMULATOR_STATE_FILE",
            help="Keep the state in this SQLite file (created when missing; default: memory).",
        ),
    ] = None,
) -> None:
    """Serve one simulator until interrupted."""
    if agency not in AGENCIES:
        raise typer.BadParameter(f"unknown agency {agency!r}; choose from {', '.join(AGENCIES)}")
    if seed is not None and not seed.is_file():
        raise typer.BadParameter(f"seed file not found: {seed}")
    configure_logging()
    module = importlib.import_module(f"simulators.{agency}")
    asgi = module.create_app(seed, toestand=state_file)
    uvicorn.run(asgi, host=host, port=port or POORTEN[agency], log_level="info", log_config=None)


@app.command()
def agencies() -> None:
    """List the simulated agencies and their default ports."""
    for naam in AGENCIES:
        typer.echo(f"{naam}\t{POORTEN[naam]}")


if __name__ == "__main__":
    app()
