"""/docs (Swagger UI) and /redoc served with their assets from the hub itself, no CDN.

FastAPI's own pages load their scripts and styles from a public CDN (and ReDoc its fonts from
Google): a browser on a government network that blocks those sees a blank page, and every visit
tells a third party who reads the hub's API. The assets come from the ``fastapi-offline``
package (Swagger UI and ReDoc bundles, updated with their releases), mounted under
:data:`ASSETS`; each page gets a CSP that allows only the hub's own origin, plus the hash of
the one inline script Swagger UI needs.
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import fastapi_offline
from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS = "/docs-assets"

API_DESCRIPTION = """\
The hub between the *Landelijk Maatwerkloket Multiproblematiek* (the loket) and the government
bodies it works with. The loket submits a **casus** and moves it through its lifecycle; for a
casus it orders instruments that the hub fans out over Kafka to every agency in scope, each
agency's connector answering with its own reference or a refusal with a reason:

- **time-out** (opschorting): collection paused at the agencies for a period, extended or lifted,
  with the chain's status per agency; agencies **check before collecting** whether one is in force;
- **information requests** under the agreements (afspraken) and the **debt overview** of a
  household's open claims, from which a time-out on exactly those claims follows;
- **escalation** of a casus to the Landelijk Escalatie Team (LET), with its dossier, meeting,
  outcome and action points, and the knelpunten it finds, counted across cases;
- the **bridging procedure** (overbrugging): care pre-financed now and repaid by the party the LET
  makes responsible, booked in a double-entry ledger in euro cents;
- **deviation** decisions (afwijking) recorded on a casus;
- the **Landelijk Maatwerkregister** of every organisation's maatwerkfunctionaris, which tells the
  hub whom to warn when an agency's answer is late or a time-out nears its end.

Every caller proves its organisation (OIN) with a client certificate (mutual TLS); each
operation lists the roles allowed (`x-rollen`). Every action is audited, and every processing of
personal data is in the processing log (verwerkingen). A BSN goes only in a request body and is
pseudonymised at once: never in a URL, on a topic or in a log line. Operators watch and repair
the flow under *ops* (outbox, dead letters, metrics). Parties without Kafka get the messages
addressed to them over HTTPS (*aflevering*: webhook or pull) and agencies may answer there.
"""

OPENAPI_TAGS: list[dict[str, str]] = [
    {"name": "casus", "description": "Submit a casus and move it through its lifecycle."},
    {
        "name": "opschorting",
        "description": "Time-out: order one for agencies, follow its chain, extend or lift it.",
    },
    {
        "name": "controle",
        "description": "Check before collecting: an agency asks whether a time-out is in force "
        "for a person (by a BSN sealed with the hub's key, or a pseudonym).",
    },
    {
        "name": "informatie",
        "description": "Information requests to agencies and the household's debt overview.",
    },
    {
        "name": "escalatie",
        "description": "Escalation of a casus to the Landelijk Escalatie Team: dossier, meeting, "
        "outcome and action points, bottlenecks in rules (knelpunten).",
    },
    {
        "name": "overbrugging",
        "description": "The bridging procedure: care pre-financed now, repaid by the party the "
        "LET makes responsible; its double-entry ledger in euro cents.",
    },
    {
        "name": "afwijking",
        "description": "Deviation decisions: a rule set aside for a household, by whom, under "
        "what mandate.",
    },
    {"name": "afspraken", "description": "The agreements: who may give which data, and why."},
    {"name": "register", "description": "The Landelijk Maatwerkregister: who to call where."},
    {"name": "verwerkingen", "description": "The processing log (who processed whose data, why)."},
    {"name": "uitvoerder", "description": "An agency's own requests from the hub."},
    {
        "name": "aflevering",
        "description": "HTTPS delivery for parties without Kafka: subscriptions to the messages "
        "addressed to you, pushed as signed CloudEvents to your webhook or pulled by cursor; "
        "an agency's answers over HTTPS.",
    },
    {"name": "ops", "description": "Operators: overview, outbox, dead letters, health."},
]
"""Operations grouped by instrument in /docs, in this order (a router's tag not listed here
comes after them)."""
_STATIC = Path(fastapi_offline.__file__).parent / "static"
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def _csp(html: str, *, extra: str = "") -> str:
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
        for s in _INLINE_SCRIPT.findall(html)
    )
    return (
        f"default-src 'self'; script-src 'self' {hashes}; style-src 'self' 'unsafe-inline'; "
        f"img-src 'self' data:; font-src 'self' data:; connect-src 'self'; {extra}"
        "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    )


def _page(html: HTMLResponse, *, extra: str = "") -> HTMLResponse:
    text = bytes(html.body).decode()
    return HTMLResponse(
        text,
        headers={"content-security-policy": _csp(text, extra=extra), "cache-control": "no-cache"},
    )


def install_docs(app: FastAPI) -> None:
    """Call on an app created with ``docs_url=None, redoc_url=None``."""
    app.mount(ASSETS, StaticFiles(directory=_STATIC), name="docs-assets")
    openapi_url = app.openapi_url or "/openapi.json"

    @app.get("/docs", include_in_schema=False)
    async def swagger() -> HTMLResponse:
        return _page(
            get_swagger_ui_html(
                openapi_url=openapi_url,
                title=f"{app.title} - Swagger UI",
                swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
                swagger_css_url=f"{ASSETS}/swagger-ui.css",
                swagger_favicon_url=f"{ASSETS}/favicon.png",
            )
        )

    @app.get("/redoc", include_in_schema=False)
    async def redoc() -> HTMLResponse:
        return _page(
            get_redoc_html(
                openapi_url=openapi_url,
                title=f"{app.title} - ReDoc",
                redoc_js_url=f"{ASSETS}/redoc.standalone.js",
                redoc_favicon_url=f"{ASSETS}/favicon.png",
                with_google_fonts=False,
            ),
            extra="worker-src 'self' blob:; ",
        )
