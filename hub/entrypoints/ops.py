"""For operators: the overview and the outbox (``/api/v1/ops``), ``/metrics`` and ``/dashboard``
(dead letters: ``hub.entrypoints.dead_letter_api``).

The dashboard is one static page with its own script and style files and the charting library
(uPlot, vendored in ``static/uplot``); its script reads the ops API itself. The hub serves them
with a Content-Security-Policy that allows scripts, styles and requests from the hub only: no
inline script or style, no eval.
"""

from __future__ import annotations

from importlib import resources
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse, Response

from hub.adapters.metrics import CONTENT_TYPE, HubMetrics
from hub.adapters.outbox_queries import OutboxStatus
from hub.entrypoints.api import Fouten, HubDep
from hub.entrypoints.identiteit import Beller, Rol, VereisteRol
from hub.entrypoints.ops_reeksen_views import ReeksenView
from hub.entrypoints.ops_views import (
    OutboxPagina,
    OutboxRegel,
    OutboxVerwijderd,
    OutboxVerwijderen,
    Overzicht,
)
from hub.service import ops as ops_service
from hub.service import ops_reeksen
from hub.service import outbox as outbox_service
from hub.service.invoer import Geheel, RijId

OperatorDep = Annotated[Beller, Depends(VereisteRol(Rol.OPERATOR))]

router = APIRouter(
    prefix="/api/v1/ops",
    tags=["ops"],
    dependencies=[Depends(VereisteRol(Rol.OPERATOR))],
    responses={422: {"model": Fouten, "description": "Invalid query parameter."}},
)
pages = APIRouter(include_in_schema=False, dependencies=[Depends(VereisteRol(Rol.OPERATOR))])


@router.get("/overzicht", response_model=Overzicht)
async def overzicht(hub: HubDep) -> Overzicht:
    """Orders and requests to agencies by status (overall and per agency, with how many are
    late), the outbox backlog, the newest audit entries across all casussen and the dead
    letters."""
    return Overzicht.of(await ops_service.overview(hub.uow(), hub.deps))


@router.get("/reeksen", response_model=ReeksenView)
async def reeksen(
    hub: HubDep,
    venster: Annotated[
        Geheel,
        Query(
            ge=1,
            le=ops_reeksen.VENSTER_MAX,
            description="The window in minutes, ending now (default: the last hour; at most a "
            "day).",
        ),
    ] = ops_reeksen.VENSTER_STANDAARD,
) -> ReeksenView:
    """The dashboard's charts as series, one value per minute: messages per instrument and per
    agency, order -> answer latency per agency (p50, p95), consumer lag per group (configured
    connectors only) and dead letters per reason."""
    return ReeksenView.of(await ops_reeksen.reeksen(hub.uow(), hub.deps, venster))


@router.get("/outbox", response_model=OutboxPagina)
async def outbox(
    hub: HubDep,
    status: Literal["dead", "held", "pending", "discarded"] = "dead",
    limit: Annotated[Geheel, Query(ge=1, le=500)] = 50,
    before: Annotated[
        RijId | None, Query(description="'next_before' of the previous page.")
    ] = None,
) -> OutboxPagina:
    """Outbox messages that are dead (no longer tried), held (behind a dead message of their
    casus: order per casus holds until an operator retries or discards that one), pending or
    discarded, newest first: topic, key, event, attempts, the last error, the next attempt and
    what holds it. Never the message itself."""
    page = await outbox_service.outbox_page(
        OutboxStatus(status), hub.uow(), limit=limit, before=before
    )
    return OutboxPagina.of(page)


@router.post(
    "/outbox/{seq}/retry",
    response_model=OutboxRegel,
    responses={
        404: {"model": Fouten, "description": "No such outbox message."},
        409: {"model": Fouten, "description": "Published already."},
    },
)
async def retry_outbox(
    seq: Annotated[RijId, Path()], hub: HubDep, beller: OperatorDep
) -> OutboxRegel:
    """Put a dead or pending message back in the queue: due now, attempts from zero. Recorded in
    the audit trail. A dead message goes out first, then the later ones of its casus it held."""
    return OutboxRegel.of(await outbox_service.retry(seq, hub.uow(), hub.deps, door=beller.door))


@router.post(
    "/outbox/{seq}/discard",
    response_model=OutboxVerwijderd,
    responses={
        404: {"model": Fouten, "description": "No such outbox message."},
        409: {"model": Fouten, "description": "Not dead (pending, held, sent or discarded)."},
    },
)
async def discard_outbox(
    seq: int, body: OutboxVerwijderen, hub: HubDep, beller: OperatorDep
) -> OutboxVerwijderd:
    """Give up on a dead message for good: it is never published, and the later messages of its
    casus it held go out, in order. Recorded in the audit trail with the operator, the reason and
    the messages it released."""
    return OutboxVerwijderd.of(
        await outbox_service.discard(seq, body.reden, hub.uow(), hub.deps, door=beller.door)
    )


@pages.get("/metrics")
async def metrics(request: Request, hub: HubDep) -> Response:
    """Prometheus text format; the gauges are read from the store at scrape time."""
    hub_metrics: HubMetrics = request.app.state.metrics
    hub_metrics.record_tasks(request.app.state.process.supervisor.report())
    current = await ops_service.gauges(hub.uow(), hub.deps)
    body = hub_metrics.render(
        outbox_unsent=current.outbox_unsent,
        outbox_oldest_age_seconds=current.outbox_oldest_age_seconds,
        outbox_dead=current.outbox_dead,
        pending={a.uitvoerder: a.counts["pending"] for a in current.agencies},
        late={a.uitvoerder: a.counts["late"] for a in current.agencies},
        undeliverable={a.uitvoerder: a.counts["undeliverable"] for a in current.agencies},
    )
    return Response(content=body, media_type=CONTENT_TYPE)


_BESTANDEN: dict[str, tuple[str, str]] = {
    "dashboard.js": ("static/dashboard.js", "text/javascript; charset=utf-8"),
    "dashboard.css": ("static/dashboard.css", "text/css; charset=utf-8"),
    "uPlot.iife.min.js": ("static/uplot/uPlot.iife.min.js", "text/javascript; charset=utf-8"),
    "uPlot.min.css": ("static/uplot/uPlot.min.css", "text/css; charset=utf-8"),
}
"""The dashboard's files, served by name from this list only (uPlot: ``static/uplot/README.md``)."""

_POLICY = (
    "default-src 'none'; connect-src 'self'; img-src 'self' data:; script-src 'self'; "
    "style-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
"""No inline script or style, no eval: the page, its script and uPlot come from the hub."""

_HEADERS = {
    "Content-Security-Policy": _POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}


def _lees(pad: str) -> bytes:
    """Read per request: small files, loaded once per visit, and never stale after an update."""
    return resources.files("hub.entrypoints").joinpath(pad).read_bytes()


@pages.get("/dashboard", response_class=HTMLResponse)
async def dashboard() -> HTMLResponse:
    """The live view of the message flow (static page; its script polls the ops API)."""
    return HTMLResponse(_lees("static/dashboard.html"), headers=_HEADERS)


@pages.get("/dashboard/{bestand}")
async def dashboard_bestand(bestand: str) -> Response:
    """The dashboard's script, style and charting library; any other name is a 404."""
    gevonden = _BESTANDEN.get(bestand)
    if gevonden is None:
        raise HTTPException(status_code=404, detail=f"bestand: no such file {bestand!r}")
    pad, media_type = gevonden
    return Response(_lees(pad), media_type=media_type, headers=_HEADERS)
