"""``maatwerk-simulator``: run a SIMULATED agency back-office as a real HTTP server.

maatwerk-simulator run --agency cjib --port 8102 [--seed PATH] [--state-file PATH]

With ``--state-file`` (or ``SIMULATOR_STATE_FILE``) the back-office keeps its state in that SQLite
file (created on first start; ``make run`` uses ``.var/simulators/<agency>.sqlite3``), so a restart
forgets nothing; without it the state lives in memory only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
import uvicorn

from schemas.logs import configure_logging
from simulators import AGENCIES, POORTEN, simulatoren

app = typer.Typer(help="Simulated agency back-offices (development and tests only).")


@app.callback()
def _main() -> None:
    """Simulated agency back-offices (development and tests only)."""


@app.command()
def run(
    agency: Annotated[str, typer.Option(help="An installed agency (see `agencies`).")],
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
    tls_cert: Annotated[
        Path | None,
        typer.Option(help="Serve HTTPS with this certificate (PEM); needs the two below."),
    ] = None,
    tls_key: Annotated[Path | None, typer.Option(help="Its private key (PEM).")] = None,
    tls_ca: Annotated[
        Path | None,
        typer.Option(help="Ask callers for a client certificate from this CA (mutual TLS)."),
    ] = None,
) -> None:
    """Serve one simulator until interrupted."""
    if agency not in AGENCIES:
        raise typer.BadParameter(f"unknown agency {agency!r}; choose from {', '.join(AGENCIES)}")
    if seed is not None and not seed.is_file():
        raise typer.BadParameter(f"seed file not found: {seed}")
    tls = (tls_cert, tls_key, tls_ca)
    if any(p is not None for p in tls) and any(p is None or not p.is_file() for p in tls):
        raise typer.BadParameter("--tls-cert, --tls-key and --tls-ca: all three, existing files")
    configure_logging()  # the options are sound: from here on the process is the simulator
    asgi = simulatoren()[agency]()(seed, toestand=state_file)
    poort = port or POORTEN[agency]
    # No access log: the app logs each request itself, with its trace (simulators.common.app).
    if all(p is None for p in tls):
        uvicorn.run(
            asgi, host=host, port=poort, log_level="info", log_config=None, access_log=False
        )
        return
    # The hub's mutual-TLS server: the caller's certificate reaches the app (ASGI TLS extension),
    # so a back-office can check whose it is (simulators.gemeente lets a municipality's OIN only
    # into that municipality's tenant).
    from hub.adapters.tls import server_config

    config = server_config(
        asgi, host=host, port=poort, cert=str(tls_cert), key=str(tls_key), ca=str(tls_ca),
        log_level="info", log_config=None, access_log=False,
    )  # fmt: skip
    uvicorn.Server(config).run()


@app.command()
def agencies() -> None:
    """List the simulated agencies and their default ports."""
    for naam in AGENCIES:
        typer.echo(f"{naam}\t{POORTEN[naam]}")


@app.command()
def deelnemer(
    code: Annotated[str, typer.Option(help="The party's organisation code, e.g. zorgkantoor.")],
    port: Annotated[int | None, typer.Option(help="Port (default: deelnemer.POORTEN).")] = None,
    hub_url: Annotated[str, typer.Option(help="The hub's API.")] = "https://127.0.0.1:8000",
    pki_dir: Annotated[Path, typer.Option(help="The local CA's certificates.")] = Path(".var/pki"),
    pull: Annotated[
        bool | None, typer.Option(help="Pull instead of push (default: zorgkantoor pulls).")
    ] = None,
) -> None:
    """A SIMULATED party without Kafka: gets the hub's messages over HTTPS (webhook or pull)."""
    import asyncio
    import ssl

    import httpx

    from simulators import deelnemer as sim

    configure_logging()
    cert = (str(pki_dir / f"{code}.pem"), str(pki_dir / f"{code}.key"))
    pulls = code in sim.PULLERS if pull is None else pull
    tls = ssl.create_default_context(cafile=str(pki_dir / "ca.pem"))
    tls.load_cert_chain(*cert)  # the party's own certificate: its OIN proves who calls

    def hub() -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=hub_url, verify=tls, timeout=10)

    partij = sim.Deelnemer(code=code, hub=hub)
    asyncio.run(
        sim.serve(
            partij,
            port=port or sim.POORTEN.get(code, 8200),
            pull=pulls,
            cert=None if pulls else cert,
        )
    )


if __name__ == "__main__":
    app()
