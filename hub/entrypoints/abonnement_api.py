"""HTTPS delivery for parties without Kafka (NL GOV CloudEvents webhook guideline).

A connected organisation (a ``deelnemer`` or an agency) subscribes for itself to the messages
addressed to it: pushed to its endpoint (``https-push``: signed, retried, see
``hub.adapters.webhook``) or pulled by cursor (``http-pull``:
``GET /api/v1/abonnementen/{id}/events?after=&limit=``, at-least-once; it acknowledges what it
processed with ``POST .../ack``). It lists and ends its own subscriptions; another's is 404.
Operators see dead-lettered deliveries and ended subscriptions (``GET /api/v1/ops/afleveringen``).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, Field, SecretStr

from hub.adapters.orm import AbonnementRow
from hub.adapters.webhook import handdruk, tls_context
from hub.entrypoints.api import Fouten, HubDep
from hub.entrypoints.identiteit import Beller, Rol, VereisteRol
from hub.service import abonnementen as service
from hub.service.errors import Ongeldig
from schemas.organisaties import HUB

PartijDep = Annotated[Beller, Depends(VereisteRol(Rol.DEELNEMER, Rol.UITVOERDER))]
OperatorDep = Annotated[Beller, Depends(VereisteRol(Rol.OPERATOR))]

MAX_LIMIT = 500

router = APIRouter(
    prefix="/api/v1",
    tags=["aflevering"],
    responses={
        404: {"model": Fouten, "description": "No such subscription of yours."},
        422: {"model": Fouten, "description": "Invalid input; each error names its field."},
    },
)


class AbonnementInvoer(BaseModel):
    model_config = {"extra": "forbid"}

    protocol: Literal["https-push", "http-pull"]
    types: list[Annotated[str, Field(min_length=1, max_length=200)]] = Field(
        min_length=1, max_length=50, description="The message types to get."
    )
    endpoint: str | None = Field(
        default=None, max_length=2000, description="https URL the hub POSTs to (push only)."
    )
    token: SecretStr | None = Field(
        default=None,
        max_length=2000,
        description="Bearer token the hub sends in the Authorization header (push only; never "
        "in the URL).",
    )


class AbonnementView(BaseModel):
    id: str
    source: str = Field(description="Who sends: the hub.")
    protocol: str
    types: list[str]
    endpoint: str | None
    aangemaakt_op: dt.datetime
    beeindigd_op: dt.datetime | None
    reden: str | None = Field(description="Why it ended (deleted, or the receiver's 410).")
    bevestigd_tot: int = Field(description="Pull: the last position acknowledged.")

    @classmethod
    def of(cls, row: AbonnementRow) -> AbonnementView:
        return cls(
            id=row.abonnement_id,
            source=HUB.source,
            protocol=row.protocol,
            types=list(row.types),
            endpoint=row.endpoint,
            aangemaakt_op=row.aangemaakt_op,
            beeindigd_op=row.beeindigd_op,
            reden=row.reden,
            bevestigd_tot=row.bevestigd_tot,
        )


class NieuwAbonnementView(AbonnementView):
    geheim: str = Field(
        description="The signing secret (Standard Webhooks, whsec_...): shown only now."
    )


class EventsView(BaseModel):
    events: list[dict[str, Any]] = Field(description="Structured CloudEvents, in order.")
    cursor: int = Field(description="Pass as ``after`` for the next page; acknowledge it.")


class AckInvoer(BaseModel):
    model_config = {"extra": "forbid"}

    cursor: int = Field(ge=0, description="Everything up to this position was processed.")


class AckView(BaseModel):
    bevestigd_tot: int


class DodeAflevering(BaseModel):
    seq: int
    abonnement_id: str
    oin: str
    endpoint: str | None
    event_id: str
    event_type: str
    casus_id: str
    attempts: int
    last_error: str | None
    dead_at: dt.datetime | None


class AfleveringenView(BaseModel):
    dood: list[DodeAflevering]
    beeindigd: list[AbonnementView] = Field(description="Ended subscriptions, with why.")


@router.post("/abonnementen", status_code=201, response_model=NieuwAbonnementView)
async def maak_abonnement(
    body: AbonnementInvoer, hub: HubDep, beller: PartijDep
) -> NieuwAbonnementView:
    """Subscribe to the messages addressed to you. Push: the endpoint must pass the OPTIONS
    handshake (``WebHook-Request-Origin`` / ``WebHook-Allowed-Origin``)."""
    settings = hub.settings

    async def handshake(endpoint: str) -> None:
        fout = await handdruk(
            endpoint,
            verify=tls_context(settings.webhook_ca),
            timeout_seconds=settings.webhook_timeout_seconds,
        )
        if fout is not None:
            raise Ongeldig(fout, field="endpoint")

    invoer = service.NieuwAbonnement(
        protocol=body.protocol,
        types=tuple(body.types),
        endpoint=body.endpoint,
        token=body.token.get_secret_value() if body.token else None,
    )
    row, geheim = await service.maak(
        invoer,
        hub.uow(),
        hub.deps,
        oin=beller.oin,
        uitvoerder=beller.uitvoerder,
        door=beller.door,
        handdruk=handshake,
    )
    return NieuwAbonnementView(**AbonnementView.of(row).model_dump(), geheim=geheim)


@router.get("/abonnementen", response_model=list[AbonnementView])
async def eigen_abonnementen(hub: HubDep, beller: PartijDep) -> list[AbonnementView]:
    return [AbonnementView.of(r) for r in await service.lijst(hub.uow(), oin=beller.oin)]


@router.delete("/abonnementen/{abonnement_id}", status_code=204)
async def beeindig_abonnement(abonnement_id: str, hub: HubDep, beller: PartijDep) -> Response:
    await service.beeindig(
        abonnement_id,
        hub.uow(),
        hub.deps,
        oin=beller.oin,
        door=beller.door,
        reden="deleted by its party",
    )
    return Response(status_code=204)


@router.get("/abonnementen/{abonnement_id}/events", response_model=EventsView)
async def pull(
    abonnement_id: str,
    hub: HubDep,
    beller: PartijDep,
    after: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 100,
) -> EventsView:
    """The messages after ``after``, in order (at-least-once: what you did not acknowledge
    may come again; be idempotent on the event id)."""
    rows, cursor = await service.events(abonnement_id, after, limit, hub.uow(), oin=beller.oin)
    return EventsView(events=[json.loads(r.value) for r in rows], cursor=cursor)


@router.post("/abonnementen/{abonnement_id}/ack", response_model=AckView)
async def ack(abonnement_id: str, body: AckInvoer, hub: HubDep, beller: PartijDep) -> AckView:
    """Acknowledge everything up to ``cursor`` as processed."""
    bevestigd = await service.bevestig(
        abonnement_id, body.cursor, hub.uow(), hub.deps, oin=beller.oin
    )
    return AckView(bevestigd_tot=bevestigd)


@router.get("/ops/afleveringen", response_model=AfleveringenView)
async def afleveringen(
    hub: HubDep, beller: OperatorDep, limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 100
) -> AfleveringenView:
    """Webhook deliveries dead-lettered after their last attempt, and ended subscriptions."""
    async with hub.uow() as uow:
        dood = await uow.abonnementen.dood(limit)
        alle = await uow.abonnementen.alle()
    return AfleveringenView(
        dood=[
            DodeAflevering(
                seq=a.seq,
                abonnement_id=a.abonnement_id,
                oin=b.oin,
                endpoint=b.endpoint,
                event_id=a.event_id,
                event_type=a.event_type,
                casus_id=a.key,
                attempts=a.attempts,
                last_error=a.last_error,
                dead_at=a.dead_at,
            )
            for a, b in dood
        ],
        beeindigd=[AbonnementView.of(r) for r in alle if r.beeindigd_op is not None],
    )
