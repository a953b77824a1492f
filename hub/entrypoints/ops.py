"""For operators: the overview and the outbox (``/api/v1/ops``), ``/metrics`` and ``/dashboard``
(dead letters: ``hub.entrypoints.dead_letter_api``).

The dashboard is one static page that reads the two API paths itself; the hub serves it with a
Content-Security-Policy that allows its own inline script and style (by hash) and requests to the
hub only.
"""

from __future__ import annotations

import base64
import hashlib
import re
from importlib import resources
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, Response

from hub.adapters.metrics import CONTENT_TYPE, HubMetrics
from hub.adapters.outbox_queries import OutboxStatus
from hub.entrypoints.api import Fouten, HubDep
from hub.entrypoints.identiteit import Beller, Rol, VereisteRol
from hub.entrypoints.ops_views import (
    OutboxPagina,
    OutboxRegel,
    OutboxVerwijderd,
    OutboxVerwijderen,
    Overzicht,
)
from hub.service import ops as ops_service
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


def _hashes(html: str, tag: str) -> str:
    blocks = re.findall(rf"<{tag}>(.*?)</{tag}>", html, flags=re.DOTALL)
    return " ".join(
        f"'sha256-{base64.b64encode(hashlib.sha256(b.encode()).digest()).decode()}'" for b in blocks
    )


def _dashboard() -> tuple[str, str]:
    """The page and its policy; read per request (it is small, and loaded once per visit)."""
    html = resources.files("hub.entrypoints").joinpath("static/dashboard.html").read_text("utf-8")
    policy = (
        "default-src 'none'; connect-src 'self'; img-src 'self' data:; "
        f"script-src {_hashes(html, 'script')}; style-src {_hashes(html, 'style')}; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )
    return html, policy


@pages.get("/dashboard", response_class=HTMLResponse)
async def dashboard() -> HTMLResponse:
    """The live view of the message flow (static page; it polls the ops API)."""
    html, policy = _dashboard()
    return HTMLResponse(
        html,
        headers={
            "Content-Security-Policy": policy,
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
            "Cache-Control": "no-cache",
        },
    )
