"""The OpenAPI document says how to call each operation: mutual TLS (OpenAPI 3.1's
``mutualTLS`` scheme) on every operation but ``/health`` and ``/ready``, with the roles that may
call it and the ``401``/``403`` answers. Derived from the routes themselves (their
:class:`VereisteRol`), so the document cannot drift from what the app enforces."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, RouteContext, iter_route_contexts

from hub.entrypoints.identiteit import OPEN_PADEN, VereisteRol

SCHEME = "mutualTLS"

SCHEME_DESCRIPTION = (
    "Mutual TLS as in the Digikoppeling REST API profile: the caller presents its organisation's "
    "certificate (PKIoverheid private root in production); its OIN is the subject "
    "serialNumber. The OIN's roles are configured in the hub (HUB_ROLLEN)."
)

FOUT = {"$ref": "#/components/schemas/Fouten"}


def rollen_van(dependant: Dependant) -> set[str]:
    """The roles a route accepts: those of every :class:`VereisteRol` it depends on."""
    found: set[str] = set()
    for sub in dependant.dependencies:
        if isinstance(sub.call, VereisteRol):
            found |= {r.value for r in sub.call.rollen}
        found |= rollen_van(sub)
    return found


def api_routes(app: FastAPI) -> list[RouteContext]:
    """Every API route of the app as it is served (router prefixes and dependencies applied)."""
    return [c for c in iter_route_contexts(app.routes) if isinstance(c.original_route, APIRoute)]


def _beveilig(schema: dict[str, Any], app: FastAPI) -> None:
    schema.setdefault("components", {}).setdefault("securitySchemes", {})[SCHEME] = {
        "type": SCHEME,
        "description": SCHEME_DESCRIPTION,
    }
    for route in api_routes(app):
        if route.path is None or route.path in OPEN_PADEN:
            continue
        rollen = sorted(rollen_van(route.dependant))
        for method in route.methods or ():
            operation = schema["paths"].get(route.path, {}).get(method.lower())
            if operation is None:
                continue
            operation["security"] = [{SCHEME: []}]
            operation["x-rollen"] = rollen
            responses = operation.setdefault("responses", {})
            responses["401"] = {
                "description": "No client certificate, no OIN in it, or an unknown OIN.",
                "content": {"application/json": {"schema": FOUT}},
            }
            responses["403"] = {
                "description": f"The caller's roles do not include {' or '.join(rollen)}.",
                "content": {"application/json": {"schema": FOUT}},
            }


def installeer(app: FastAPI) -> None:
    """Replace ``app.openapi`` by one that adds the security scheme (computed once)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = FastAPI.openapi(app)
            _beveilig(schema, app)
        return app.openapi_schema or {}

    app.openapi = openapi  # type: ignore[method-assign]
