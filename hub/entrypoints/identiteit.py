"""Who calls the hub's API: the organisation's OIN from its TLS client certificate, and its roles.

Identity is proven, never taken from a body: the OIN is the subject serialNumber of the client
certificate that the TLS handshake verified (Digikoppeling / FSC). The server puts that
certificate in the ASGI TLS extension (``scope["extensions"]["tls"]``; ``hub.adapters.tls`` until
uvicorn does it itself); this module reads only that standard extension.

Two steps, so that an endpoint cannot be added open by mistake:

- :class:`IdentiteitMiddleware` authenticates every request but the few open paths
  (``/health``, ``/ready``): no certificate, no OIN in it, or an OIN without roles is ``401``. It
  sets ``request.state.oin`` (the rate limiter keys on it) and ``request.state.beller``.
- :func:`vereist` authorises per route: a known caller without the route's role is ``403``.

Roles come from configuration (``HUB_ROLLEN``; :meth:`hub.settings.Settings.rollen_per_oin`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.params import Depends as DependsParam
from starlette.types import ASGIApp, Receive, Scope, Send

from hub.service.errors import NietGeauthenticeerd, Verboden
from schemas.identiteit import GeenOin, oin_van_certificaat

OPEN_PADEN = frozenset({"/health", "/ready"})
"""The only paths a caller without a certificate may reach."""

WWW_AUTHENTICATE = (
    'Mutual-TLS realm="maatwerk-hub", '
    'hint="present a client certificate with your OIN in the subject serialNumber"'
)
"""There is no registered HTTP scheme for mutual TLS; this names what is missing."""

UITVOERDER_PREFIX = "uitvoerder:"


class Rol(StrEnum):
    LOKET = "loket"
    """The national desk: casussen and their instruments."""
    OPERATOR = "operator"
    """The hub's operators: ops views, dashboard, metrics."""
    LET_SECRETARIS = "let-secretaris"
    """The LET's secretary: schedules escalations, records their outcome and knelpunten."""
    DEELNEMER = "deelnemer"
    """An organisation without a connector (a municipality, a health insurer, a care office):
    the register, and what is shared with it."""
    UITVOERDER = "uitvoerder"
    """An agency: its own requests only (configured as ``uitvoerder:<agency>``)."""


@dataclass(frozen=True, slots=True)
class Beller:
    """A proven caller: its OIN and the roles configured for it."""

    oin: str
    rollen: frozenset[str]

    @property
    def door(self) -> str:
        """The actor of what this caller does, in the audit trail."""
        return f"urn:nld:oin:{self.oin}"

    @property
    def uitvoerder(self) -> str | None:
        """The agency code, when the caller is an agency."""
        for rol in sorted(self.rollen):
            if rol.startswith(UITVOERDER_PREFIX):
                return rol.removeprefix(UITVOERDER_PREFIX)
        return None

    def heeft(self, rol: Rol) -> bool:
        if rol is Rol.UITVOERDER:
            return self.uitvoerder is not None
        return rol.value in self.rollen


def client_certificaat(scope: Scope) -> str | None:
    """The verified client certificate (PEM) from the ASGI TLS extension, if any."""
    tls = (scope.get("extensions") or {}).get("tls") or {}
    if tls.get("client_cert_error"):
        return None
    chain = tls.get("client_cert_chain") or []
    return str(chain[0]) if chain else None


def identificeer(scope: Scope, rollen: Mapping[str, frozenset[str]]) -> Beller:
    """The caller of this request, or :class:`NietGeauthenticeerd` saying why not."""
    pem = client_certificaat(scope)
    if pem is None:
        raise NietGeauthenticeerd("a client certificate is required", field="certificate")
    try:
        oin = oin_van_certificaat(pem)
    except (GeenOin, ValueError) as exc:
        raise NietGeauthenticeerd(str(exc), field="certificate") from exc
    if not rollen.get(oin):
        raise NietGeauthenticeerd(f"OIN {oin} is not known to the hub", field="certificate")
    return Beller(oin=oin, rollen=rollen[oin])


def fout_body(exc: NietGeauthenticeerd | Verboden) -> dict[str, Any]:
    """The API's one error body (``hub.entrypoints.api.Fouten``)."""
    return {"detail": [{"field": exc.field, "message": exc.message, "type": "identity"}]}


class IdentiteitMiddleware:
    """Authenticates every HTTP request but :data:`OPEN_PADEN` (pure ASGI: it runs before
    routing, so a new route is closed until someone opens it here)."""

    def __init__(
        self,
        app: ASGIApp,
        rollen: Mapping[str, frozenset[str]],
        open_paden: Iterable[str] = OPEN_PADEN,
    ) -> None:
        self.app = app
        self.rollen = dict(rollen)
        self.open_paden = frozenset(open_paden)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or scope["path"] in self.open_paden:
            await self.app(scope, receive, send)
            return
        try:
            beller = identificeer(scope, self.rollen)
        except NietGeauthenticeerd as exc:
            await _weiger(exc, send)
            return
        state = scope.setdefault("state", {})
        state["oin"] = beller.oin
        state["beller"] = beller
        await self.app(scope, receive, send)


async def _weiger(exc: NietGeauthenticeerd, send: Send) -> None:
    body = json.dumps(fout_body(exc)).encode()
    await send(
        {
            "type": "http.response.start",
            "status": exc.status_code,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"www-authenticate", WWW_AUTHENTICATE.encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def bewezen_beller(request: Request) -> Beller:
    """The proven caller (set by :class:`IdentiteitMiddleware`)."""
    found = getattr(request.state, "beller", None)
    if not isinstance(found, Beller):
        raise NietGeauthenticeerd("a client certificate is required", field="certificate")
    return found


async def beller(request: Request) -> Beller:
    """The proven caller, as a dependency (``async``: FastAPI would run a plain function in a
    worker thread on every request)."""
    return bewezen_beller(request)


BellerDep = Annotated[Beller, Depends(beller)]


class VereisteRol:
    """A route's authorisation: the caller must have one of ``rollen``. A class (not a closure)
    so the OpenAPI document can name the roles of each operation."""

    def __init__(self, *rollen: Rol) -> None:
        self.rollen = rollen

    async def __call__(self, request: Request) -> Beller:
        """``async``: FastAPI would run a plain function in a worker thread on every request."""
        caller = bewezen_beller(request)
        if not any(caller.heeft(rol) for rol in self.rollen):
            allowed = ", ".join(r.value for r in self.rollen)
            raise Verboden(f"this needs the role {allowed}", field="role")
        return caller


def vereist(*rollen: Rol) -> DependsParam:
    """``dependencies=[vereist(Rol.LOKET)]`` on a router or route."""
    dependency: DependsParam = Depends(VereisteRol(*rollen))
    return dependency
