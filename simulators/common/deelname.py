"""SIMULATOR part shared by the back-offices: an invitation to an escalation (*overleguitnodiging*)
and a repayment request of the bridging procedure (*terugbetalingsverzoek*).

Every agency takes both in its own style (:class:`Deelnamestijl`: its paths, its key, person and
reference fields, whether amounts are cents or a decimal string, its error body through the
simulator's ``fout``); the rules are the same everywhere:

- idempotent on the request key (the hub's instruction id): a repeat gets the same reference;
- a request naming no person the back-office knows (the gemeente simulator: no client of the
  municipality of the path): 422 ``<ONBEKEND>`` (its own code);
- an invitation to a meeting that has begun already: 422 ``OVERLEG_VERSTREKEN``;
- a repayment request whose due date has passed: 422 ``VERVALDATUM_VERSTREKEN``;
- otherwise 201 with the agency's own reference (``<prefix>-UIT-<year>-<number>`` for an
  invitation, ``<prefix>-BET-<year>-<number>`` for a repayment).

What was registered is listed at ``GET /_simulator/deelname`` (tests and the conformance kit).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from fastapi import APIRouter, Body, FastAPI, Request
from fastapi.params import Depends
from fastapi.responses import JSONResponse

from simulators.common.app import Simulator
from simulators.common.register import Register


def nu_utc() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class Deelnamestijl:
    """How one back-office names the fields of these two requests (mirrors the connector's)."""

    prefix: str
    """Where its API lives, e.g. ``/cjib``."""
    referentieprefix: str
    """Start of its references, e.g. ``CJIB``."""
    onbekend: str
    """Its refusal code for an unknown person."""
    uitnodigingen: str = "/overleguitnodigingen"
    terugbetalingen: str = "/terugbetalingsverzoeken"
    sleutelveld: str = "verzoekId"
    personenveld: str = "personen"
    persoonveld: str = "bsn"
    referentieveld: str = "referentie"
    bedrag_in_centen: bool = True
    """True: ``bedrag`` is integer cents; False: a decimal string in euros (``"1050.00"``)."""


@dataclass
class Deelnameregister:
    """What the back-office registered (kept in memory; listed for tests)."""

    uitnodigingen: dict[str, dict[str, Any]] = field(default_factory=dict)
    terugbetalingen: dict[str, dict[str, Any]] = field(default_factory=dict)


class Ongeldig(ValueError):
    pass


def _bsns(stijl: Deelnamestijl, body: dict[str, Any]) -> list[str]:
    personen = body.get(stijl.personenveld)
    if not isinstance(personen, list) or not personen:
        raise Ongeldig(f"{stijl.personenveld}: at least one person")
    bsns = [p.get(stijl.persoonveld) if isinstance(p, dict) else None for p in personen]
    if not all(isinstance(b, str) and len(b) == 9 and b.isdigit() for b in bsns):
        raise Ongeldig(f"{stijl.personenveld}: each needs {stijl.persoonveld} (9 digits)")
    return [str(b) for b in bsns]


def _centen(stijl: Deelnamestijl, waarde: Any) -> int:
    if stijl.bedrag_in_centen:
        if not isinstance(waarde, int) or isinstance(waarde, bool) or waarde < 0:
            raise Ongeldig("bedrag: integer cents")
        return waarde
    try:
        bedrag = Decimal(str(waarde))
    except InvalidOperation:
        raise Ongeldig("bedrag: a decimal amount in euros") from None
    if bedrag < 0 or bedrag != bedrag.quantize(Decimal("0.01")):
        raise Ongeldig("bedrag: a decimal amount in euros")
    return int(bedrag * 100)


Bekend = Callable[[Register, list[str], dict[str, Any]], bool]
"""Whether the back-office knows one of the persons (the register, the BSNs, the path's
parameters: the gemeente simulator's tenant)."""


def bekend_in_register(register: Register, bsns: list[str], pad: dict[str, Any]) -> bool:
    return any(register.persoon(bsn) is not None for bsn in bsns)


def behandel_uitnodiging(
    stijl: Deelnamestijl,
    body: dict[str, Any],
    register: Register,
    deelname: Deelnameregister,
    fout: Callable[[str, str], dict[str, Any]],
    nu: dt.datetime,
    bekend: Callable[[Register, list[str]], bool] = lambda r, b: bekend_in_register(r, b, {}),
) -> tuple[int, dict[str, Any]]:
    """Register an invitation, or refuse it (the module docstring's rules)."""
    try:
        bsns = _bsns(stijl, body)
        overleg = body.get("overleg")
        aanvang = None
        if overleg is not None:
            aanvang = dt.datetime.fromisoformat(str(overleg["aanvang"]))
            if aanvang.tzinfo is None:
                raise Ongeldig("overleg.aanvang: with a time zone")
    except (Ongeldig, KeyError, TypeError, ValueError) as exc:
        return 400, fout("ONGELDIG_VERZOEK", str(exc))
    if not bekend(register, bsns):
        return 422, fout(stijl.onbekend, "Geen dossier bekend voor deze persoon.")
    if aanvang is not None and aanvang <= nu:
        return 422, fout("OVERLEG_VERSTREKEN", f"Het overleg begon al op {aanvang.isoformat()}.")
    referentie = f"{stijl.referentieprefix}-UIT-{nu:%Y}-{register.volgnummer():06d}"
    deelname.uitnodigingen[referentie] = {
        "sleutel": body.get(stijl.sleutelveld),
        "dossierkenmerk": body.get("dossierkenmerk"),
        "aanvang": None if aanvang is None else aanvang.isoformat(),
    }
    return 201, {stijl.referentieveld: referentie, "status": "GEREGISTREERD"}


def behandel_terugbetaling(
    stijl: Deelnamestijl,
    body: dict[str, Any],
    register: Register,
    deelname: Deelnameregister,
    fout: Callable[[str, str], dict[str, Any]],
    nu: dt.datetime,
    bekend: Callable[[Register, list[str]], bool] = lambda r, b: bekend_in_register(r, b, {}),
) -> tuple[int, dict[str, Any]]:
    """Book a repayment request for payment, or refuse it (the module docstring's rules)."""
    try:
        bsns = _bsns(stijl, body)
        centen = _centen(stijl, body.get("bedrag"))
        vervaldatum = dt.date.fromisoformat(str(body["vervaldatum"]))
        kenmerk = str(body["betalingskenmerk"])
    except (Ongeldig, KeyError, TypeError, ValueError) as exc:
        return 400, fout("ONGELDIG_VERZOEK", str(exc))
    if not bekend(register, bsns):
        return 422, fout(stijl.onbekend, "Geen dossier bekend voor deze persoon.")
    if vervaldatum < nu.date():
        return 422, fout("VERVALDATUM_VERSTREKEN", f"De vervaldatum {vervaldatum} is voorbij.")
    referentie = f"{stijl.referentieprefix}-BET-{nu:%Y}-{register.volgnummer():06d}"
    deelname.terugbetalingen[referentie] = {
        "sleutel": body.get(stijl.sleutelveld),
        "centen": centen,
        "vervaldatum": vervaldatum.isoformat(),
        "betalingskenmerk": kenmerk,
    }
    return 201, {stijl.referentieveld: referentie, "status": "INGEBOEKT"}


def router(
    simulator: Simulator,
    stijl: Deelnamestijl,
    deelname: Deelnameregister,
    nu: Callable[[], dt.datetime] = nu_utc,
    afhankelijkheden: Sequence[Depends] = (),
    bekend: Bekend = bekend_in_register,
) -> APIRouter:
    """The two endpoints under the agency's prefix (idempotent on its key field);
    ``afhankelijkheden`` run first (the gemeente simulator's tenant check)."""
    api = APIRouter(prefix=stijl.prefix, tags=["deelname"], dependencies=list(afhankelijkheden))

    def _kent(request: Request) -> Callable[[Register, list[str]], bool]:
        pad = dict(request.path_params)
        return lambda register, bsns: bekend(register, bsns, pad)

    def _zonder_sleutel(body: dict[str, Any]) -> JSONResponse | None:
        sleutel = body.get(stijl.sleutelveld)
        if isinstance(sleutel, str) and 0 < len(sleutel) <= 100:
            return None
        return JSONResponse(
            status_code=400, content=simulator.fout("ONGELDIG_VERZOEK", f"{stijl.sleutelveld}")
        )

    @api.post(stijl.uitnodigingen, status_code=201)
    async def uitnodiging(request: Request, body: dict[str, Any] = Body(...)) -> JSONResponse:  # noqa: B008
        if (fout := _zonder_sleutel(body)) is not None:
            return fout
        return simulator.idempotent(
            str(body[stijl.sleutelveld]),
            {"soort": "uitnodiging", **request.path_params, **body},
            lambda register: behandel_uitnodiging(
                stijl, body, register, deelname, simulator.fout, nu(), _kent(request)
            ),
        )

    @api.post(stijl.terugbetalingen, status_code=201)
    async def terugbetaling(request: Request, body: dict[str, Any] = Body(...)) -> JSONResponse:  # noqa: B008
        if (fout := _zonder_sleutel(body)) is not None:
            return fout
        return simulator.idempotent(
            str(body[stijl.sleutelveld]),
            {"soort": "terugbetaling", **request.path_params, **body},
            lambda register: behandel_terugbetaling(
                stijl, body, register, deelname, simulator.fout, nu(), _kent(request)
            ),
        )

    return api


def admin_router(deelname: Deelnameregister) -> APIRouter:
    api = APIRouter(prefix="/_simulator", tags=["simulator"])

    @api.get("/deelname")
    def lijst() -> dict[str, Any]:
        return {
            "uitnodigingen": deelname.uitnodigingen,
            "terugbetalingen": deelname.terugbetalingen,
        }

    return api


def koppel(
    app: FastAPI,
    simulator: Simulator,
    stijl: Deelnamestijl,
    nu: Callable[[], dt.datetime] = nu_utc,
    afhankelijkheden: Sequence[Depends] = (),
    bekend: Bekend = bekend_in_register,
) -> None:
    """Add the two endpoints and their admin listing to a simulator app."""
    deelname = Deelnameregister()
    app.include_router(router(simulator, stijl, deelname, nu, afhankelijkheden, bekend))
    app.include_router(admin_router(deelname))
