"""``maatwerk-hub``: serve the hub, create the topics, migrate and verify the store."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import typer
import uvicorn

from schemas.topics import catalogue

if TYPE_CHECKING:
    from hub.service.audit import Verificatie

app = typer.Typer(help="maatwerk-hub: the loket API, answer consumer and outbox relay.")


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
    port: int = typer.Option(8000, help="Port of the loket API."),
) -> None:
    """Run the hub (settings from HUB_* environment variables)."""
    from hub.app import create_app

    uvicorn.run(create_app(), host=host, port=port, log_level="info")


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
    from hub.adapters.store import SqlUnitOfWork
    from hub.service.audit import verifieer_audit
    from hub.service.deps import utc_now

    engine = create_engine(url)
    try:
        return await verifieer_audit(
            SqlUnitOfWork(session_factory(engine), bus=None, clock=utc_now)
        )
    finally:
        await engine.dispose()


if __name__ == "__main__":
    app()
