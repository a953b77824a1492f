"""A deviation decision as the loket would send it, for tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

KNELPUNT_ID = "3f2b8c1e-6d4a-4f1b-9c7e-2a5d8e0f1b34"


def afwijking_body(besluitdatum: dt.date, **changes: Any) -> dict[str, Any]:
    """A decision taken on ``besluitdatum`` (a test dates it by the clock it gives the hub)."""
    return {
        "regel": {
            "regeling": "Participatiewet",
            "artikel": "artikel 60, vierde lid",
            "bwb_id": "BWBR0015703",
        },
        "afwijking": "Zes maanden geen verrekening van de terugvordering met de uitkering.",
        "motivering": "Verrekening brengt het huishouden onder het bestaansminimum.",
        "besloten_door": {
            "partij": {
                "oin": "00000001999999990108",
                "naam": "Gemeente Voorbeeld",
                "soort": "gemeente",
            },
            "functie": "maatwerkfunctionaris",
        },
        "mandaat": "Mandaatbesluit maatwerk 2026, artikel 3",
        "besluitdatum": besluitdatum.isoformat(),
        **changes,
    }
