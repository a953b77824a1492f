"""SIMULATOR of the UWV: the *klantbeeld* query of its Gegevensdiensten (v1).

``POST /uwv/gegevensdiensten/v1/klantbeeld`` asks what the UWV records about one customer (BSN
in the body), for the ``producten`` named (the UWV's own codes):

- ``TERUGVORDERINGEN``: per recovery the law (``wet``: WW, WIA, ZW, WAJONG), why it was paid
  unduly, the original and outstanding amount in cents, the actions running (``lopende_acties``),
  whether an objection is pending, a payment arrangement, and the *invorderingsstop* that covers
  it and has not ended (``null``: none);
- ``BETALINGSREGELINGEN``: payment arrangements in force;
- ``VERREKENINGEN``: set-offs against a running benefit (per month, and whether a court ordered it);
- ``UITKERINGEN``: benefits (law, start, end, gross per month).

A product the UWV does not deliver is no error: it comes back in ``niet_geleverd``. Read only.

Refusals, in the UWV's error shape ``{"meldingen": [{"code", "omschrijving"}]}``:
- 400 ``ONGELDIG_VERZOEK``: a field missing (``doelbinding``, ``wettelijke_grondslag``);
- 404 ``KLANT_NIET_GEVONDEN``;
- 403 ``GEHEIMHOUDING``: the customer's file is under secrecy; the UWV delivers nothing.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from simulators.common import Bsn, Persoon, Register, Vordering, centen
from simulators.common.app import logger

log = logger("uwv")


class Product(StrEnum):
    """What the UWV's Gegevensdiensten deliver about a customer."""

    TERUGVORDERINGEN = "TERUGVORDERINGEN"
    BETALINGSREGELINGEN = "BETALINGSREGELINGEN"
    VERREKENINGEN = "VERREKENINGEN"
    UITKERINGEN = "UITKERINGEN"


class Klantbeeldvraag(BaseModel):
    model_config = ConfigDict(extra="forbid")

    aanvraag_kenmerk: str = Field(min_length=1, max_length=64)
    afnemer_oin: str = Field(pattern=r"^[0-9]{20}$")
    bsn: Bsn
    producten: list[str] = Field(min_length=1)
    doelbinding: str = Field(min_length=1, max_length=1000)
    wettelijke_grondslag: str = Field(min_length=1, max_length=200)


def fout(code: str, omschrijving: str) -> dict[str, Any]:
    return {"meldingen": [{"code": code, "omschrijving": omschrijving}]}


def _vastgelegd(v: Vordering) -> dict[str, Any]:
    """The recovery as the UWV recorded it (a state file from before this API holds less)."""
    if v.gegevens:
        return v.gegevens
    return {"terugvorderingsnummer": v.nummer, "wet": v.soort, "openstaand_bedrag": v.bedrag}


def _terugvordering(t: dict[str, Any]) -> dict[str, Any]:
    open_ = centen(t["openstaand_bedrag"])
    oorspronkelijk = t.get("oorspronkelijk_bedrag")
    regeling = t.get("betalingsregeling")
    return {
        "terugvorderingsnummer": t["terugvorderingsnummer"],
        "wet": t["wet"],
        "reden": t.get("reden", ""),
        "oorspronkelijk_bedrag_centen": open_ if oorspronkelijk is None else centen(oorspronkelijk),
        "openstaand_bedrag_centen": open_,
        "lopende_acties": list(t.get("lopende_acties", [])),
        "bezwaar_lopend": bool(t.get("bezwaar_lopend", False)),
        "betalingsregeling": None
        if regeling is None
        else {
            "regeling_nummer": regeling["regeling_nummer"],
            "termijnbedrag_centen": centen(regeling["termijnbedrag"]),
            "termijnen_resterend": regeling["termijnen_resterend"],
            "startdatum": regeling["startdatum"],
        },
    }


def _verrekening(t: dict[str, Any]) -> dict[str, Any] | None:
    per_maand = t.get("verrekening_per_maand")
    if per_maand is None:
        return None
    return {
        "terugvorderingsnummer": t["terugvorderingsnummer"],
        "bedrag_per_maand_centen": centen(per_maand),
        "rechterlijk_opgelegd": bool(t.get("rechterlijke_verrekening", False)),
    }


def _uitkering(u: dict[str, Any]) -> dict[str, Any]:
    return {
        "wet": u["wet"],
        "ingangsdatum": u["ingangsdatum"],
        "einddatum": u.get("einddatum"),
        "bruto_per_maand_centen": centen(u["bruto_per_maand"]),
    }


def _product(persoon: Persoon, product: Product) -> list[dict[str, Any]]:
    vastgelegd = [_vastgelegd(v) for v in persoon.vorderingen.values()]
    if product is Product.TERUGVORDERINGEN:
        return [_terugvordering(t) for t in vastgelegd]
    if product is Product.BETALINGSREGELINGEN:
        return [
            {"terugvorderingsnummer": t["terugvorderingsnummer"], **t["betalingsregeling"]}
            for t in map(_terugvordering, vastgelegd)
            if t["betalingsregeling"] is not None
        ]
    if product is Product.VERREKENINGEN:
        return [v for v in map(_verrekening, vastgelegd) if v is not None]
    return [_uitkering(u) for u in persoon.gegevens.get("uitkeringen", [])]


def beantwoord(
    vraag: Klantbeeldvraag, register: Register, vandaag: dt.date
) -> tuple[int, dict[str, Any]]:
    """The UWV's rules for a query; returns HTTP status and body."""
    persoon = register.persoon(vraag.bsn)
    if persoon is None:
        return 404, fout("KLANT_NIET_GEVONDEN", "De klant is niet bekend bij UWV.")
    if persoon.afgeschermd:
        log.info("klantbeeld %s geweigerd: geheimhouding", vraag.aanvraag_kenmerk)
        return 403, fout("GEHEIMHOUDING", "Op dit klantdossier rust geheimhouding.")
    bekend = {p.value: p for p in Product}
    gevraagd = list(dict.fromkeys(vraag.producten))
    klantbeeld: dict[str, Any] = {
        code.lower(): _product(persoon, bekend[code]) for code in gevraagd if code in bekend
    }
    for t in klantbeeld.get("terugvorderingen", []):
        stop = register.lopende_opschorting(t["terugvorderingsnummer"], vandaag)
        t["invorderingsstop"] = (
            None
            if stop is None
            else {
                "stopnummer": stop.referentie,
                "ingangsdatum": stop.van.isoformat(),
                "einddatum": stop.tot_en_met.isoformat(),
            }
        )
    log.info("klantbeeld %s geleverd (%s)", vraag.aanvraag_kenmerk, persoon.intern_id)
    return 200, {
        "aanvraag_kenmerk": vraag.aanvraag_kenmerk,
        "klantnummer": persoon.intern_id,
        "peildatum": vandaag.isoformat(),
        "klantbeeld": klantbeeld,
        "niet_geleverd": [c for c in gevraagd if c not in bekend],
    }
