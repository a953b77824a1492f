"""``maatwerk-connector``: run an agency connector, or create its key pair.

    maatwerk-connector keygen --agency cjib --keys-dir .var/keys
    maatwerk-connector run --agency cjib
    maatwerk-connector certify --agency cjib --json certificate.json

Settings come from the environment (prefix ``CONNECTOR_``: ``CONNECTOR_KAFKA_BOOTSTRAP_SERVERS``,
``CONNECTOR_BACKOFFICE_URL``, ``CONNECTOR_KEYS_DIR``, ``CONNECTOR_KAFKA_SSL_CAFILE`` /
``_CERTFILE`` / ``_KEYFILE`` (the agency's own certificate), ...); options given here win.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import shlex
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from connectors.base.backoffice import Backoffice
    from connectors.base.koppeling import Koppeling
    from connectors.base.settings import ConnectorSettings

# Each command imports what it uses when it runs (the Kafka runtime, the conformance kit, rich):
# `keygen`, which `make run` starts once for every agency, needs none of them.

app = typer.Typer(help="Agency connectors of maatwerk-hub.")

AgencyOptie = Annotated[str, typer.Option(help="Agency code, e.g. belastingdienst, cjib, duo.")]


def _koppeling(agency: str) -> Koppeling:
    from connectors.base.koppeling import OnbekendeUitvoerder, laad_koppeling

    try:
        return laad_koppeling(agency)
    except OnbekendeUitvoerder as exc:
        raise typer.BadParameter(str(exc), param_hint="--agency") from None


def _geinstalleerd(agency: str) -> str:
    """``agency`` when it is installed and has a connector registered (not loaded)."""
    from importlib.metadata import entry_points

    from schemas.organisaties import Uitvoerder

    groep = "maatwerk_hub.connectors"  # connectors.base.koppeling.ENTRY_POINT_GROUP, unloaded
    try:
        code = Uitvoerder(agency).value
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--agency") from None
    if not entry_points(group=groep, name=code):
        fout = f"no connector installed for {agency!r} ({groep})"
        raise typer.BadParameter(fout, param_hint="--agency")
    return code


def _backoffice(
    koppeling: Koppeling, settings: ConnectorSettings
) -> AbstractAsyncContextManager[Backoffice]:
    """The agency's own way to its back-office(s), else one client on ``backoffice_url``."""
    from connectors.base.backoffice import BackofficeClient

    if koppeling.maak_backoffice is not None:
        return koppeling.maak_backoffice(settings)
    url = settings.backoffice_url or koppeling.standaard_url
    return BackofficeClient(base_url=url, timeout=settings.request_timeout)


async def _draai(koppeling: Koppeling, settings: ConnectorSettings) -> None:
    from faststream import FastStream

    from connectors.base.health import GroupMembership, routes, start_tasks, supervise
    from connectors.base.runtime import Herhaalbeleid, bouw_broker
    from connectors.base.sleutels import laad_private_key
    from connectors.base.startup import connect_when_reachable
    from schemas.logs import LogThrottle

    sleutel = laad_private_key(settings.keys_dir, koppeling.uitvoerder.value)
    async with _backoffice(koppeling, settings) as client:
        broker = bouw_broker(
            koppeling=koppeling,
            client=client,
            sleutel=sleutel,
            bootstrap_servers=settings.kafka_bootstrap_servers,
            tls=settings.kafka_tls,
            herhaalbeleid=Herhaalbeleid(
                pogingen=settings.retry_attempts,
                eerste_wachttijd=settings.retry_backoff_initial,
                max_wachttijd=settings.retry_backoff_max,
                fout_pogingen=settings.retry_server_error_attempts,
                peiling=settings.retry_probe_interval,
            ),
            log_throttle=LogThrottle(settings.log_interval),
            group_id=settings.group_id,
            listener=(group := GroupMembership()),
        )
        await connect_when_reachable(broker)
        supervisor = supervise(broker)
        start_tasks(supervisor)
        try:
            if settings.health_port is None:
                await FastStream(broker).run()
                return
            # GET /health and /ready (deploy/k8s probes): the broker's ping and the supervised
            # loops (connectors.base.health).
            from faststream.asgi import AsgiFastStream

            asgi = AsgiFastStream(broker, asgi_routes=routes(broker, supervisor, group))
            await asgi.run(
                run_extra_options={
                    "host": settings.health_host,
                    "port": settings.health_port,
                    "access_log": "false",
                }
            )
        finally:
            await supervisor.stop()


@app.command()
def run(
    agency: AgencyOptie,
    bootstrap_servers: Annotated[
        str | None,
        typer.Option(help="Kafka bootstrap servers (CONNECTOR_KAFKA_BOOTSTRAP_SERVERS)."),
    ] = None,
    backoffice_url: Annotated[
        str | None, typer.Option(help="Back-office base URL (CONNECTOR_BACKOFFICE_URL).")
    ] = None,
    keys_dir: Annotated[
        Path | None, typer.Option(help="Directory with <agency>.key (CONNECTOR_KEYS_DIR).")
    ] = None,
) -> None:
    """Consume the agency's instruction topics until interrupted."""
    from connectors.base.settings import get_settings
    from connectors.base.sleutels import sleutelpaden
    from schemas.startup_imports import import_faststream_without_http
    from schemas.tls_buffer import limit_tls_read_buffer

    overrides = {
        k: v
        for k, v in {
            "kafka_bootstrap_servers": bootstrap_servers,
            "backoffice_url": backoffice_url,
            "keys_dir": keys_dir,
        }.items()
        if v is not None
    }
    settings = get_settings().model_copy(update=overrides)
    if settings.health_port is None:  # no HTTP served: FastStream without uvicorn (2 MiB)
        import_faststream_without_http()
    from connectors.base.telemetry import configure as configure_telemetry

    koppeling = _koppeling(agency)
    prive, _ = sleutelpaden(settings.keys_dir, koppeling.uitvoerder.value)
    if not prive.is_file():
        typer.echo(f"no private key at {prive}: run `maatwerk-connector keygen` first", err=True)
        raise typer.Exit(code=2)
    configure_telemetry(koppeling.naam)
    limit_tls_read_buffer()  # before its first connection to Kafka
    asyncio.run(_draai(koppeling, settings))


@app.command()
def certify(
    agency: AgencyOptie,
    bootstrap_servers: Annotated[
        str, typer.Option(envvar="KAFKA_BOOTSTRAP_SERVERS", help="The broker to certify on.")
    ] = "127.0.0.1:19092",
    backoffice_url: Annotated[
        str | None, typer.Option(help="The (simulated) back-office; default: the agency's.")
    ] = None,
    keys_dir: Annotated[
        Path, typer.Option(help="Holds <agency>.pub (to seal) and <agency>.key (the connector's).")
    ] = Path(".var/keys"),
    pki_dir: Annotated[
        Path | None,
        typer.Option(help="Certificates of a TLS broker (deploy/pki); default .var/pki if there."),
    ] = None,
    als: Annotated[
        str, typer.Option(help="The kit's own identity in --pki-dir: publishes, reads all.")
    ] = "beheer",
    termijn: Annotated[
        float, typer.Option(help="Seconds the connector has to answer each instruction.")
    ] = 30.0,
    json_path: Annotated[
        Path | None, typer.Option("--json", help="Also write the certificate as JSON here.")
    ] = None,
    connector_command: Annotated[
        str | None, typer.Option(help="Run this instead of `maatwerk-connector run`.")
    ] = None,
) -> None:
    """Certify the agency's connector: run the conformance battery on a real broker against its
    back-office and print the certificate; exit 1 when any check fails."""
    from aiokafka.errors import KafkaError
    from rich.console import Console

    from connectors.certificering.kit import Opstelling, certificeer
    from schemas.identiteit import KafkaTls

    koppeling = _koppeling(agency)
    pki = pki_dir or (Path(".var/pki") if Path(".var/pki/ca.pem").is_file() else None)
    opstelling = Opstelling(
        koppeling=koppeling,
        bootstrap=bootstrap_servers,
        backoffice_url=backoffice_url or koppeling.standaard_url,
        keys_dir=keys_dir,
        kit_tls=None if pki is None else KafkaTls.uit_pki(pki, als),
        connector_tls=None if pki is None else KafkaTls.uit_pki(pki, agency),
        termijn=dt.timedelta(seconds=termijn),
        commando=None if connector_command is None else shlex.split(connector_command),
    )
    try:
        certificaat = asyncio.run(certificeer(opstelling))
    except (KafkaError, OSError) as exc:  # no broker, no key: nothing was certified
        typer.echo(f"cannot certify: {type(exc).__name__}: {exc}", err=True)
        raise typer.Exit(code=2) from None
    certificaat.print(Console())
    if json_path is not None:
        json_path.write_text(certificaat.als_json() + "\n")
    if not certificaat.geslaagd:
        raise typer.Exit(code=1)


@app.command()
def keygen(
    agency: Annotated[
        list[str],
        typer.Option(help="Agency code; repeat it for several agencies (one process for all)."),
    ],
    keys_dir: Annotated[
        Path | None, typer.Option(help="Where to put the key pair (default CONNECTOR_KEYS_DIR).")
    ] = None,
) -> None:
    """Create ``<agency>.key`` (0600) and ``<agency>.pub`` for each ``--agency`` if missing; keep
    an existing pair. Every agency is checked before any key is made.

    It checks that the agency and its connector are installed without loading the connector (its
    runtime is not needed to make a key pair)."""
    from connectors.base.settings import get_settings
    from connectors.base.sleutels import maak_sleutelpaar

    codes = [_geinstalleerd(code) for code in agency]
    map_ = keys_dir or get_settings().keys_dir
    for code in codes:
        prive, publiek, nieuw = maak_sleutelpaar(map_, code)
        if nieuw:
            typer.echo(f"created {prive} and {publiek}")
        else:
            typer.echo(f"kept existing {prive} ({publiek} present)")


if __name__ == "__main__":
    app()
