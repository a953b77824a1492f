"""What every router of the hub's HTTP API shares: the hub dependency and the error answers (one
body for every error, rendered by one handler). The routes are per instrument:
``hub.entrypoints.casus_api``, ``hub.entrypoints.opschorting_api``, and ``hub.entrypoints.ops``
for operators."""

from __future__ import annotations

from http import HTTPStatus
from typing import Annotated, Any

import structlog
from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException

from hub.bootstrap import Hub
from hub.entrypoints.hygiene import fout, zonder_bsn
from hub.entrypoints.identiteit import WWW_AUTHENTICATE
from hub.service.errors import HubError

log = structlog.get_logger(__name__)


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


async def get_hub(request: Request) -> Hub:
    """The hub the app serves. ``async``, as every dependency of the API: FastAPI runs a plain
    function in a worker thread, a hand-over and back on every request for a read of one
    attribute (``tests/api/hub/test_no_worker_threads.py``)."""
    hub: Hub = request.app.state.hub
    return hub


HubDep = Annotated[Hub, Depends(get_hub)]


def _field(loc: tuple[int | str, ...]) -> str:
    """The dotted name of the field at fault, without where FastAPI found it (``body``,
    ``query``, ``path``): ``huishouden.0.bsn``, ``per_pagina``."""
    if loc and loc[0] in ("body", "query", "path", "header", "cookie"):
        return ".".join(str(p) for p in loc[1:]) or str(loc[0])
    return ".".join(str(p) for p in loc)


def _validation_error(err: Any) -> dict[str, str | None]:
    if err["type"] == "json_invalid":  # FastAPI's loc is the offset in the body
        problem = (err.get("ctx") or {}).get("error", "")
        return fout("body", f"the body is not valid JSON: {problem}".rstrip(": "), "json_invalid")
    return fout(_field(err["loc"]), err["msg"], err["type"])


def _http_error_type(status: int) -> str:
    """``not_found``, ``method_not_allowed``, ...: the status's phrase, machine-readable."""
    try:
        return HTTPStatus(status).phrase.lower().replace(" ", "_").replace("-", "_")
    except ValueError:
        return "http_error"


def install_error_handlers(app: FastAPI) -> None:
    """Every error the API gives has the one body (:class:`Fouten`): the service's own errors,
    FastAPI's validation errors (a body that is not JSON included), Starlette's 404 and 405,
    and an unexpected error (500, logged with its traceback, nothing of it in the answer). No
    message repeats a BSN-shaped value (``hub.entrypoints.hygiene.zonder_bsn``)."""

    @app.exception_handler(HubError)
    async def _hub_error(_: Request, exc: HubError) -> JSONResponse:
        return JSONResponse(
            status_code=exc.status_code,
            # Typed like Starlette's own errors when the service names no type (403 forbidden).
            content={
                "detail": [
                    fout(exc.field, exc.message, exc.type or _http_error_type(exc.status_code))
                ]
            },
            headers={"WWW-Authenticate": WWW_AUTHENTICATE} if exc.status_code == 401 else None,
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [_validation_error(err) for err in exc.errors()]
        return JSONResponse(status_code=422, content={"detail": errors})

    @app.exception_handler(HTTPException)
    async def _http(_: Request, exc: HTTPException) -> JSONResponse:
        # Starlette's own (404, 405) and FastAPI's; the hub's subclasses name a field and a type.
        field = getattr(exc, "field", None)
        type_ = getattr(exc, "type", None) or _http_error_type(exc.status_code)
        return JSONResponse(
            status_code=exc.status_code,
            content={"detail": [fout(field, str(exc.detail), type_)]},
            headers=exc.headers,
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        # Starlette logs the traceback and re-raises after this answer.
        log.error("unexpected error", path=zonder_bsn(request.url.path), error=type(exc).__name__)
        return JSONResponse(
            status_code=500,
            content={"detail": [fout(None, "the hub failed to handle this request", "internal")]},
        )
