"""SIMULATED back-office of the water board: stops collection for a known taxpayer.

``maatwerk-simulator run --agency waterschap`` finds :func:`create_app` through its entry point.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from pydantic import BaseModel

BEKEND = frozenset({"999990019"})
"""The taxpayers this back-office holds (the project's common test person)."""


class Stopverzoek(BaseModel):
    kenmerkKeten: str
    belastingplichtigen: list[str]
    van: str
    totEnMet: str


def create_app(seed: Path | None = None, *, toestand: Path | None = None) -> FastAPI:
    """In memory only: ``seed`` and ``toestand`` are accepted as the simulator command passes
    them, and not used."""
    app = FastAPI(title="Waterschap Voorbeeld (SIMULATED)")
    stops: dict[str, dict[str, Any]] = {}

    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/waterschap/invorderingsstops", status_code=201, response_model=None)
    async def stop(verzoek: Stopverzoek) -> dict[str, Any] | JSONResponse:
        if verzoek.kenmerkKeten in stops:  # a repeat: the same stop, not a second one
            return stops[verzoek.kenmerkKeten]
        if not set(verzoek.belastingplichtigen) & BEKEND:
            return JSONResponse(
                {"foutcode": "ONBEKENDE_BELASTINGPLICHTIGE", "omschrijving": "niet bekend"},
                status_code=422,
            )
        stops[verzoek.kenmerkKeten] = {"stopnummer": f"WS-STOP-{len(stops) + 1:06d}"}
        return stops[verzoek.kenmerkKeten]

    @app.get("/waterschap/invorderingsstops")
    async def overzicht() -> dict[str, Any]:
        return {"aantal": len(stops), "kenmerken": sorted(stops)}

    return app
