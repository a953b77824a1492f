"""What every router of the hub's HTTP API shares: the hub dependency and the error answers (one
body for every error, rendered by one handler). The routes are per instrument:
``hub.entrypoints.casus_api``, ``hub.entrypoints.opschorting_api``, and ``hub.entrypoints.ops``
for operators."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from hub.bootstrap import Hub
from hub.entrypoints.identiteit import WWW_AUTHENTICATE
from hub.service.errors import HubError


class Fout(BaseModel):
    field: str | None = Field(description="The field at fault, dotted (e.g. huishouden.0.bsn).")
    message: str = Field(description="The rule broken.")
    type: str | None = Field(default=None, description="Machine-readable error type.")


class Fouten(BaseModel):
    """Every error answer of the API: 401 without a proven caller, 403 for a caller without the
    role, 404 for an unknown casus or order, 409 for a step the state does not allow, 413 for a
    body too large, 422 for bad input, 429 for too many requests, 500
    ``TRANSACTION_LOG_WRITE_ERROR`` for an action refused because its audit entry could not be
    written."""

    detail: list[Fout]


def get_hub(request: Request) -> Hub:
    hub: Hub = request.app.state.hub
    return hub


HubDep = Annotated[Hub, Depends(get_hub)]


def _field(loc: tuple[int | str, ...]) -> str:
    """The dotted name of the field at fault, without where FastAPI found it (``body``,
    ``query``, ``path``): ``huishouden.0.bsn``, ``per_pagina``."""
    if loc and loc[0] in ("body", "query", "path", "header", "cookie"):
        return ".".join(str(p) for p in loc[1:]) or str(loc[0])
    return ".".join(str(p) for p in loc)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(HubError)
    async def _hub_error(_: Request, exc: HubError) -> JSONResponse:
        return JSONResponse(
            status_code=exc.status_code,
            content={"detail": [{"field": exc.field, "message": exc.message, "type": exc.type}]},
            headers={"WWW-Authenticate": WWW_AUTHENTICATE} if exc.status_code == 401 else None,
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {
                "field": _field(err["loc"]),
                "message": err["msg"],
                "type": err["type"],
            }
            for err in exc.errors()
        ]
        return JSONResponse(status_code=422, content={"detail": errors})
