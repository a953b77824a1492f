"""Request bodies a loket would send, for tests and benchmarks."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from schemas.opschorting import Redencode, VorderingResultaat

LOKET_INDIENER_OIN = "00000001999999990201"
WOONGEMEENTE_OIN = "00000001999999990201"
"""The test household lives in Utrecht: instruments for gemeente go there."""


def vandaag() -> dt.date:
    """Today in the Netherlands, the calendar the hub keeps: between 23:00 and 00:00 UTC (22:00 in
    summer) the machine's own date is a day behind it."""
    return dt.datetime.now(ZoneInfo("Europe/Amsterdam")).date()


def casus_body(*bsns: str) -> dict[str, Any]:
    return {
        "indiener_oin": LOKET_INDIENER_OIN,
        "maatwerkfunctionaris": {
            "naam": "Team Maatwerk Utrecht",
            "email": "maatwerk@utrecht.example",
            "telefoon": "030-0000000",
        },
        "huishouden": [
            {"bsn": bsn, "rol": "aanvrager" if i == 0 else "partner"} for i, bsn in enumerate(bsns)
        ],
        "probleemdomeinen": ["schulden", "inkomen"],
        "betrokken_organisaties": ["belastingdienst", "cjib", "duo"],
        "geprobeerd": "Betalingsregelingen aangevraagd bij drie uitvoerders; geen akkoord.",
        "urgentie": "hoog",
        "gevraagde_instrumenten": ["time-out"],
        "woongemeente": WOONGEMEENTE_OIN,
    }


def opschorting_body(
    *agencies: str,
    start: dt.date | None = None,
    days: int = 90,
    vorderingen: dict[str, list[str]] | None = None,
) -> dict[str, Any]:
    start = start or vandaag()
    vorderingen = vorderingen or {}
    return {
        "uitvoerders": [
            {"uitvoerder": a, **({"vorderingen": vorderingen[a]} if a in vorderingen else {})}
            for a in agencies
        ],
        "maatregelen": ["invordering", "beslag", "verrekening"],
        "ingangsdatum": start.isoformat(),
        "einddatum": (start + dt.timedelta(days=days)).isoformat(),
        "grondslag": "Time-outbevoegdheid Landelijk Maatwerkloket",
        "reden": "Ruimte om een schuldregeling te treffen",
    }


LOKET_DOOR = "urn:nld:oin:00000001999999990001"
"""The actor of what the loket does: its proven OIN (``schemas.organisaties.LOKET``)."""
OPERATOR_DOOR = "urn:nld:oin:00000001999999990004"
"""The actor of what an operator does (``schemas.organisaties.BEHEER``)."""

CJIB_DEELS_OPGESCHORT = (
    VorderingResultaat(vordering="WAHV-2025-000120", opgeschort=True),
    VorderingResultaat(
        vordering="WAHV-2025-000220",
        opgeschort=False,
        redencode=Redencode.BEZWAAR_OF_BEROEP,
        toelichting="Beroep bij de officier van justitie in behandeling",
    ),
)
"""The CJIB's answer per claim for test person 999990020, as its back-office gives it:
WAHV-2025-000120 suspended, WAHV-2025-000220 not (under appeal)."""
