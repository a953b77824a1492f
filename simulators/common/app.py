"""What every simulated back-office shares: the app skeleton, health, the admin API, idempotency.

The agency's own API (paths, field names, reference formats, error shape, refusal rules) lives in
the agency's package; this module only wires it into a FastAPI app. The admin API under
``/_simulator/`` is the simulator's, not the agency's: tests and demos use it to look inside.
BSNs only ever travel in request bodies, never in a URL or a log line.
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
from pydantic import ValidationError

from schemas.tracing import TRACEPARENT, trace_id_of
from simulators.common.register import (
    Opschorting,
    Persoon,
    Register,
    SleutelConflict,
    Vordering,
    elfproef,
)

FoutVorm = Callable[[str, str], dict[str, Any]]
"""Builds the agency's own error body from a code and a message."""


@dataclass
class Simulator:
    """One simulated agency: its seed, how to read it, and its current register."""

    naam: str
    seed: dict[str, Any]
    lees_personen: Callable[[dict[str, Any]], list[Persoon]]
    lees_persoon: Callable[[dict[str, Any]], Persoon]
    lees_vordering: Callable[[dict[str, Any]], Vordering]
    fout: FoutVorm
    register: Register

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
    ) -> Simulator:
        return cls(
            naam=naam,
            seed=seed,
            lees_personen=lees_personen,
            lees_persoon=lees_persoon,
            lees_vordering=lees_vordering,
            fout=fout,
            register=Register(lees_personen(seed)),
        )

    def reset(self) -> None:
        """Back to the seed: no suspensions, no answered requests, no added persons."""
        self.register = Register(self.lees_personen(self.seed))

    def idempotent(
        self,
        sleutel: str,
        verzoek: dict[str, Any],
        behandel: Callable[[Register], tuple[int, dict[str, Any]]],
    ) -> JSONResponse:
        """Answer ``verzoek`` once per ``sleutel``: a repeat gets the stored answer, a reuse with
        other content gets 409."""
        register = self.register
        with register.lock:
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
            return JSONResponse(status_code=status, content=body)


def lees_seedbestand(pad: Path) -> dict[str, Any]:
    data = json.loads(pad.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{pad}: seed must be a JSON object")
    return data


def _admin_router(simulator: Simulator) -> APIRouter:
    router = APIRouter(prefix="/_simulator", tags=["simulator admin"])

    @router.get("/opschortingen")
    def opschortingen() -> dict[str, Any]:
        """Suspensions registered so far (no BSNs: persons by internal id), as they stand now:
        ``totEnMet`` is the current last day, ``opgeheven`` whether it was lifted (and
        ``opgehevenPer`` the first day collection may resume), ``wijzigingen`` every extension
        and lifting in order."""
        with simulator.register.lock:
            items = [_opschorting_json(o) for o in simulator.register.opschortingen]
        return {"aantal": len(items), "opschortingen": items}

    @router.get("/personen")
    def personen() -> dict[str, Any]:
        return {"aantal": simulator.register.aantal_personen}

    @router.post("/personen", status_code=201)
    def persoon_toevoegen(body: dict[str, Any] = Body(...)) -> Any:  # noqa: B008
        """Add a person, in the same shape as one person in this agency's seed file."""
        try:
            persoon = simulator.lees_persoon(body)
            simulator.register.voeg_persoon_toe(persoon)
        except (ValueError, KeyError, ValidationError) as exc:
            return JSONResponse(status_code=400, content=simulator.fout("ONGELDIG", _kort(exc)))
        return {"internId": persoon.intern_id, "vorderingen": len(persoon.vorderingen)}

    @router.post("/vorderingen", status_code=201)
    def vordering_toevoegen(body: dict[str, Any] = Body(...)) -> Any:  # noqa: B008
        """Add a claim: ``{"bsn": ..., "vordering": <one claim in this agency's seed shape>}``."""
        bsn = body.get("bsn")
        if not isinstance(bsn, str) or not elfproef(bsn):
            return JSONResponse(status_code=400, content=simulator.fout("ONGELDIG", "bsn"))
        ruw = body.get("vordering")
        try:
            if not isinstance(ruw, dict):
                raise ValueError("vordering must be an object")
            vordering = simulator.lees_vordering(ruw)
            simulator.register.voeg_vordering_toe(bsn, vordering)
        except KeyError:
            return JSONResponse(status_code=404, content=simulator.fout("ONBEKEND", "person"))
        except (ValueError, ValidationError) as exc:
            return JSONResponse(status_code=400, content=simulator.fout("ONGELDIG", _kort(exc)))
        return {"nummer": vordering.nummer}

    @router.post("/reset", status_code=204)
    def reset() -> Response:
        simulator.reset()
        return Response(status_code=204)

    return router


def _opschorting_json(o: Opschorting) -> dict[str, Any]:
    oorspronkelijk = o.oorspronkelijk_tot_en_met or o.tot_en_met
    return {
        "referentie": o.referentie,
        "sleutel": o.sleutel,
        "personen": list(o.personen),
        "vorderingen": list(o.vorderingen),
        "van": o.van.isoformat(),
        "totEnMet": o.tot_en_met.isoformat(),
        "oorspronkelijkTotEnMet": oorspronkelijk.isoformat(),
        "maatregelen": list(o.maatregelen),
        "opgeheven": o.opgeheven,
        "opgehevenPer": o.opgeheven_per.isoformat() if o.opgeheven_per else None,
        "wijzigingen": [
            {
                "referentie": w.referentie,
                "sleutel": w.sleutel,
                "soort": w.soort.value,
                "totEnMet": w.tot_en_met.isoformat(),
            }
            for w in o.wijzigingen
        ],
    }


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

    @app.middleware("http")
    async def traceparent(request: Request, call_next: Any) -> Any:
        """Log each request with the trace it belongs to (the caller's ``traceparent``)."""
        tp = request.headers.get(TRACEPARENT)
        response = await call_next(request)
        structlog.get_logger("simulators.http").info(
            "request", method=request.method, path=request.url.path,
            status=response.status_code, traceparent=tp, trace_id=trace_id_of(tp),
        )  # fmt: skip
        return response

    @app.exception_handler(RequestValidationError)
    async def ongeldig(request: Request, exc: RequestValidationError) -> JSONResponse:
        # Never echo the input: it may hold a BSN.
        regels = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
        return JSONResponse(status_code=400, content=simulator.fout("ONGELDIG_VERZOEK", regels))

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok", "simulator": simulator.naam}

    app.include_router(api)
    app.include_router(_admin_router(simulator))
    return app


def logger(naam: str) -> logging.Logger:
    return logging.getLogger(f"simulators.{naam}")
