"""SIMULATED parties without Kafka: a municipality, a health insurer, a care office (or an agency
without a connector) that get the hub's messages over HTTPS.

A pushed party serves its webhook over HTTPS with its own certificate: it answers the OPTIONS
handshake, takes a POST only with a valid Standard Webhooks signature (and its bearer token),
keeps each message once by its ``webhook-id`` and answers 204. A pulling party asks
``GET /api/v1/abonnementen/{id}/events`` from its cursor and acknowledges what it processed. An
agency among them answers each instruction it gets with a confirmation, POSTed to
``/api/v1/antwoorden`` as a structured CloudEvent. Nothing here is a real party's system.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import structlog
from standardwebhooks import Webhook, WebhookVerificationError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from schemas import make_event
from schemas.opschorting import OpschortingBevestigd
from schemas.organisaties import DEELNEMERS, UITVOERDERS, Uitvoerder
from simulators import DEELNEMER_POORTEN, DEELNEMER_PULLERS

log = structlog.get_logger(__name__)

TERUGBETALING = "nl.maatwerk.overbrugging.terugbetaling-gevraagd.v1"
OVERLEG = "nl.maatwerk.escalatie.overleg-gepland.v1"
INSTRUCTIES = (
    "nl.maatwerk.opschorting.instructie.v1",
    "nl.maatwerk.opschorting.verlenging-instructie.v1",
    "nl.maatwerk.opschorting.opheffing-instructie.v1",
)
GEDULD = 60.0
"""Seconds a party waits for the hub without warning (it starts beside the hub)."""
POORTEN = DEELNEMER_POORTEN
PULLERS = DEELNEMER_PULLERS


def types_voor(code: str) -> list[str]:
    """What a party subscribes to: its instructions when it is an agency, and what names it."""
    eigen = list(INSTRUCTIES) if code in {u.value for u in Uitvoerder} else []
    return [*eigen, TERUGBETALING, OVERLEG]


def source_van(code: str) -> str:
    if code in {u.value for u in Uitvoerder}:
        return UITVOERDERS[Uitvoerder(code)].source
    return next(d.source for d in DEELNEMERS if d.code == code)


def bevestiging(code: str, instructie: dict[str, Any]) -> bytes:
    """The agency's confirmation of an instruction, as a structured CloudEvent."""
    data = instructie["data"]
    antwoord = OpschortingBevestigd(
        opschorting_id=data["opschorting_id"],
        casus_id=data["casus_id"],
        uitvoerder=Uitvoerder(code),
        instructie_id=instructie["id"],
        beantwoord_op=dt.datetime.now(dt.UTC),
        referentie=f"SIM-{code.upper()}-{instructie['id'][:8]}",
    )
    event = make_event(
        antwoord,
        source=source_van(code),
        subject=data["casus_id"],
        event_id=str(uuid.uuid5(uuid.NAMESPACE_URL, f"antwoord:{instructie['id']}")),
    )
    return event.to_bytes()


@dataclass
class Deelnemer:
    """One simulated party: what it got, and how it talks to the hub."""

    code: str
    hub: Callable[[], httpx.AsyncClient]
    """A client for the hub's API with this party's certificate (a new one per use)."""
    geheim: str | None = None
    token: str | None = None
    ontvangen: dict[str, dict[str, Any]] = field(default_factory=dict)
    """By webhook-id (push) or event id (pull): each message once."""
    beantwoord: list[str] = field(default_factory=list)

    async def verwerk(self, event: dict[str, Any]) -> None:
        """Keep a message once; an agency answers an instruction over HTTPS."""
        if event["id"] in self.ontvangen:
            return
        self.ontvangen[event["id"]] = event
        log.info("message received", party=self.code, event_type=event["type"], id=event["id"])
        if event["type"] in INSTRUCTIES and event["data"].get("uitvoerder") == self.code:
            async with self.hub() as hub:
                response = await hub.post(
                    "/api/v1/antwoorden",
                    content=bevestiging(self.code, event),
                    headers={"content-type": "application/cloudevents+json"},
                )
            log.info("answer sent", party=self.code, status=response.status_code)
            if response.status_code == 200:
                self.beantwoord.append(event["id"])

    async def _options(self, request: Request) -> Response:
        origin = request.headers.get("webhook-request-origin", "")
        return Response(status_code=200, headers={"WebHook-Allowed-Origin": origin})

    async def _post(self, request: Request) -> Response:
        body = await request.body()
        if self.token and request.headers.get("authorization") != f"Bearer {self.token}":
            return Response(status_code=401)
        if self.geheim is None:
            return Response(status_code=503, headers={"Retry-After": "2"})
        try:
            Webhook(self.geheim).verify(body, dict(request.headers))
        except WebhookVerificationError:
            return Response(status_code=401)
        if not request.headers.get("content-type", "").startswith("application/cloudevents+json"):
            return Response(status_code=415)
        await self.verwerk(json.loads(body))
        return Response(status_code=204)

    async def _overzicht(self, request: Request) -> Response:
        return JSONResponse(
            {"ontvangen": list(self.ontvangen.values()), "beantwoord": self.beantwoord}
        )

    async def _health(self, request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/webhook", self._options, methods=["OPTIONS"]),
                Route("/webhook", self._post, methods=["POST"]),
                Route("/_simulator/ontvangen", self._overzicht, methods=["GET"]),
                Route("/health", self._health, methods=["GET"]),
            ]
        )

    async def abonneer(self, endpoint: str | None) -> str:
        """Subscribe (push to ``endpoint``, or pull), ending earlier subscriptions of this
        simulator first (their secret is lost with the process); returns the id."""
        body: dict[str, Any] = {
            "protocol": "https-push" if endpoint else "http-pull",
            "types": types_voor(self.code),
        }
        if endpoint:
            self.token = str(uuid.uuid4())
            body |= {"endpoint": endpoint, "token": self.token}
        async with self.hub() as hub:
            bestaand = await hub.get("/api/v1/abonnementen")
            bestaand.raise_for_status()
            for oud in bestaand.json():
                if oud["beeindigd_op"] is None and oud["endpoint"] == endpoint:
                    await hub.delete(f"/api/v1/abonnementen/{oud['id']}")
            response = await hub.post("/api/v1/abonnementen", json=body)
        response.raise_for_status()
        created = response.json()
        self.geheim = created["geheim"]
        log.info(
            "subscribed", party=self.code, abonnement_id=created["id"], protocol=body["protocol"]
        )
        return str(created["id"])

    async def pull(self, abonnement_id: str, *, cursor: int = 0, pause: float = 1.0) -> None:
        """Pull and acknowledge until cancelled (at-least-once: kept once by event id). One
        client for every round (a new one per round was a TLS handshake with the hub a second)."""
        pad = f"/api/v1/abonnementen/{abonnement_id}"
        async with self.hub() as hub:
            while True:
                page = (await hub.get(f"{pad}/events", params={"after": cursor})).json()
                for event in page["events"]:
                    await self.verwerk(event)
                if page["cursor"] > cursor:
                    await hub.post(f"{pad}/ack", json={"cursor": page["cursor"]})
                    cursor = page["cursor"]
                if not page["events"]:
                    await asyncio.sleep(pause)


async def serve(
    partij: Deelnemer, *, port: int, pull: bool, cert: tuple[str, str] | None, retry: float = 2.0
) -> None:
    """Serve the party's webhook (HTTPS with ``cert``) or only its health (pull), subscribe
    once the hub answers, and pull until stopped."""
    import uvicorn

    server = uvicorn.Server(
        uvicorn.Config(
            partij.app(),
            host="127.0.0.1",
            port=port,
            log_config=None,
            ssl_certfile=cert[0] if cert else None,
            ssl_keyfile=cert[1] if cert else None,
        )
    )
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            await task
            return
        await asyncio.sleep(0.05)
    endpoint = None if pull else f"https://127.0.0.1:{port}/webhook"
    begin = time.monotonic()
    while True:
        try:
            abonnement_id = await partij.abonneer(endpoint)
            break
        except (httpx.HTTPError, KeyError, ValueError) as exc:
            # Starting beside the hub (``make run``), it waits for it: news only after a minute.
            soon = time.monotonic() - begin < GEDULD
            (log.info if soon else log.warning)(
                "hub not ready, subscribing again", party=partij.code, error=str(exc)
            )
            await asyncio.sleep(retry)
    if pull:
        puller = asyncio.create_task(partij.pull(abonnement_id))
        await asyncio.wait({task, puller}, return_when=asyncio.FIRST_COMPLETED)
        puller.cancel()
    await task
