"""What every simulated back-office shares: the app skeleton, health, the admin API, idempotency,
the state file and the fault switch.

The agency's own API (paths, field names, reference formats, error shape, refusal rules) lives in
the agency's package; this module only wires it into a FastAPI app. The admin API under
``/_simulator/`` is the simulator's, not the agency's: tests and demos use it to look inside and
to switch faults on (``/_simulator/storingen``). BSNs only ever travel in request bodies, never in
a URL or a log line.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import structlog
from fastapi import APIRouter, Body, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from schemas.tracing import TRACEPARENT, trace_id_of
from simulators.common.opslag import Opslag, opschorting_json
from simulators.common.register import (
    Opschorting,
    Persoon,
    Register,
    SleutelConflict,
    Storing,
    Vordering,
    elfproef,
)

FoutVorm = Callable[[str, str], dict[str, Any]]
"""Builds the agency's own error body from a code and a message."""


@dataclass
class Simulator:
    """One simulated agency: its seed, how to read it, its current register and, when it keeps
    its state in a file, that file (``opslag``)."""

    naam: str
    seed: dict[str, Any]
    lees_personen: Callable[[dict[str, Any]], list[Persoon]]
    lees_persoon: Callable[[dict[str, Any]], Persoon]
    lees_vordering: Callable[[dict[str, Any]], Vordering]
    fout: FoutVorm
    register: Register
    opslag: Opslag | None = None

    @classmethod
    def uit_seed(
        cls,
        *,
        naam: str,
        seed: dict[str, Any],
        lees_personen: Callable[[dict[str, Any]], list[Persoon]],
        lees_persoon: Callable[[dict[str, Any]], Persoon],
        lees_vordering: Callable[[dict[str, Any]], Vordering],
        fout: FoutVorm,
        toestand: Path | None = None,
    ) -> Simulator:
        """``toestand``: the state file (created on first start; ``None``: memory only)."""
        opslag = None if toestand is None else Opslag(toestand)
        geheim = None if opslag is None else opslag.geheim
        register = Register(lees_personen(seed), geheim=geheim)
        if opslag is not None:
            opslag.laad(register)
        return cls(
            naam=naam,
            seed=seed,
            lees_personen=lees_personen,
            lees_persoon=lees_persoon,
            lees_vordering=lees_vordering,
            fout=fout,
            register=register,
            opslag=opslag,
        )

    def reset(self) -> None:
        """Back to the seed: no suspensions, no answered requests, no added persons, no faults."""
        with self.register.lock:
            geheim = None if self.opslag is None else self.opslag.geheim
            if self.opslag is not None:
                self.opslag.wis()
            self.register = Register(self.lees_personen(self.seed), geheim=geheim)

    def bewaar(self) -> None:
        """Write what changed in the register to the state file (under the register's lock)."""
        wijzigingen = self.register.neem_wijzigingen()
        if self.opslag is not None:
            self.opslag.bewaar(wijzigingen)

    def idempotent(
        self,
        sleutel: str,
        verzoek: dict[str, Any],
        behandel: Callable[[Register], tuple[int, dict[str, Any]]],
    ) -> JSONResponse:
        """Answer ``verzoek`` once per ``sleutel``: a repeat gets the stored answer, a reuse with
        other content gets 409. A fault that hits it (``/_simulator/storingen``) answers first,
        and nothing is applied or remembered."""
        register = self.register
        with register.lock:
            geraakt = self._storing(sleutel, verzoek, "request")
            if geraakt is not None:
                return geraakt
            try:
                bekend = register.eerder_antwoord(sleutel, verzoek)
            except SleutelConflict:
                return JSONResponse(
                    status_code=409,
                    content=self.fout(
                        "SLEUTEL_HERGEBRUIKT",
                        "this request key was used before for a different request",
                    ),
                )
            if bekend is not None:
                return JSONResponse(
                    status_code=bekend.status,
                    content=bekend.body,
                    headers={"Idempotent-Replay": "true"},
                )
            status, body = behandel(register)
            register.bewaar_antwoord(sleutel, verzoek, status, body)
            self.bewaar()
            return JSONResponse(status_code=status, content=body)

    def bevraag(
        self,
        sleutel: str,
        verzoek: dict[str, Any],
        beantwoord: Callable[[Register], tuple[int, dict[str, Any]]],
    ) -> JSONResponse:
        """Answer a query (read only): nothing is applied or remembered, so a repeat gets the
        same answer as long as the register is unchanged. A fault that hits it
        (``/_simulator/storingen``) answers first, as for an instruction."""
        register = self.register
        with register.lock:
            geraakt = self._storing(sleutel, verzoek, "query")
            if geraakt is not None:
                return geraakt
            status, body = beantwoord(register)
        return JSONResponse(status_code=status, content=body)

    def _storing(self, sleutel: str, verzoek: dict[str, Any], wat: str) -> JSONResponse | None:
        """The answer of a fault (``/_simulator/storingen``) that hits this request, if one does
        (its hit is counted and kept); call with the register's lock held."""
        storing = self.register.storing_voor(sleutel, verzoek)
        if storing is None:
            return None
        self.bewaar()
        logger(self.naam).warning(
            "storing %d: HTTP %d on %s %s", storing.id, storing.status, wat, sleutel
        )
        return JSONResponse(
            status_code=storing.status,
            content=self.fout("STORING", f"simulated fault {storing.id} (simulator)"),
        )


def lees_seedbestand(pad: Path) -> dict[str, Any]:
    data = json.loads(pad.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{pad}: seed must be a JSON object")
    return data


def _admin_router(simulator: Simulator) -> APIRouter:
    router = APIRouter(prefix="/_simulator", tags=["simulator admin"])

    @router.get("/opschortingen")
    async def opschortingen() -> dict[str, Any]:
        """Suspensions registered so far (no BSNs: persons by internal id), as they stand now:
        ``totEnMet`` is the current last day, ``opgeheven`` whether it was lifted (and
        ``opgehevenPer`` the first day collection may resume), ``wijzigingen`` every extension
        and lifting in order."""
        with simulator.register.lock:
            items = [_opschorting_json(o) for o in simulator.register.opschortingen]
        return {"aantal": len(items), "opschortingen": items}

    @router.get("/personen")
    async def personen() -> dict[str, Any]:
        return {"aantal": simulator.register.aantal_personen}

    @router.post("/personen", status_code=201)
    async def persoon_toevoegen(body: dict[str, Any] = Body(...)) -> Any:  # noqa: B008
        """Add a person, in the same shape as one person in this agency's seed file."""
        try:
            persoon = simulator.lees_persoon(body)
            with simulator.register.lock:
                simulator.register.voeg_persoon_toe(persoon)
                simulator.bewaar()
        except (ValueError, KeyError, ValidationError) as exc:
            return JSONResponse(status_code=400, content=simulator.fout("ONGELDIG", _kort(exc)))
        return {"internId": persoon.intern_id, "vorderingen": len(persoon.vorderingen)}

    @router.post("/vorderingen", status_code=201)
    async def vordering_toevoegen(body: dict[str, Any] = Body(...)) -> Any:  # noqa: B008
        """Add a claim: ``{"bsn": ..., "vordering": <one claim in this agency's seed shape>}``."""
        bsn = body.get("bsn")
        if not isinstance(bsn, str) or not elfproef(bsn):
            return JSONResponse(status_code=400, content=simulator.fout("ONGELDIG", "bsn"))
        ruw = body.get("vordering")
        try:
            if not isinstance(ruw, dict):
                raise ValueError("vordering must be an object")
            vordering = simulator.lees_vordering(ruw)
            with simulator.register.lock:
                simulator.register.voeg_vordering_toe(bsn, vordering)
                simulator.bewaar()
        except KeyError:
            return JSONResponse(status_code=404, content=simulator.fout("ONBEKEND", "person"))
        except (ValueError, ValidationError) as exc:
            return JSONResponse(status_code=400, content=simulator.fout("ONGELDIG", _kort(exc)))
        return {"nummer": vordering.nummer}

    @router.post("/reset", status_code=204)
    async def reset() -> Response:
        simulator.reset()
        return Response(status_code=204)

    @router.post("/storingen", status_code=201)
    async def storing_zetten(storing: NieuweStoring) -> dict[str, Any]:
        """Switch a fault on: the agency's instructions it hits are answered with HTTP ``status``
        (default 500, the agency's error shape, code ``STORING``) and not applied. ``vordering``:
        requests that name that claim, a person who holds it or a suspension that covers it;
        ``sleutel``: the request with that key (the instruction's event id); ``aantal``: only the
        next N hits (default: until removed). Nothing given: every instruction."""
        with simulator.register.lock:
            gezet = simulator.register.zet_storing(
                status=storing.status,
                vordering=storing.vordering,
                sleutel=storing.sleutel,
                aantal=storing.aantal,
            )
            simulator.bewaar()
            return _storing_json(gezet)

    @router.get("/storingen")
    async def storingen() -> dict[str, Any]:
        """The faults switched on, with how often each answered (``geraakt``)."""
        with simulator.register.lock:
            items = [_storing_json(s) for s in simulator.register.storingen]
        return {"aantal": len(items), "storingen": items}

    @router.delete("/storingen", status_code=204)
    async def storingen_uit() -> Response:
        with simulator.register.lock:
            simulator.register.verwijder_storingen()
            simulator.bewaar()
        return Response(status_code=204)

    @router.delete("/storingen/{nummer}", status_code=204)
    async def storing_uit(nummer: int) -> Response:
        with simulator.register.lock:
            weg = simulator.register.verwijder_storingen(nummer)
            simulator.bewaar()
        if not weg:
            return JSONResponse(status_code=404, content=simulator.fout("ONBEKEND", "storing"))
        return Response(status_code=204)

    return router


class NieuweStoring(BaseModel):
    """A fault to switch on (``POST /_simulator/storingen``)."""

    model_config = ConfigDict(extra="forbid")

    status: int = Field(default=500, ge=500, le=599)
    vordering: str | None = Field(default=None, min_length=1)
    sleutel: str | None = Field(default=None, min_length=1)
    aantal: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _geen_bsn(self) -> NieuweStoring:
        # A URL-free admin body, but still: a fault is never set by BSN.
        for waarde in (self.vordering, self.sleutel):
            if waarde is not None and elfproef(waarde):
                raise ValueError("name a claim or a request key, never a BSN")
        return self


def _storing_json(s: Storing) -> dict[str, Any]:
    return {
        "id": s.id,
        "status": s.status,
        "vordering": s.vordering,
        "sleutel": s.sleutel,
        "resterend": s.resterend,
        "geraakt": s.geraakt,
    }


def _opschorting_json(o: Opschorting) -> dict[str, Any]:
    return {**opschorting_json(o), "opgeheven": o.opgeheven}


def _kort(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
    return str(exc) or type(exc).__name__


def maak_app(*, titel: str, simulator: Simulator, api: APIRouter) -> FastAPI:
    """The simulator app: the agency's API, ``GET /health`` and the admin API."""
    app = FastAPI(
        title=f"SIMULATOR {titel}",
        description=f"Simulated back-office of {titel}, for development and tests only.",
    )
    app.state.simulator = simulator

    app.add_middleware(Verzoeklog)

    @app.exception_handler(RequestValidationError)
    async def ongeldig(request: Request, exc: RequestValidationError) -> JSONResponse:
        # Never echo the input: it may hold a BSN.
        regels = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
        return JSONResponse(status_code=400, content=simulator.fout("ONGELDIG_VERZOEK", regels))

    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok", "simulator": simulator.naam}

    app.include_router(api)
    app.include_router(_admin_router(simulator))
    return app


class Verzoeklog:
    """Logs each request with the trace it belongs to (the caller's ``traceparent``): method,
    path, status. A plain ASGI middleware: Starlette's ``@app.middleware("http")`` runs the app
    in a task of its own and streams the response through memory channels, about a tenth of a
    request's CPU (profiled during a back-office's catch-up, ``bench/catchup.py``)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.log = structlog.get_logger("simulators.http")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500  # what the server answers when the app fails before it starts one

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            tp = _header(scope, TRACEPARENT.encode())
            self.log.info(
                "request", method=scope["method"], path=scope["path"], status=status,
                traceparent=tp, trace_id=trace_id_of(tp),
            )  # fmt: skip


def _header(scope: Scope, naam: bytes) -> str | None:
    for sleutel, waarde in scope["headers"]:
        if sleutel == naam:
            return str(waarde.decode("latin-1"))
    return None


def logger(naam: str) -> logging.Logger:
    return logging.getLogger(f"simulators.{naam}")
