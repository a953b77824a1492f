"""Request bodies for the bridging procedure, for the unit, API and store tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from schemas.organisaties import DEELNEMERS, LET

GEMEENTE, _, _, ZORGVERZEKERAAR, _ = DEELNEMERS
GEMEENTE_OIN = GEMEENTE.oin
"""Gemeente Utrecht: the responsible party in these tests (once it is in the register)."""
LET_DOOR = f"urn:nld:oin:{LET.oin}"
ZORGVERZEKERAAR_OIN = ZORGVERZEKERAAR.oin
ONBEKEND = "00000000-0000-4000-8000-000000000000"
"""A repayment request id no bridging has."""


def aanvraag_body(**changes: Any) -> dict[str, Any]:
    return {
        "zorgvoorziening": "Begeleid wonen met dagbesteding, 12 weken",
        "mogelijke_financiers": [
            {
                "oin": GEMEENTE_OIN,
                "naam": "Gemeente Utrecht",
                "soort": "gemeente",
                "kader": "wmo",
            },
            {
                "oin": ZORGVERZEKERAAR_OIN,
                "naam": "Zorgverzekeraar Voorbeeld",
                "soort": "zorgverzekeraar",
                "kader": "zvw",
            },
        ],
        "geraamd_bedrag_centen": 1_250_000,
        "aanvrager": {"oin": GEMEENTE_OIN, "naam": "Gemeente Utrecht", "soort": "gemeente"},
        **changes,
    }


def toekenning_body(ingangsdatum: dt.date, maximum: int = 1_500_000) -> dict[str, Any]:
    return {
        "maximum_bedrag_centen": maximum,
        "ingangsdatum": ingangsdatum.isoformat(),
        "toelichting": "Zorg is nodig en niet uit te stellen",
    }


def betaling_body(centen: int, betaaldatum: dt.date, kenmerk: str = "BET-0001") -> dict[str, Any]:
    return {
        "bedrag_centen": centen,
        "ontvanger": "Zorgaanbieder De Brug",
        "betaaldatum": betaaldatum.isoformat(),
        "betalingskenmerk": kenmerk,
    }


def aanwijzing_body(oin: str = GEMEENTE_OIN, **changes: Any) -> dict[str, Any]:
    return {
        "verantwoordelijke_oin": oin,
        "kader": "wmo",
        "motivering": "Begeleid wonen valt onder de Wmo 2015",
        **changes,
    }


def terugbetaling_body(verzoek_id: str, centen: int, ontvangstdatum: dt.date) -> dict[str, Any]:
    return {
        "verzoek_id": verzoek_id,
        "bedrag_centen": centen,
        "ontvangstdatum": ontvangstdatum.isoformat(),
    }


def registerregel(naam: str = "Gemeente Utrecht", soort: str = "gemeente") -> dict[str, Any]:
    """An organisation's own entry in the register (``PUT /api/v1/register/{oin}``)."""
    return {
        "organisatie_naam": naam,
        "organisatiesoort": soort,
        "team": "Team Maatwerk",
        "email": "maatwerk@utrecht.example",
        "telefoon": "+31 30 555 0100",
        "mandaat": {
            "omschrijving": "Zorg bekostigen onder de Wmo 2015",
            "verleend_door": "college van burgemeester en wethouders",
            "instrumenten": ["overbrugging"],
        },
        "domeinen": ["zorg"],
    }
