"""The hub's HTTP app: the loket API and the operators' pages, with a lifespan that starts and
stops what :func:`hub.bootstrap.bootstrap` built (store, broker, relay, background tasks)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from fastapi import FastAPI

from hub.bootstrap import HubProcess, bootstrap
from hub.entrypoints import casus_api, ops, opschorting_api
from hub.entrypoints.api import install_error_handlers
from hub.entrypoints.docs import install_docs
from hub.entrypoints.hygiene import install_hygiene
from hub.settings import Settings


def create_app(settings: Settings | None = None, *, process: HubProcess | None = None) -> FastAPI:
    process = process or bootstrap(settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.hub = await process.start()
        try:
            yield
        finally:
            await process.stop()

    app = FastAPI(
        title="maatwerk-hub",
        version="0.1.0",
        summary="The loket's API: casus, time-out orders and their chain status.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.process = process
    app.state.broker = process.broker
    app.state.metrics = process.metrics
    install_error_handlers(app)
    install_hygiene(app, process.settings)
    install_docs(app)
    app.include_router(casus_api.router)
    app.include_router(opschorting_api.router)
    app.include_router(ops.router)
    app.include_router(ops.pages)

    @app.get("/health", tags=["ops"])
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    return app
