"""Wiring: the one place where the hub's parts are built and connected."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from hub.adapters.database import create_engine, create_schema, session_factory
from hub.adapters.outbox import OutboxRelay, PublishBatch
from hub.adapters.secrets import AgencyKeys, HubSecrets
from hub.adapters.store import SqlUnitOfWork
from hub.service import berichten
from hub.service.deps import Deps
from hub.service.unit_of_work import UnitOfWork
from hub.settings import Settings


@dataclass
class Hub:
    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    deps: Deps
    relay: OutboxRelay | None = None

    def uow(self) -> UnitOfWork:
        return SqlUnitOfWork(
            self.sessions,
            bus=berichten.bus(self.deps),
            clock=self.deps.clock,
            on_outbox_commit=self.relay.wake if self.relay is not None else None,
        )

    def attach_relay(self, publish: PublishBatch) -> OutboxRelay:
        self.relay = OutboxRelay(
            self.sessions, publish, poll_seconds=self.settings.outbox_poll_seconds
        )
        return self.relay

    async def close(self) -> None:
        await self.engine.dispose()


async def build_hub(settings: Settings) -> Hub:
    engine = create_engine(settings.database_url)
    await create_schema(engine)
    deps = Deps(
        settings=settings,
        secrets=HubSecrets.load(settings.keys_dir),
        keys=AgencyKeys(settings.keys_dir),
    )
    return Hub(settings=settings, engine=engine, sessions=session_factory(engine), deps=deps)
