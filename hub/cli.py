"""``maatwerk-hub``: serve the hub, create the topics and their ACLs, migrate and verify the
store."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
import uvicorn

from schemas.topics import acl_entries, catalogue

if TYPE_CHECKING:
    from hub.service.audit import Verificatie

app = typer.Typer(help="maatwerk-hub: the loket API, answer consumer and outbox relay.")


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
    port: int = typer.Option(8000, help="Port of the loket API."),
) -> None:
    """Run the hub (settings from HUB_* environment variables). With HUB_TLS_CERT, HUB_TLS_KEY
    and HUB_TLS_CA it serves HTTPS with mutual TLS: callers prove their OIN by certificate."""
    # FastAPI imports pydantic's copy of pydantic 1 (1.5 MiB) only to refuse models of it, and
    # takes its absence as "none": the hub has none.
    sys.modules.setdefault("pydantic.v1", None)  # type: ignore[arg-type]
    from hub.adapters import telemetry
    from hub.adapters.malloc import limit_arenas
    from hub.adapters.tls import serving_config
    from hub.adapters.upgrade_apart import UpgradeFailed, upgrade_apart
    from hub.app import create_app
    from hub.settings import get_settings
    from schemas.tls_buffer import limit_tls_read_buffer

    limit_arenas()  # before the first thread (the database's, the exporters')
    limit_tls_read_buffer()  # before the first connection (the loket's, Kafka's)
    telemetry.configure()
    settings = get_settings()
    try:
        upgrade_apart(settings.database_url)  # a store behind: Alembic stays out of this process
    except UpgradeFailed as exc:
        typer.echo(f"maatwerk-hub: {exc}", err=True)
        raise typer.Exit(code=3) from None
    app = create_app(settings)
    if not settings.tls:
        typer.echo(
            "maatwerk-hub: no HUB_TLS_*: plain HTTP, every caller but /health and /ready is refused"
        )
    uvicorn.Server(serving_config(app, settings, host=host, port=port)).run()


@app.command()
def topics(
    bootstrap: str = typer.Option("127.0.0.1:19092", help="Kafka bootstrap servers."),
    replication_factor: int | None = typer.Option(
        None, help="Replication factor for new topics (default: min(3, brokers))."
    ),
    pki_dir: Annotated[
        Path | None,
        typer.Option(
            help="Directory with ca.pem and <code>.pem/.key (deploy/pki/local_ca.py): connect "
            "over TLS as --as."
        ),
    ] = None,
    als: Annotated[
        str, typer.Option("--as", help="Organisation code whose certificate in --pki-dir is used.")
    ] = "beheer",
    cafile: Annotated[
        Path | None, typer.Option(help="CA (PEM); with --certfile and --keyfile.")
    ] = None,
    certfile: Annotated[
        Path | None, typer.Option(help="Admin certificate (PEM), of a super user.")
    ] = None,
    keyfile: Annotated[Path | None, typer.Option(help="Its private key (PEM).")] = None,
    acls: bool = typer.Option(True, help="Also make the broker's ACLs the catalogue's."),
) -> None:
    """Create or update every topic of the catalogue and its ACLs (idempotent).

    Runs as a super user of the broker (the operators' certificate): the hub's own certificate
    has only the hub's ACLs. The principals are the OINs of schemas.organisaties, with the agencies'
    and the hub's from HUB_UITVOERDER_OINS and HUB_OIN when set. Over PLAINTEXT (no certificate)
    only the topics are made: a broker without TLS has no principals to give ACLs to.
    """
    from hub.adapters.topic_admin import ensure_acls, ensure_topics
    from hub.settings import get_settings
    from schemas.identiteit import KafkaTls

    tls: KafkaTls | None = None
    if cafile or certfile or keyfile:
        if not (cafile and certfile and keyfile):
            raise typer.BadParameter("--cafile, --certfile and --keyfile go together")
        tls = KafkaTls(cafile, certfile, keyfile)
    elif pki_dir is not None:
        tls = KafkaTls.uit_pki(pki_dir, als)

    created = asyncio.run(
        ensure_topics(bootstrap, catalogue(), replication_factor=replication_factor, tls=tls)
    )
    typer.echo(f"topics: {len(catalogue())} in catalogue, {len(created)} created")
    if acls and tls is not None:
        settings = get_settings()
        oins = {"hub": settings.oin, **{u.value: o for u, o in settings.uitvoerder_oins.items()}}
        entries = acl_entries(oins=oins)
        made, removed = asyncio.run(ensure_acls(bootstrap, entries, tls=tls))
        typer.echo(f"acls: {len(entries)} from the catalogue, {made} created, {removed} removed")


db = typer.Typer(help="The hub's store: schema migrations (Alembic).")
app.add_typer(db, name="db")


@db.command("upgrade")
def db_upgrade(revision: str = typer.Argument("head", help="Target revision.")) -> None:
    """Upgrade the store at HUB_DATABASE_URL (the hub also does this when it starts)."""
    from alembic import command

    from hub.adapters.migrations import alembic_config
    from hub.settings import get_settings

    command.upgrade(alembic_config(get_settings().database_url), revision)


@db.command("revision")
def db_revision(message: str = typer.Option(..., "--message", "-m")) -> None:
    """Write a new migration from the difference between the models and HUB_DATABASE_URL."""
    from alembic import command

    from hub.adapters.migrations import alembic_config
    from hub.settings import get_settings

    command.revision(alembic_config(get_settings().database_url), message, autogenerate=True)


audit = typer.Typer(help="The hub's audit trail (a hash chain).")
app.add_typer(audit, name="audit")


@audit.command("verify")
def audit_verify() -> None:
    """Check the audit trail at HUB_DATABASE_URL: exit 0 with the number of entries when the
    chain is intact, 1 naming the first entry changed, removed or inserted. Read only: it does
    not migrate the store. Note the printed head hash somewhere outside the store: a later run
    that no longer shows it proves the trail was rewritten (``hub.domain.auditketen``)."""
    from hub.settings import get_settings

    uitslag = asyncio.run(_verify(get_settings().database_url))
    if uitslag.breuk is not None:
        waar = f"sequence {uitslag.breuk.sequence}"
        if uitslag.breuk.id is not None:
            waar += f" (id {uitslag.breuk.id})"
        typer.echo(
            f"audit: BROKEN at entry {waar}: {uitslag.breuk.reden}; "
            f"{uitslag.aantal} entries before it verified",
            err=True,
        )
        raise typer.Exit(1)
    typer.echo(
        f"audit: intact, {uitslag.aantal} entries; head {uitslag.head_sequence} {uitslag.head_hash}"
    )


async def _verify(url: str) -> Verificatie:
    from hub.adapters.database import create_engine, session_factory
    from hub.service.audit import verifieer_audit
    from hub.service.deps import utc_now
    from hub.service.sql_unit_of_work import SqlUnitOfWork

    engine = create_engine(url)
    try:
        return await verifieer_audit(
            SqlUnitOfWork(session_factory(engine), bus=None, clock=utc_now)
        )
    finally:
        await engine.dispose()


# Command groups of their own, imported after the app they join.
from hub.entrypoints import dead_letter_cli, register_cli, seal_cli  # noqa: E402

app.add_typer(dead_letter_cli.app, name="deadletters")
app.add_typer(register_cli.app, name="register")


if __name__ == "__main__":
    app()
app.command("seal-bsn")(seal_cli.seal_bsn)
