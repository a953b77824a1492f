"""``maatwerk-hub``: serve the hub, create the topics."""

from __future__ import annotations

import asyncio

import typer
import uvicorn

from schemas.topics import catalogue

app = typer.Typer(help="maatwerk-hub: the loket API, answer consumer and outbox relay.")


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
    port: int = typer.Option(8000, help="Port of the loket API."),
) -> None:
    """Run the hub (settings from HUB_* environment variables). With HUB_TLS_CERT, HUB_TLS_KEY
    and HUB_TLS_CA it serves HTTPS with mutual TLS: callers prove their OIN by certificate."""
    from hub.adapters.tls import server_config
    from hub.app import create_app
    from hub.settings import get_settings

    settings = get_settings()
    app = create_app(settings)
    if not settings.tls:
        typer.echo("maatwerk-hub: no HUB_TLS_*: plain HTTP, every caller but /health is refused")
        uvicorn.run(app, host=host, port=port, log_level="info")
        return
    assert settings.tls_cert and settings.tls_key and settings.tls_ca
    config = server_config(
        app,
        host=host,
        port=port,
        cert=str(settings.tls_cert),
        key=str(settings.tls_key),
        ca=str(settings.tls_ca),
        log_level="info",
    )
    uvicorn.Server(config).run()


@app.command()
def topics(
    bootstrap: str = typer.Option("127.0.0.1:19092", help="Kafka bootstrap servers."),
    replication_factor: int = typer.Option(1, help="Replication factor for new topics."),
) -> None:
    """Create or update every topic of the catalogue (idempotent)."""
    from hub.adapters.topic_admin import ensure_topics

    created = asyncio.run(
        ensure_topics(bootstrap, catalogue(), replication_factor=replication_factor)
    )
    typer.echo(f"topics: {len(catalogue())} in catalogue, {len(created)} created")


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


if __name__ == "__main__":
    app()
