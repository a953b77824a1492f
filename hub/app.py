"""The hub's HTTP app: the loket API, the agencies' route and the operators' pages, with a
lifespan that starts and stops what :func:`hub.bootstrap.bootstrap` built (store, broker, relay,
background tasks). Every path but ``/health`` and ``/ready`` (``hub.entrypoints.health``) needs a
caller proven by its TLS client certificate (``hub.entrypoints.identiteit``)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from fastapi import FastAPI
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

from hub.adapters.telemetry import EXCLUDED_URLS
from hub.bootstrap import ANTWOORD_ROUTES, HubProcess, bootstrap
from hub.entrypoints import (
    abonnement_api,
    afspraak_api,
    afwijking_api,
    antwoord_api,
    beveiliging,
    casus_api,
    controle_api,
    dead_letter_api,
    escalatie_api,
    health,
    informatie_api,
    ops,
    opschorting_api,
    overbrugging_api,
    register_api,
    verwerking_api,
    verzoek_api,
)
from hub.entrypoints.api import install_error_handlers
from hub.entrypoints.docs import API_DESCRIPTION, OPENAPI_TAGS, install_docs
from hub.entrypoints.hygiene import install_hygiene
from hub.entrypoints.idempotentie import Idempotency
from hub.entrypoints.identiteit import IdentiteitMiddleware
from hub.entrypoints.json_body import JsonBody
from hub.entrypoints.stream import register_handlers
from hub.service.routes import antwoord_topics
from hub.settings import Settings


def create_app(settings: Settings | None = None, *, process: HubProcess | None = None) -> FastAPI:
    process = process or bootstrap(settings)
    register_handlers(
        process.broker,
        lambda: process.hub,
        process.settings.consumer_group,
        process.metrics,
        antwoord_topics=antwoord_topics(ANTWOORD_ROUTES),
    )
    process.supervisor.guard_consumers(process.broker.subscribers)

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
        summary="The loket's and the agencies' API: casus and the instruments ordered on it.",
        description=API_DESCRIPTION,
        openapi_tags=OPENAPI_TAGS,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.process = process
    app.state.broker = process.broker
    app.state.metrics = process.metrics
    install_error_handlers(app)
    # Idempotency first (innermost): it reads the body within the limit install_hygiene adds,
    # after JSON in UTF-8 only is checked.
    app.add_middleware(Idempotency)
    app.add_middleware(JsonBody)
    install_hygiene(app, process.settings)
    install_docs(app)
    app.include_router(casus_api.router)
    app.include_router(opschorting_api.router)
    app.include_router(ops.router)
    app.include_router(dead_letter_api.router)
    app.include_router(verzoek_api.router)
    app.include_router(controle_api.router)
    app.include_router(verwerking_api.router)
    app.include_router(afspraak_api.router)
    app.include_router(informatie_api.router)
    app.include_router(escalatie_api.router)
    app.include_router(overbrugging_api.router)
    app.include_router(register_api.router)
    app.include_router(afwijking_api.router)
    app.include_router(abonnement_api.router)
    app.include_router(antwoord_api.router)
    app.include_router(ops.pages)
    app.include_router(health.router)
    # Every path but /health and /ready needs a proven caller; the routes check its role.
    app.add_middleware(IdentiteitMiddleware, rollen=process.settings.rollen_per_oin())
    beveiliging.installeer(app)
    # Outermost: a request's span (its incoming traceparent honoured) spans every middleware.
    FastAPIInstrumentor.instrument_app(
        app, excluded_urls=EXCLUDED_URLS, exclude_spans=["receive", "send"]
    )
    return app
