"""SIMULATOR of the Belastingdienst: the *inlichtingen* query API.

``POST /api/v1/inlichtingenverzoeken`` asks what the Belastingdienst records about one taxpayer
(*belastingplichtige*, BSN in the body), for the ``gegevenssoorten`` named:

- ``AANSLAGEN``: open assessments, per assessment its original and outstanding amount in cents,
  the collection measures running (``invorderingsmaatregelen``), objection/appeal, arrangement
  and the *invorderingsstop* that covers it and has not ended (``null``: none);
- ``BETALINGSREGELINGEN``: payment arrangements in force;
- ``VERREKENINGEN``: set-offs against allowances;
- ``TOESLAGEN``: allowances paid (advance per month);
- ``INKOMEN``: the last known aggregate income (*verzamelinkomen*).

A code the Belastingdienst does not hold is no error: it is listed under ``nietLeverbaar``. The
answer (200) holds only the kinds asked. Read only: nothing is recorded, so a repeat with the same
``verzoekKenmerk`` gets the same answer.

Refusals, in the Belastingdienst's error shape ``{"foutcode", "omschrijving"}``:
- 400 ``ONGELDIG_VERZOEK``: a field missing, e.g. ``doelbinding`` or ``grondslag``;
- 404 ``BELASTINGPLICHTIGE_ONBEKEND``: the taxpayer is not known;
- 403 ``VERSTREKKING_NIET_TOEGESTAAN``: the taxpayer's data are shielded (*afgeschermd*) and the
  Belastingdienst shares nothing about them.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any

from pydantic import Field, StringConstraints

from simulators.common import Bsn, CamelModel, Persoon, Register, centen
from simulators.common.app import logger

log = logger("belastingdienst")


class Gegevenssoort(StrEnum):
    """The kinds of data the Belastingdienst shares (its own codes)."""

    AANSLAGEN = "AANSLAGEN"
    BETALINGSREGELINGEN = "BETALINGSREGELINGEN"
    VERREKENINGEN = "VERREKENINGEN"
    TOESLAGEN = "TOESLAGEN"
    INKOMEN = "INKOMEN"


Code = Annotated[str, StringConstraints(pattern=r"^[A-Z_]{1,40}$")]


class Belastingplichtige(CamelModel):
    bsn: Bsn


class Inlichtingenverzoek(CamelModel):
    verzoek_kenmerk: str = Field(min_length=1, max_length=64)
    aanvrager_oin: str = Field(pattern=r"^[0-9]{20}$")
    belastingplichtige: Belastingplichtige
    gegevenssoorten: list[Code] = Field(min_length=1)
    doelbinding: str = Field(min_length=1, max_length=1000)
    grondslag: str = Field(min_length=1, max_length=200)


def _aanslag(a: dict[str, Any]) -> dict[str, Any]:
    openstaand = centen(a["openstaandBedrag"])
    oorspronkelijk = a.get("oorspronkelijkBedrag")
    return {
        "aanslagnummer": a["aanslagnummer"],
        "middel": a["middel"],
        "belastingjaar": a["belastingjaar"],
        "oorspronkelijkBedragInCenten": openstaand
        if oorspronkelijk is None
        else centen(oorspronkelijk),
        "openstaandBedragInCenten": openstaand,
        "invorderingsmaatregelen": list(a.get("invorderingsmaatregelen", [])),
        "bezwaarOfBeroep": bool(a.get("bezwaarOfBeroep", False)),
        "betalingsregeling": None
        if a.get("betalingsregeling") is None
        else _regeling(a["betalingsregeling"]),
    }


def _regeling(r: dict[str, Any]) -> dict[str, Any]:
    return {
        "regelingnummer": r["regelingnummer"],
        "termijnbedragInCenten": centen(r["termijnbedrag"]),
        "aantalTermijnen": r["aantalTermijnen"],
        "ingangsdatum": r["ingangsdatum"],
    }


def _aanslagen(persoon: Persoon) -> list[dict[str, Any]]:
    return [
        _aanslag(v.gegevens or _kaal(v.nummer, v.soort, v.bedrag))
        for v in persoon.vorderingen.values()
    ]


def _kaal(nummer: str, soort: str, bedrag: str) -> dict[str, Any]:
    """A claim recorded without its seed record (older state files)."""
    middel, _, jaar = soort.partition(" ")
    return {"aanslagnummer": nummer, "middel": middel, "belastingjaar": int(jaar or 0),
            "openstaandBedrag": bedrag}  # fmt: skip


def _soort(persoon: Persoon, soort: Gegevenssoort) -> tuple[str, Any]:
    g = persoon.gegevens
    if soort is Gegevenssoort.AANSLAGEN:
        aanslagen = _aanslagen(persoon)
        return "aanslagen", {
            "items": aanslagen,
            "totaalOpenstaandInCenten": sum(a["openstaandBedragInCenten"] for a in aanslagen),
        }
    if soort is Gegevenssoort.BETALINGSREGELINGEN:
        return "betalingsregelingen", [
            {"aanslagnummer": a["aanslagnummer"], **a["betalingsregeling"]}
            for a in _aanslagen(persoon)
            if a["betalingsregeling"] is not None
        ]
    if soort is Gegevenssoort.VERREKENINGEN:
        return "verrekeningen", [
            {
                "aanslagnummer": v["aanslagnummer"],
                "verrekendMet": v["verrekendMet"],
                "bedragPerMaandInCenten": centen(v["bedragPerMaand"]),
                "sinds": v["sinds"],
            }
            for v in g.get("verrekeningen", [])
        ]
    if soort is Gegevenssoort.TOESLAGEN:
        return "toeslagen", [
            {
                "toeslag": t["toeslag"],
                "berekeningsjaar": t["berekeningsjaar"],
                "voorschotPerMaandInCenten": centen(t["voorschotPerMaand"]),
            }
            for t in g.get("toeslagen", [])
        ]
    inkomen = g.get("inkomen")
    return "inkomen", None if inkomen is None else {
        "belastingjaar": inkomen["belastingjaar"],
        "verzamelinkomenInCenten": centen(inkomen["verzamelinkomen"]),
        "bron": inkomen["bron"],
    }


def beantwoord(
    verzoek: Inlichtingenverzoek, register: Register, vandaag: dt.date
) -> tuple[int, dict[str, Any]]:
    """The Belastingdienst's rules for a query; returns HTTP status and body."""
    persoon = register.persoon(verzoek.belastingplichtige.bsn)
    if persoon is None:
        return 404, {
            "foutcode": "BELASTINGPLICHTIGE_ONBEKEND",
            "omschrijving": "De belastingplichtige is niet bekend bij de Belastingdienst.",
        }
    if persoon.afgeschermd:
        log.info("inlichtingen %s geweigerd: afgeschermd", verzoek.verzoek_kenmerk)
        return 403, {
            "foutcode": "VERSTREKKING_NIET_TOEGESTAAN",
            "omschrijving": "Over deze belastingplichtige worden geen gegevens verstrekt.",
        }
    bekend = {s.value: s for s in Gegevenssoort}
    gevraagd = list(dict.fromkeys(verzoek.gegevenssoorten))
    body: dict[str, Any] = {
        "verzoekKenmerk": verzoek.verzoek_kenmerk,
        "relatienummer": persoon.intern_id,
        "peildatum": vandaag.isoformat(),
    }
    for code in gevraagd:
        if code in bekend:
            veld, waarde = _soort(persoon, bekend[code])
            body[veld] = waarde
    for aanslag in body.get("aanslagen", {}).get("items", []):
        stop = register.lopende_opschorting(aanslag["aanslagnummer"], vandaag)
        aanslag["invorderingsstop"] = (
            None
            if stop is None
            else {
                "stopKenmerk": stop.referentie,
                "ingangsdatum": stop.van.isoformat(),
                "einddatum": stop.tot_en_met.isoformat(),
            }
        )
    body["nietLeverbaar"] = [c for c in gevraagd if c not in bekend]
    log.info("inlichtingen %s verstrekt over %s", verzoek.verzoek_kenmerk, persoon.intern_id)
    return 200, body
